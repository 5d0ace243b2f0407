"""The officer's later actions on recorded titles: a title refused for a year, the recognition an old
award used named. Each: check, change, flush, audit (pages and API call these same functions; a
refusal raises a Refusal and changes nothing)."""
from sqlalchemy import select
from sqlalchemy.orm import lazyload, selectinload

from portal.auth.models import User
from portal.core import audit
from portal.core.phrases import Phrase
from portal.emulation import operations
from portal.emulation.models import TITLE_LABELS, Title, TitleAward, TitleRefusal
from portal.emulation.operations import parse_title, parse_year, refused
from portal.emulation.unrecorded_uses import is_unrecorded
from portal.extensions import db

MAX_REASON = 2000


def _reason(reason):
    text = (reason or "").strip()
    if not text:
        raise refused(422, "Hãy nêu lý do không công nhận danh hiệu.", "missing_reason", "reason")
    if len(text) > MAX_REASON:
        raise refused(422, Phrase("Lý do tối đa %(n)s ký tự.", n=MAX_REASON), "invalid", "reason")
    return text


def record_refusal(user, year, title, *, actor, reason):
    """Record that ``user`` is not awarded ``title`` for ``year`` (with a written reason).

    Refused (409) when the title is recorded for that year (delete the award first) or already
    refused. Higher titles of the year recorded while this one was provisional are flagged by the
    engine from now on; the audit event names them.
    """
    operations._require_officer(actor)
    year = parse_year(year)
    title = parse_title(title)
    reason = _reason(reason)
    label = Phrase(TITLE_LABELS[title])
    if db.session.execute(select(TitleAward.id).where(
            TitleAward.user_id == user.id, TitleAward.year == year, TitleAward.title == title)).first():
        raise refused(409, Phrase("%(name)s đã được ghi nhận danh hiệu %(title)s năm %(year)s; muốn ghi nhận không "
                                  "công nhận, hãy xóa danh hiệu đã ghi nhận trước.", name=user.full_name,
                                  title=label, year=year), "title_recorded", "title")
    if _refusal_of(user.id, year, title) is not None:
        raise refused(409, Phrase("Danh hiệu %(title)s năm %(year)s của %(name)s đã được ghi nhận là không công "
                                  "nhận.", title=label, year=year, name=user.full_name), "duplicate", "title")
    row = TitleRefusal(user_id=user.id, year=year, title=title, reason=reason, recorded_by_id=actor.id)
    db.session.add(row)
    db.session.flush()
    flagged = [str(a.title) for a in db.session.execute(select(TitleAward).where(
        TitleAward.user_id == user.id, TitleAward.year == year, TitleAward.provisional_on == title)).scalars()]
    audit.record("emulation.title_refused", actor=actor, obj=row,
                 data={"user": user.username, "year": year, "title": title.value, "reason": reason,
                       "flagged_titles": flagged},
                 summary=f"Không công nhận {TITLE_LABELS[title]} {year}: {user.full_name} — lý do: {reason}")
    return row


def _refusal_of(user_id, year, title):
    return db.session.execute(select(TitleRefusal).where(
        TitleRefusal.user_id == user_id, TitleRefusal.year == year, TitleRefusal.title == title)
    ).scalar_one_or_none()


def delete_refusal(row, *, actor):
    operations._require_officer(actor)
    data = {"user_id": row.user_id, "year": row.year, "title": str(row.title), "reason": row.reason}
    db.session.delete(row)
    db.session.flush()
    audit.record("emulation.title_refusal_deleted", actor=actor, object_type="title_refusal", object_id=row.id,
                 data=data, summary=f"Bỏ ghi nhận không công nhận {TITLE_LABELS[row.title]} {row.year}")


def record_award_use(award, *, actor, initiative_id=None, level_used=None, reason=""):
    """Name the recognition an old award above LĐTT used, when it was recorded without one.

    Until then every recognition the award may have used counts as possibly used
    (unrecorded_uses.py). The recognition is chosen as when recording the award now
    (operations.record_award): among those the engine finds usable for the award's title and
    year, the one named (or the engine's own choice); one used by another award is refused
    (409); one outside the evidence needs a reason.
    """
    operations._require_officer(actor)
    if not is_unrecorded(award.as_record()):
        raise refused(409, "Danh hiệu này đã ghi rõ sáng kiến đã sử dụng (hoặc không dựa trên sáng kiến).",
                      "use_recorded", "initiative_id")
    reason = (reason or "").strip()
    user, title = award.user, Title(award.title)
    result, inputs = operations.eligibility_of(user, award.year, exclude=award.as_record())
    title_result = result.titles[title.value]
    key, why = operations._recognition(user, title_result, initiative_id, level_used, inputs)
    if key is None:
        key = operations._recognition_named_with_reason(user, title, initiative_id, level_used, why, reason,
                                                        inputs)
    award.initiative_id, award.level_used, award.use_unknown = key[0], key[1], False
    db.session.flush()
    audit.record("emulation.title_use_recorded", actor=actor, obj=award, initiative_id=key[0],
                 data={"user": user.username, "year": award.year, "title": title.value, "initiative_id": key[0],
                       "level_used": key[1], "reason": reason,
                       "initiative_auto_selected": initiative_id in (None, "")},
                 summary=f"Ghi sáng kiến đã sử dụng cho {TITLE_LABELS[title]} {award.year}: {user.full_name}")
    return award


def unrecorded_awards(first_year, last_year):
    """Awards above LĐTT of the years ``first_year``…``last_year`` that do not say which recognition they used."""
    return list(db.session.execute(
        select(TitleAward).options(selectinload(TitleAward.user).options(lazyload(User.role_rows)))
        .where(TitleAward.use_unknown.is_(True), TitleAward.initiative_id.is_(None),
               TitleAward.title != Title.advanced_worker,
               TitleAward.year >= first_year, TitleAward.year <= last_year)
        .order_by(TitleAward.year, TitleAward.id)).scalars())
