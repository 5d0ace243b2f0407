"""Recording emulation facts. Each operation: check, change, flush, notify, audit.

Pages, the API and the import call these same functions; a refusal raises
a Refusal with the HTTP status the API answers (403, 404, 409, 422) and a
Vietnamese message, and changes nothing.
"""
from sqlalchemy import select
from sqlalchemy.orm import lazyload

from portal.auth.models import User
from portal.core import audit
from portal.core.notifications import notify
from portal.core.refusal import Refusal
from portal.core.timeutil import today
from portal.emulation import engine
from portal.emulation.models import (
    DISCIPLINE_LABELS,
    SETTING_NAMES,
    TITLE_LABELS,
    ArticleCount,
    Discipline,
    DisciplineLevel,
    EmulationSettings,
    Registration,
    Title,
    TitleAward,
)
from portal.emulation.services import load_recognitions, load_year, settings_for
from portal.extensions import db
from portal.initiatives.models import Initiative
from portal.years.models import Year

MIN_YEAR, MAX_YEAR = 2000, 2100
# The title an award needs an initiative for, and the recognition level it uses by default.
TITLE_LEVEL = engine.TITLE_DEFAULT_LEVEL


def refused(status, message, code=None, field=None, conditions=None):
    """The Refusal of an emulation rule: the message beside `field`, unmet conditions listed."""
    fields = {field: [message]} if field else {}
    if conditions:
        fields["conditions"] = [f"{c['code']}: {c['detail']}" for c in conditions]
    return Refusal(status, message, code=code, fields=fields)


def is_officer(user):
    return bool(user and getattr(user, "is_authenticated", False) and user.has_role("emulation_officer"))


def _require_officer(actor):
    if not is_officer(actor):
        raise refused(403, "Chỉ Thường trực Hội đồng Thi đua – Khen thưởng được ghi nhận việc này.",
                             "forbidden")


# -- parsing (shared by forms, API and import) ----------------------------------------

def parse_year(value, field="year"):
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        raise refused(422, "Năm phải là một số, ví dụ 2025.", "invalid", field) from None
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise refused(422, f"Năm phải trong khoảng {MIN_YEAR}–{MAX_YEAR}.", "invalid", field)
    return year


def parse_title(value, field="title"):
    try:
        return Title(str(value).strip())
    except ValueError:
        names = ", ".join(t.value for t in Title)
        raise refused(422, f"Danh hiệu không hợp lệ; dùng một trong: {names}.", "invalid", field) from None


def parse_discipline_level(value, field="level"):
    try:
        return DisciplineLevel(str(value).strip())
    except ValueError:
        names = ", ".join(d.value for d in DisciplineLevel)
        raise refused(422, f"Hình thức kỷ luật không hợp lệ; dùng một trong: {names}.",
                             "invalid", field) from None


def parse_count(value, field="count"):
    if isinstance(value, bool):
        raise refused(422, "Số tin, bài phải là số nguyên không âm.", "invalid", field)
    try:
        count = int(str(value).strip())
    except (TypeError, ValueError):
        raise refused(422, "Số tin, bài phải là số nguyên không âm.", "invalid", field) from None
    if count < 0 or count > 10_000:
        raise refused(422, "Số tin, bài phải là số nguyên từ 0 đến 10000.", "invalid", field)
    return count


def user_by_username(username, field="username"):
    name = str(username or "").strip().lower()
    user = db.session.execute(
        select(User).options(lazyload(User.role_rows)).where(User.username == name)).scalar_one_or_none()
    if user is None:
        raise refused(422, f"Không có cán bộ có tên đăng nhập “{name}”.", "unknown_user", field)
    return user


# -- titles ------------------------------------------------------------------------------

def eligibility_of(user, year, *, exclude=None):
    """The engine's result for one person and year (the award ``exclude`` left out)."""
    inputs = load_year(year, user_ids=[user.id])
    if exclude is not None:
        inputs.awards = [a for a in inputs.awards if a != exclude]
    results = inputs.evaluate()
    return results.get(user.id), inputs


def record_award(user, year, title, *, actor, decision_no="", initiative_id=None, level_used=None,
                 reason=""):
    """Record that ``user`` was awarded ``title`` for ``year``.

    Refused (409) when the title is already recorded or the recognition it names
    was already used by the same person for another award; refused (422) when
    the engine finds the person not eligible and no reason is written, except
    for Lao động tiên tiến, which is a fact from the annual staff rating.
    """
    _require_officer(actor)
    title = Title(title)
    year = parse_year(year)
    decision_no = (decision_no or "").strip()[:64]
    reason = (reason or "").strip()
    existing = db.session.execute(
        select(TitleAward.id).where(TitleAward.user_id == user.id, TitleAward.year == year,
                                    TitleAward.title == title)).first()
    if existing:
        raise refused(409, f"{user.full_name} đã được ghi nhận danh hiệu {TITLE_LABELS[title]} "
                                  f"năm {year}.", "duplicate")

    result, inputs = eligibility_of(user, year)
    title_result = result.titles[title.value] if result else None
    level = None
    auto_selected = False
    if title == Title.advanced_worker:
        if initiative_id:
            raise refused(422, "Danh hiệu Lao động tiên tiến không dựa trên sáng kiến; "
                                      "bỏ trống trường sáng kiến.", "invalid", "initiative_id")
    else:
        level = level_used or TITLE_LEVEL[title.value]
        if level not in engine.LEVELS:
            raise refused(422, "Cấp công nhận không hợp lệ.", "invalid", "level_used")
        if initiative_id in (None, ""):
            initiative_id = _usable_initiative(title_result, title)
            auto_selected = initiative_id is not None
        else:
            initiative_id = _check_recognition(user, initiative_id, level)
        if initiative_id is not None:
            settings = inputs.settings
            if not engine.can_use_recognition(user.id, initiative_id, level, inputs.awards,
                                              one_use_per_level=settings.one_use_per_level):
                used = next(a for a in inputs.awards if a.used_recognition == (initiative_id, level))
                raise refused(
                    409, f"Sáng kiến #{initiative_id} ({engine.LEVEL_LABELS[level]}) đã được dùng cho danh hiệu "
                         f"{TITLE_LABELS[used.title]} năm {used.year} của {user.full_name}; mỗi lần công nhận "
                         "sáng kiến chỉ được sử dụng một lần.", "recognition_used", "initiative_id")
        else:
            level = None

    eligible = bool(title_result and title_result.eligible)
    unmet = [c for c in title_result.conditions if c.blocking] if title_result else []
    if title != Title.advanced_worker and not eligible and not reason:
        details = " ".join(c.detail for c in unmet)
        raise refused(
            422, f"{user.full_name} chưa đủ điều kiện danh hiệu {TITLE_LABELS[title]} năm {year}: {details} "
                 "Muốn vẫn ghi nhận, hãy nêu lý do.", "not_eligible", "reason",
            conditions=[{"code": c.code, "met": c.met, "detail": c.detail} for c in unmet])

    award = TitleAward(user_id=user.id, year=year, title=title, decision_no=decision_no,
                       initiative_id=initiative_id, level_used=level, reason=reason,
                       recorded_by_id=actor.id)
    db.session.add(award)
    db.session.flush()
    notify([user], f"Danh hiệu {TITLE_LABELS[title]} năm {year} đã được ghi nhận",
           f"Thường trực Hội đồng Thi đua – Khen thưởng đã ghi nhận danh hiệu {TITLE_LABELS[title]} "
           f"năm {year}" + (f" (quyết định số {decision_no})" if decision_no else "") + ".",
           "/emulation/me")
    data = {"user": user.username, "year": year, "title": title.value, "decision_no": decision_no,
            "initiative_id": initiative_id, "level_used": level, "eligible": eligible,
            "initiative_auto_selected": auto_selected}
    if reason:
        data["reason"] = reason
    if not eligible:
        data["unmet_conditions"] = [c.code for c in unmet]
    audit.record("emulation.title_recorded" if eligible or title == Title.advanced_worker
                 else "emulation.title_recorded_override",
                 actor=actor, obj=award, initiative_id=initiative_id, data=data,
                 summary=f"{TITLE_LABELS[title]} {year}: {user.full_name}"
                         + ("" if eligible or not reason else f" — lý do: {reason}"))
    return award


def _usable_initiative(title_result, title):
    """The recognition the engine found usable for this title (best score, then earliest)."""
    if title_result is None:
        return None
    code = {Title.emulation_soldier_grassroots: "initiative",
            Title.emulation_soldier_sector: "sector_initiative",
            Title.emulation_soldier_national: "national_initiative"}[title]
    try:
        condition = title_result.condition(code)
    except KeyError:
        return None
    usable = [e for e in condition.evidence if e.get("usable") and e["level"] == TITLE_LEVEL[title.value]]
    if not usable:
        return None
    usable.sort(key=lambda e: (-(e["best_mean_score"] or 0), e["decision_date"]))
    return usable[0]["initiative_id"]


def _check_recognition(user, initiative_id, level):
    try:
        initiative_id = int(initiative_id)
    except (TypeError, ValueError):
        raise refused(422, "Mã sáng kiến phải là một số.", "invalid", "initiative_id") from None
    if db.session.get(Initiative, initiative_id) is None:
        raise refused(422, f"Không có sáng kiến #{initiative_id}.", "unknown_initiative", "initiative_id")
    found = [r for r in load_recognitions(initiative_ids=[initiative_id]) if r.level == level]
    if not found:
        raise refused(422, f"Sáng kiến #{initiative_id} chưa được công nhận "
                                  f"{engine.LEVEL_LABELS[level]}.", "not_recognized", "initiative_id")
    if user.id not in found[0].authors:
        raise refused(422, f"{user.full_name} không là tác giả sáng kiến #{initiative_id}.",
                             "not_author", "initiative_id")
    return initiative_id


def delete_award(award, *, actor, reason=""):
    _require_officer(actor)
    data = {"user_id": award.user_id, "year": award.year, "title": str(award.title),
            "initiative_id": award.initiative_id, "level_used": award.level_used and str(award.level_used),
            "decision_no": award.decision_no, "reason": reason}
    db.session.delete(award)
    db.session.flush()
    audit.record("emulation.title_deleted", actor=actor, object_type="title_award", object_id=award.id,
                 initiative_id=award.initiative_id, data=data,
                 summary=f"Xóa danh hiệu {TITLE_LABELS[award.title]} {award.year}")


# -- registrations -------------------------------------------------------------------

def registration_open(year, on=None):
    """(open, deadline) for staff registering themselves for ``year``."""
    row = db.session.get(Year, year)
    deadline = row.registration_deadline if row else None
    on = on or today()
    if deadline is None:
        # Without a deadline the year's own registrations are open until the year ends.
        return on.year <= year, None
    return on <= deadline, deadline


def register(user, year, title, *, actor):
    """Register ``user`` for ``title`` in ``year`` (replacing an earlier choice for that year).

    Staff register themselves until the year's registration deadline; the
    emulation officer registers anyone at any time.
    """
    title = Title(title)
    year = parse_year(year)
    officer = is_officer(actor)
    if not officer:
        if actor is None or actor.id != user.id:
            raise refused(403, "Bạn chỉ được đăng ký danh hiệu cho chính mình.", "forbidden")
        is_open, deadline = registration_open(year)
        if not is_open:
            when = f" (hạn {deadline:%d/%m/%Y})" if deadline else ""
            raise refused(409, f"Đã hết hạn đăng ký danh hiệu thi đua năm {year}{when}. "
                                      "Vui lòng liên hệ Thường trực Hội đồng Thi đua – Khen thưởng.",
                                 "deadline_passed")
    row = db.session.execute(
        select(Registration).where(Registration.user_id == user.id, Registration.year == year)
    ).scalar_one_or_none()
    before = str(row.title) if row else None
    if row is None:
        row = Registration(user_id=user.id, year=year, title=title, registered_by_id=actor.id)
        db.session.add(row)
    else:
        row.title = title
        row.registered_by_id = actor.id
    db.session.flush()
    if actor.id != user.id:
        notify([user], f"Đăng ký danh hiệu thi đua năm {year}",
               f"Bạn đã được đăng ký danh hiệu {TITLE_LABELS[title]} năm {year}.", "/emulation/me")
    audit.record("emulation.registered", actor=actor, obj=row,
                 data={"user": user.username, "year": year, "title": title.value, "before": before},
                 summary=f"Đăng ký {TITLE_LABELS[title]} {year}: {user.full_name}")
    return row


# -- disciplines and articles --------------------------------------------------------------

def record_discipline(user, year, level, *, actor, note=""):
    _require_officer(actor)
    year = parse_year(year)
    level = parse_discipline_level(level)
    row = Discipline(user_id=user.id, year=year, level=level, note=(note or "").strip(),
                     recorded_by_id=actor.id)
    db.session.add(row)
    db.session.flush()
    audit.record("emulation.discipline_recorded", actor=actor, obj=row,
                 data={"user": user.username, "year": year, "level": level.value, "note": row.note},
                 summary=f"Kỷ luật {DISCIPLINE_LABELS[level]} {year}: {user.full_name}")
    return row


def delete_discipline(row, *, actor):
    _require_officer(actor)
    data = {"user_id": row.user_id, "year": row.year, "level": str(row.level), "note": row.note}
    db.session.delete(row)
    db.session.flush()
    audit.record("emulation.discipline_deleted", actor=actor, object_type="discipline", object_id=row.id,
                 data=data, summary=f"Xóa kỷ luật {row.year}")


def record_articles(user, year, count, *, actor):
    """Set the number of articles ``user`` wrote in ``year`` (replaces the earlier figure)."""
    _require_officer(actor)
    year = parse_year(year)
    count = parse_count(count)
    row = db.session.execute(
        select(ArticleCount).where(ArticleCount.user_id == user.id, ArticleCount.year == year)
    ).scalar_one_or_none()
    before = row.count if row else None
    if row is None:
        row = ArticleCount(user_id=user.id, year=year, count=count, recorded_by_id=actor.id)
        db.session.add(row)
    else:
        row.count = count
        row.recorded_by_id = actor.id
    db.session.flush()
    audit.record("emulation.articles_recorded", actor=actor, obj=row,
                 data={"user": user.username, "year": year, "count": count, "before": before},
                 summary=f"Tin, bài {year}: {user.full_name} — {count}")
    return row


# -- settings -------------------------------------------------------------------------------

def save_settings(year, values, *, actor):
    """Save the rule settings of ``year``; the audit event keeps what changed from what."""
    _require_officer(actor)
    year = parse_year(year)
    try:
        new = engine.Settings.from_dict(values)
    except (TypeError, ValueError) as error:
        raise refused(422, f"Thiết lập không hợp lệ: {error}.", "invalid") from None
    old = settings_for(year)
    row = db.session.get(EmulationSettings, year)
    created = row is None
    if created:
        row = EmulationSettings(year=year)
        db.session.add(row)
    for name in SETTING_NAMES:
        setattr(row, name, getattr(new, name))
    row.updated_by_id = actor.id
    db.session.flush()
    changes = {name: {"from": getattr(old, name), "to": getattr(new, name)}
               for name in SETTING_NAMES if getattr(old, name) != getattr(new, name)}
    audit.record("emulation.settings_saved", actor=actor, object_type="emulation_settings", object_id=year,
                 data={"year": year, "created": created, "changes": changes},
                 summary=f"Thiết lập xét thi đua năm {year}: "
                         + (", ".join(engine.SETTING_LABELS[n] for n in changes) or "không đổi"))
    return row, changes
