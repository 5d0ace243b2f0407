"""Titles the officer refused, and higher titles recorded on a provisional lower one (engine rules, no Flask).

The emulation officer may record that a person was not awarded a title of a year ("không
công nhận", with a written reason): the council or the unit's rating decided so. The engine
then finds that title not eligible (condition ``not_refused``), so no higher title of the year
counts it provisionally any more; and a higher title recorded, with a reason, while that lower
title was only provisional (``provisional_on``) is flagged: its ``lower_title`` condition is
unmet and names the refusal.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from portal.core.phrases import Phrase
from portal.emulation import engine


@dataclass(frozen=True, slots=True)
class RefusedTitle:
    """``title`` recorded as not awarded to the person for ``year``, and why."""

    person_id: int
    year: int
    title: str
    reason: str = ""

    def __post_init__(self) -> None:
        if self.title not in engine.TITLE_RANK:
            raise ValueError(f"unknown title: {self.title!r}")


def refused_by_person(refusals: Iterable[RefusedTitle], year: int) -> dict[int, dict[str, str]]:
    """{person id: {title: reason}} for the refusals of ``year``."""
    found: dict[int, dict[str, str]] = {}
    for refusal in refusals:
        if refusal.year == year:
            found.setdefault(refusal.person_id, {})[refusal.title] = refusal.reason
    return found


def unchanged(_ctx, result: engine.TitleResult, _refused) -> engine.TitleResult:
    return result


def refuse(ctx, result: engine.TitleResult, refused: Mapping[str, str]) -> engine.TitleResult:
    """``result`` not eligible when its title is refused for the year (a title recorded stays as it is)."""
    if result.title not in refused or result.held:
        return result
    reason = refused[result.title]
    detail = Phrase("Thường trực Hội đồng Thi đua – Khen thưởng đã ghi nhận không công nhận danh hiệu %(title)s "
                    "năm %(year)s: %(reason)s", title=Phrase(engine.TITLE_LABELS[result.title]), year=ctx.year,
                    reason=reason)
    evidence = [{"year": ctx.year, "title": result.title, "refused": True, "reason": reason}]
    conditions = [*result.conditions, engine.Condition("not_refused", False, detail, evidence)]
    return engine.TitleResult(result.title, False, conditions, result.held, None)


def is_refused(result: engine.TitleResult) -> bool:
    return any(c.code == "not_refused" and not c.met for c in result.conditions)


def with_lower_title(ctx, result: engine.TitleResult, lower: engine.TitleResult) -> engine.TitleResult:
    """Flag a title recorded while its lower title of the year was provisional, once that one is refused."""
    label, year = Phrase(engine.TITLE_LABELS[lower.title]), ctx.year
    refused = is_refused(lower)
    evidence = [{"year": year, "title": lower.title, "held": lower.held, "eligible": lower.eligible,
                 "refused": refused}]
    if lower.held:
        condition = engine.Condition("lower_title", True, Phrase(
            "Danh hiệu %(title)s năm %(year)s đã được ghi nhận.", title=label, year=year), evidence)
    elif lower.eligible:
        detail = Phrase("Được ghi nhận khi danh hiệu %(title)s năm %(year)s còn tạm tính; "
                        "danh hiệu đó vẫn đủ điều kiện nhưng chưa có quyết định.", title=label, year=year)
        condition = engine.Condition("lower_title", True, detail, evidence, provisional=True)
    elif refused:
        detail = Phrase("Được ghi nhận khi danh hiệu %(title)s năm %(year)s còn tạm tính; danh hiệu đó đã bị ghi "
                        "nhận là không công nhận (%(reason)s): cần xem xét lại.", title=label, year=year,
                        reason=lower.condition("not_refused").evidence[0]["reason"])
        condition = engine.Condition("lower_title", False, detail, evidence)
    else:
        detail = Phrase("Được ghi nhận khi danh hiệu %(title)s năm %(year)s còn tạm tính; danh hiệu đó nay "
                        "không được công nhận (không đủ điều kiện, chưa ghi nhận): cần xem xét lại.",
                        title=label, year=year)
        condition = engine.Condition("lower_title", False, detail, evidence)
    conditions = [*result.conditions, condition]
    eligible = all(c.met or c.warning_only for c in conditions)
    return engine.TitleResult(result.title, eligible, conditions, result.held, result.uses if eligible else None)
