"""Who the authors of an initiative are: matching the list a form or the API sends to staff
accounts and outside co-authors, inviting staff named by someone else, and their answer."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal.auth.models import User
from portal.core import audit, refusal
from portal.core.notifications import notify
from portal.core.phrases import Phrase
from portal.core.timeutil import utcnow
from portal.extensions import db
from portal.initiatives import policy, rules
from portal.initiatives.models import InitiativeAuthor
from portal.initiatives.policy import Act


def author_plan(initiative, actor, authors):
    """Match the wanted authors to existing rows or new ones; a 422 Refusal otherwise."""

    problems = rules.author_errors(authors)
    usernames = {(a.get("username") or "").strip().lower() for a in authors} - {""}
    users = {}
    if usernames:
        users = {u.username.lower(): u for u in db.session.execute(
            select(User).where(func.lower(User.username).in_(usernames), User.active.is_(True))
        ).scalars()}
    for username in sorted(usernames - set(users)):
        problems.append(_l(
            "Không tìm thấy cán bộ có tên đăng nhập “%(username)s”. Kiểm tra lại, hoặc nhập họ tên "
            "và nơi công tác nếu đồng tác giả không có tài khoản trên Cổng.", username=username))
    if actor.username.lower() not in usernames:
        problems.append(_l("Bạn phải là một trong các tác giả của sáng kiến."))
    if problems:
        raise refusal.invalid(fields={"authors": problems})

    # A plan, applied only once everything else is valid: (existing row or None, values).
    existing = list(initiative.authors) if initiative is not None else []
    by_user = {row.user_id: row for row in existing if row.user_id}
    by_name = {row.external_name.lower(): row for row in existing if not row.user_id}
    plan = []
    for position, author in enumerate(authors):
        username = (author.get("username") or "").strip().lower()
        attrs = {"share": int(author["share"]), "position": position}
        if username:
            user = users[username]
            plan.append((by_user.pop(user.id, None), {**attrs, "user": user}))
        else:
            name = author["name"].strip()
            plan.append((by_name.pop(name.lower(), None), {
                **attrs, "external_name": name, "external_workplace": author["workplace"].strip()}))
    return plan


def apply_plan(plan, actor, creator_id):
    """The author rows of `plan`; a staff account newly named by someone else is invited."""

    rows = []
    for row, attrs in plan:
        if row is None:
            row = InitiativeAuthor()
            user = attrs.get("user")
            if user is not None and user.id not in (actor.id, creator_id):
                row.confirmed = False
                row.invited_by_id = actor.id
        for key, value in attrs.items():
            setattr(row, key, value)
        rows.append(row)
    return rows


def plan_description(plan):
    return [{"username": attrs["user"].username, "name": attrs["user"].full_name,
             "workplace": attrs["user"].unit.name, "share": attrs["share"]} if "user" in attrs else
            {"name": attrs["external_name"], "workplace": attrs["external_workplace"],
             "share": attrs["share"]} for _row, attrs in plan]


def described(rows):
    return [row.as_dict() for row in rows]


def staff_of(rows):
    return [row.user for row in rows if row.user is not None]


def invite(initiative, actor, rows):
    """Tell each newly invited co-author what they are asked to confirm."""
    for row in rows:
        if row.pending and row.invited_by_id == actor.id:
            notify([row.user], Phrase("Lời mời làm đồng tác giả: “%(title)s”", title=initiative.title),
                   Phrase("%(name)s ghi tên bạn là đồng tác giả (tỷ lệ đóng góp %(share)s%%) của sáng kiến "
                          "“%(title)s”. Vui lòng xác nhận hoặc từ chối; sáng kiến chỉ nộp được khi mọi "
                          "đồng tác giả đã xác nhận.", name=actor.full_name, share=row.share, title=initiative.title),
                   initiative.path, initiative=initiative)


def authors_changed(initiative, actor, before, told):
    after = described(initiative.authors)
    invite(initiative, actor, initiative.authors)
    names = ", ".join(f"{a['name']} ({a['share']}%)" for a in after)
    notify([u for u in {*told, *staff_of(initiative.authors)} if u.id != actor.id],
           Phrase("Danh sách tác giả của “%(title)s” đã thay đổi", title=initiative.title),
           Phrase("%(name)s đã sửa danh sách tác giả. Nay gồm: %(names)s.", name=actor.full_name, names=names),
           initiative.path, initiative=initiative)
    audit.record("initiative.authors_changed", actor=actor, obj=initiative, initiative_id=initiative.id,
                 data={"before": before, "after": after},
                 summary="Thay đổi danh sách tác giả: " + names)


def answer_invitation(initiative, actor, accept):
    """The invited co-author confirms (accept) or declines being an author.

    Declining removes them from the list and tells the creator; the shares then need
    setting again before the initiative can be submitted.
    """
    policy.check(actor, Act.answer_invitation, initiative)
    row = next(a for a in initiative.authors if a.user_id == actor.id)
    others = [u for u in staff_of(initiative.authors) if u.id != actor.id]
    said = {"name": actor.full_name, "title": initiative.title}
    if accept:
        row.confirmed, row.confirmed_at = True, utcnow()
        summary = "Đồng tác giả xác nhận tham gia"
        subject = Phrase("%(name)s đã xác nhận tham gia “%(title)s”", **said)
        body = Phrase("%(name)s đã xác nhận tham gia sáng kiến “%(title)s”.", **said)
    else:
        initiative.authors.remove(row)
        summary = "Đồng tác giả từ chối tham gia"
        subject = Phrase("%(name)s đã từ chối làm đồng tác giả “%(title)s”", **said)
        body = Phrase("%(name)s đã từ chối làm đồng tác giả sáng kiến “%(title)s”. Vui lòng điều chỉnh "
                      "tỷ lệ đóng góp của các tác giả trước khi nộp.", **said)
    initiative.updated_at = utcnow()
    db.session.flush()
    notify(others, subject, body, initiative.path, initiative=initiative)
    audit.record("initiative.coauthorship", actor=actor, obj=initiative, initiative_id=initiative.id,
                 data={"accept": bool(accept), "user": actor.username, "share": row.share},
                 summary=f"{summary}: {actor.full_name}")
    return row
