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
from portal.core.phrases import Listing, Phrase
from portal.core.refusal import Refusal
from portal.core.timeutil import today
from portal.emulation import engine, unrecorded_uses
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
    TitleRefusal,
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
    message = message if isinstance(message, Phrase) else Phrase(message)  # a plain text is its own msgid
    fields = {field: [message]} if field else {}
    if conditions:
        fields["conditions"] = [Phrase("%(code)s: %(detail)s", code=c["code"], detail=c["detail"])
                                for c in conditions]
    return Refusal(status, message, code=code, fields=fields)


def is_officer(user):
    return bool(user and getattr(user, "is_authenticated", False) and user.has_role("emulation_officer"))


def _require_officer(actor):
    if not is_officer(actor):
        raise refused(403, "Chỉ Thường trực Hội đồng Thi đua – Khen thưởng được ghi nhận việc này.",
                             "forbidden")


def parse_year(value, field="year"):
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        raise refused(422, "Năm phải là một số, ví dụ 2025.", "invalid", field) from None
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise refused(422, Phrase("Năm phải trong khoảng %(first)s–%(last)s.", first=MIN_YEAR, last=MAX_YEAR), "invalid", field)
    return year


def parse_title(value, field="title"):
    try:
        return Title(str(value).strip())
    except ValueError:
        names = ", ".join(t.value for t in Title)
        raise refused(422, Phrase("Danh hiệu không hợp lệ; dùng một trong: %(codes)s.", codes=names), "invalid", field) from None


def parse_discipline_level(value, field="level"):
    try:
        return DisciplineLevel(str(value).strip())
    except ValueError:
        names = ", ".join(d.value for d in DisciplineLevel)
        raise refused(422, Phrase("Hình thức kỷ luật không hợp lệ; dùng một trong: %(codes)s.", codes=names),
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
        raise refused(422, Phrase("Không có cán bộ có tên đăng nhập “%(username)s”.", username=name), "unknown_user", field)
    return user


def eligibility_of(user, year, *, exclude=None):
    """The engine's result for one person and year (the award ``exclude`` left out)."""
    inputs = load_year(year, user_ids=[user.id])
    if exclude is not None:
        inputs.awards = [a for a in inputs.awards if a != exclude]
    results = inputs.evaluate()
    return results.get(user.id), inputs


def record_award(user, year, title, *, actor, decision_no="", initiative_id=None, level_used=None,
                 reason=""):
    """Record that ``user`` was awarded ``title`` for ``year``, and the recognition it used.

    The recognition stored is the one the engine's evidence names
    (:func:`engine.recognition_to_use`): the engine's own choice, or the
    initiative the officer names when it is usable. Refused (409) when the
    title is already recorded, when the named recognition was already used
    (one use per initiative per person by default), or when the lower title
    of the same year is only provisional and no reason is written (recorded
    with a reason, the award is flagged if that title is later refused);
    refused (422) when the engine finds the person not eligible and no reason
    is written, except for Lao động tiên tiến, which is a fact from the annual
    staff rating but needs a reason for a person under a disciplinary measure.
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
        raise refused(409, Phrase("%(name)s đã được ghi nhận danh hiệu %(title)s năm %(year)s.",
                                  name=user.full_name, title=Phrase(TITLE_LABELS[title]), year=year), "duplicate")
    if db.session.execute(select(TitleRefusal.id).where(
            TitleRefusal.user_id == user.id, TitleRefusal.year == year, TitleRefusal.title == title)).first():
        raise refused(409, Phrase("Danh hiệu %(title)s năm %(year)s của %(name)s đã được ghi nhận là không công "
                                  "nhận; muốn ghi nhận danh hiệu, hãy bỏ ghi nhận đó trước.",
                                  title=Phrase(TITLE_LABELS[title]), year=year, name=user.full_name),
                      "title_refused", "title")

    result, inputs = eligibility_of(user, year)
    title_result = result.titles[title.value]
    flags, provisional_on, key, why = [], None, None, None
    if title == Title.advanced_worker:
        if initiative_id not in (None, ""):
            raise refused(422, "Danh hiệu Lao động tiên tiến không dựa trên sáng kiến; "
                                      "bỏ trống trường sáng kiến.", "invalid", "initiative_id")
        clean = title_result.condition("no_discipline")
        if not clean.met and not reason:
            raise refused(422, Phrase("%(name)s bị kỷ luật trong năm %(year)s: %(detail)s Muốn vẫn ghi nhận "
                                      "Lao động tiên tiến, hãy nêu lý do bằng văn bản.", name=user.full_name,
                                      year=year, detail=clean.detail), "discipline_needs_reason",
                          "reason", conditions=[{"code": clean.code, "met": False, "detail": clean.detail}])
        flags = [c.code for c in title_result.conditions if not c.met and c.code != "advanced_worker"]
    else:
        provisional_on = _provisional_lower(title_result)
        if provisional_on is not None and not reason:
            lower = Phrase(TITLE_LABELS[provisional_on])
            raise refused(409, Phrase("Danh hiệu %(lower)s năm %(year)s của %(name)s mới là tạm tính (chưa có quyết "
                                      "định). Hãy ghi nhận danh hiệu %(lower)s trước, hoặc nêu lý do để vẫn ghi nhận "
                                      "(danh hiệu sẽ bị đánh dấu nếu danh hiệu thấp hơn không được công nhận).",
                                      lower=lower, year=year, name=user.full_name),
                          "lower_title_provisional", "reason")
        key, why = _recognition(user, title_result, initiative_id, level_used, inputs)

    eligible = bool(title_result.eligible)
    unmet = [c for c in title_result.conditions if c.blocking]
    if title != Title.advanced_worker and not eligible and not reason:
        details = Listing((c.detail for c in unmet), " ")
        raise refused(
            422, Phrase("%(name)s chưa đủ điều kiện danh hiệu %(title)s năm %(year)s: %(details)s "
                        "Muốn vẫn ghi nhận, hãy nêu lý do.", name=user.full_name, title=Phrase(TITLE_LABELS[title]),
                        year=year, details=details), "not_eligible", "reason",
            conditions=[{"code": c.code, "met": c.met, "detail": c.detail} for c in unmet])
    if title != Title.advanced_worker and key is None:
        key = _recognition_named_with_reason(user, title, initiative_id, level_used, why, reason, inputs)

    award = TitleAward(user_id=user.id, year=year, title=title, decision_no=decision_no,
                       initiative_id=key[0] if key else None, level_used=key[1] if key else None,
                       provisional_on=provisional_on, reason=reason, recorded_by_id=actor.id)
    db.session.add(award)
    db.session.flush()
    said = {"title": Phrase(TITLE_LABELS[title]), "year": year, "number": decision_no}
    notify([user], Phrase("Danh hiệu %(title)s năm %(year)s đã được ghi nhận", **said),
           Phrase("Thường trực Hội đồng Thi đua – Khen thưởng đã ghi nhận danh hiệu %(title)s năm %(year)s "
                  "(quyết định số %(number)s).", **said) if decision_no else
           Phrase("Thường trực Hội đồng Thi đua – Khen thưởng đã ghi nhận danh hiệu %(title)s năm %(year)s.", **said),
           "/emulation/me")
    data = {"user": user.username, "year": year, "title": title.value, "decision_no": decision_no,
            "initiative_id": award.initiative_id, "level_used": key[1] if key else None, "eligible": eligible,
            "initiative_auto_selected": key is not None and initiative_id in (None, ""),
            "settings": {name: getattr(inputs.settings, name) for name in _USE_SETTINGS}}
    if provisional_on:
        data["provisional_on"] = provisional_on
    if flags:
        data["flags"] = flags
    if reason:
        data["reason"] = reason
    if not eligible:
        data["unmet_conditions"] = [c.code for c in unmet]
    overridden = bool((not eligible and title != Title.advanced_worker) or provisional_on or (
        title == Title.advanced_worker and reason))
    audit.record("emulation.title_recorded_override" if overridden else "emulation.title_recorded",
                 actor=actor, obj=award, initiative_id=award.initiative_id, data=data,
                 summary=f"{TITLE_LABELS[title]} {year}: {user.full_name}"
                         + (f" — lý do: {reason}" if reason and overridden else ""))
    return award


_USE_SETTINGS = ("one_use_per_initiative", "coauthors_each_use")
# The title below each one, whose title of the same year a higher one counts on.
LOWER_TITLE = {engine.SECTOR: engine.GRASSROOTS, engine.NATIONAL: engine.SECTOR}
_CONSECUTIVE = {engine.SECTOR: "consecutive_grassroots", engine.NATIONAL: "consecutive_sector"}


def _provisional_lower(title_result):
    """The lower title of the same year that the result counts only provisionally, or None."""
    code = _CONSECUTIVE.get(title_result.title)
    if code is None or not title_result.condition(code).provisional:
        return None
    return LOWER_TITLE[title_result.title]


def _parse_level(level_used):
    if level_used in (None, ""):
        return None
    level = str(level_used)
    if level not in engine.LEVELS:
        raise refused(422, "Cấp công nhận không hợp lệ.", "invalid", "level_used")
    return level


def _recognition(user, title_result, initiative_id, level_used, inputs):
    """(key, None) for the recognition the award uses, from the engine's evidence, or (None, why).

    A named recognition already used is refused here (409), whatever the reason.
    """
    level = _parse_level(level_used)
    named = None
    if initiative_id not in (None, ""):
        named = _check_recognition(user, initiative_id, level)
    key, why = engine.recognition_to_use(title_result, named, level)
    if key is None and named is not None:
        _refuse_if_used(user, named, level, inputs)
    return key, why


def _refuse_if_used(user, initiative_id, level, inputs):
    levels = [level] if level else [r.level for r in load_recognitions(initiative_ids=[initiative_id])]
    # The engine's own reading of "used": old awards that never named their recognition included.
    awards = unrecorded_uses.with_unrecorded_uses(inputs.awards, inputs.recognitions, inputs.settings_by_year)
    for each in levels:
        used = engine.recognition_user(user.id, initiative_id, each, awards, inputs.settings)
        if used is not None and used.use_unknown:
            raise refused(
                409, Phrase("Sáng kiến #%(id)s có thể đã được dùng cho danh hiệu %(title)s năm %(year)s (hồ sơ cũ "
                            "chưa ghi sáng kiến đã sử dụng). Hãy ghi rõ sáng kiến danh hiệu đó đã dùng trước; mỗi "
                            "sáng kiến chỉ được sử dụng một lần (Công văn 5007/BNV-TĐKT).", id=initiative_id,
                            title=Phrase(TITLE_LABELS[used.title]), year=used.year),
                "recognition_use_not_recorded", "initiative_id")
        if used is not None:
            rule = (Phrase("mỗi sáng kiến chỉ được sử dụng một lần") if inputs.settings.one_use_per_initiative
                    else Phrase("mỗi lần công nhận sáng kiến chỉ được sử dụng một lần"))
            whose = Phrase("") if used.person_id == user.id else Phrase(" của một đồng tác giả")
            raise refused(
                409, Phrase("Sáng kiến #%(id)s (%(level)s) đã được dùng cho danh hiệu %(title)s năm %(year)s%(whose)s; "
                            "%(rule)s (Công văn 5007/BNV-TĐKT).", id=initiative_id,
                            level=Phrase(engine.LEVEL_LABELS[each]), title=Phrase(TITLE_LABELS[used.title]),
                            year=used.year, whose=whose, rule=rule),
                "recognition_used", "initiative_id")


def _recognition_named_with_reason(user, title, initiative_id, level_used, why, reason, inputs):
    """An award recorded with a reason although the engine names no usable recognition: the officer names one."""
    label = Phrase(TITLE_LABELS[title])
    if initiative_id in (None, ""):
        raise refused(422, Phrase("Danh hiệu %(title)s phải ghi rõ sáng kiến đã sử dụng: hệ thống không thấy sáng "
                                  "kiến nào còn sử dụng được; nhập mã sáng kiến.", title=label),
                      "initiative_required", "initiative_id")
    if not reason:
        raise refused(422, Phrase("Sáng kiến #%(id)s không nằm trong căn cứ hệ thống xác định cho danh hiệu "
                                  "%(title)s; muốn vẫn dùng, hãy nêu lý do.", id=initiative_id, title=label),
                      why or "not_in_evidence", "initiative_id")
    initiative_id = int(initiative_id)
    level = _parse_level(level_used)
    if level is None:
        levels = [r.level for r in load_recognitions(initiative_ids=[initiative_id])]
        own = TITLE_LEVEL[title.value]
        level = own if own in levels else max(levels, key=engine.LEVELS.index)
    _refuse_if_used(user, initiative_id, level, inputs)
    return (initiative_id, level)


def _check_recognition(user, initiative_id, level=None):
    """The id of an existing initiative recognised (at ``level`` when given) with ``user`` among its authors."""
    try:
        initiative_id = int(initiative_id)
    except (TypeError, ValueError):
        raise refused(422, "Mã sáng kiến phải là một số.", "invalid", "initiative_id") from None
    if db.session.get(Initiative, initiative_id) is None:
        raise refused(422, Phrase("Không có sáng kiến #%(id)s.", id=initiative_id), "unknown_initiative", "initiative_id")
    found = [r for r in load_recognitions(initiative_ids=[initiative_id]) if level is None or r.level == level]
    if not found:
        if level:
            message = Phrase("Sáng kiến #%(id)s chưa được công nhận %(level)s.", id=initiative_id,
                             level=Phrase(engine.LEVEL_LABELS[level]))
        else:
            message = Phrase("Sáng kiến #%(id)s chưa được công nhận.", id=initiative_id)
        raise refused(422, message, "not_recognized",
                      "initiative_id")
    if user.id not in found[0].authors:
        raise refused(422, Phrase("%(name)s không là tác giả sáng kiến #%(id)s.", name=user.full_name, id=initiative_id),
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
            when = Phrase(" (hạn %(date)s)", date=f"{deadline:%d/%m/%Y}") if deadline else Phrase("")
            raise refused(409, Phrase("Đã hết hạn đăng ký danh hiệu thi đua năm %(year)s%(when)s. Vui lòng liên hệ "
                                      "Thường trực Hội đồng Thi đua – Khen thưởng.", year=year, when=when),
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
        notify([user], Phrase("Đăng ký danh hiệu thi đua năm %(year)s", year=year),
               Phrase("Bạn đã được đăng ký danh hiệu %(title)s năm %(year)s.", title=Phrase(TITLE_LABELS[title]),
                      year=year), "/emulation/me")
    audit.record("emulation.registered", actor=actor, obj=row,
                 data={"user": user.username, "year": year, "title": title.value, "before": before},
                 summary=f"Đăng ký {TITLE_LABELS[title]} {year}: {user.full_name}")
    return row


def record_discipline(user, year, level, *, actor, note="", violation_year=None):
    """Record a measure issued in ``year`` (for a violation of ``violation_year``, when earlier)."""
    _require_officer(actor)
    year = parse_year(year)
    level = parse_discipline_level(level)
    if violation_year in (None, ""):
        violation_year = None
    else:
        violation_year = parse_year(violation_year, "violation_year")
        if violation_year > year:
            raise refused(422, Phrase("Năm vi phạm (%(violation)s) không thể sau năm ra quyết định kỷ luật (%(year)s).",
                                 violation=violation_year, year=year),
                          "invalid", "violation_year")
        if violation_year == year:
            violation_year = None
    row = Discipline(user_id=user.id, year=year, level=level, note=(note or "").strip(),
                     violation_year=violation_year, recorded_by_id=actor.id)
    db.session.add(row)
    db.session.flush()
    audit.record("emulation.discipline_recorded", actor=actor, obj=row,
                 data={"user": user.username, "year": year, "level": level.value, "note": row.note,
                       "violation_year": violation_year},
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


def save_settings(year, values, *, actor):
    """Save the rule settings of ``year``; the audit event keeps what changed from what."""
    _require_officer(actor)
    year = parse_year(year)
    try:
        new = engine.Settings.from_dict(values)
    except (TypeError, ValueError) as error:
        raise refused(422, Phrase("Thiết lập không hợp lệ: %(error)s.", error=str(error)), "invalid") from None
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
