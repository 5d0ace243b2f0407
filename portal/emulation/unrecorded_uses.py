"""Old awards whose use of a recognition was never recorded (a rule of the engine, no Flask).

Before the "used once" rule, recording CSTĐ cơ sở, Ngành or toàn quốc could store
``initiative_id`` null; migration ``title_refusals`` marks those rows ``use_unknown`` (the
recorder never writes one again: it stores the recognition, or refuses). Such an award was
granted on the strength of some recognition of the person (Công văn 5007/BNV-TĐKT III.5.c: "Một sáng kiến chỉ được sử dụng một lần"),
but nobody can tell which. So, until the emulation officer names it, every recognition
the award may have used counts as possibly used: it backs no other award of the person
(nor of a co-author while ``coauthors_each_use`` is off), and the evidence says
"use not recorded" (reason ``use_not_recorded``) instead of "used". The award itself keeps
its recognitions for its own title and year.

"May have used" reads the rules of the award's own year: the recognitions of the person at
a level the title counts (any for CSTĐ cơ sở, sector for CSTĐ Ngành, national for toàn
quốc) decided in the years that title looks at (Y, or Y−1 and Y, for CSTĐ cơ sở; the
consecutive period for CSTĐ Ngành; both sector periods for toàn quốc).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from portal.core.phrases import Phrase
from portal.emulation import engine

REASON = "use_not_recorded"
_LEVELS = {
    engine.GRASSROOTS: engine.LEVELS,
    engine.SECTOR: ("sector",),
    engine.NATIONAL: ("national",),
}


def is_unrecorded(award: engine.TitleAward) -> bool:
    """An award above LĐTT recorded by the old code without the recognition it used.

    An award with ``initiative_id`` null and not ``use_unknown`` (history typed without a
    recognition of the portal) blocks nothing: none of the portal's recognitions backed it.
    """
    return award.use_unknown and award.initiative_id is None and award.title in _LEVELS


def window(title: str, year: int, settings_by_year: Mapping[int, Any] | Any) -> tuple[int, ...]:
    """The decision years an award of ``title`` in ``year`` counts recognitions in, under that year's settings."""
    ctx = engine._context(year, engine.settings_for_year(settings_by_year, year))
    if title == engine.GRASSROOTS:
        return ctx.grassroots_years
    if title == engine.SECTOR:
        return ctx.sector_years
    return ctx.national_years


def possible_uses(
    award: engine.TitleAward,
    recognitions: Iterable[engine.Recognition],
    settings_by_year: Mapping[int, Any] | Any = None,
) -> list[engine.Recognition]:
    """The recognitions ``award`` (use not recorded) may have used, oldest first."""
    years = set(window(award.title, award.year, settings_by_year))
    levels = _LEVELS[award.title]
    found = [r for r in recognitions
             if award.person_id in r.authors and r.level in levels and r.decision_date.year in years]
    return sorted(found, key=lambda r: (r.decision_date, r.initiative_id, engine.LEVELS.index(r.level)))


def with_unrecorded_uses(
    awards: Iterable[engine.TitleAward],
    recognitions: Iterable[engine.Recognition],
    settings_by_year: Mapping[int, Any] | Any = None,
) -> list[engine.TitleAward]:
    """``awards`` plus, for each award whose use is not recorded, one possible use per recognition it may
    have used (``use_unknown``, naming the initiative). Idempotent."""
    awards = list(awards)
    unrecorded = [a for a in awards if is_unrecorded(a)]
    if not unrecorded:
        return awards
    people = {a.person_id for a in unrecorded}
    theirs = [r for r in recognitions if people.intersection(r.authors)]
    present = {a for a in awards if a.use_unknown and a.initiative_id is not None}
    for award in unrecorded:
        for recognition in possible_uses(award, theirs, settings_by_year):
            use = engine.TitleAward(award.person_id, award.year, award.title, recognition.initiative_id,
                                    recognition.level, award.provisional_on, use_unknown=True)
            if use not in present:
                present.add(use)
                awards.append(use)
    return awards


def note(initiative: Phrase, blocker: engine.TitleAward) -> Phrase:
    """The evidence's note for a recognition an old award may have used."""
    return Phrase("%(initiative)s có thể đã được dùng cho danh hiệu %(title)s năm %(year)s (hồ sơ cũ chưa ghi "
                  "sáng kiến đã sử dụng: Thường trực Hội đồng Thi đua – Khen thưởng cần ghi rõ trước khi dùng lại)",
                  initiative=initiative, title=Phrase(engine.TITLE_LABELS[blocker.title]), year=blocker.year)
