"""Councils and their members (recorded by admin, used for every council permission)."""
from sqlalchemy import select

from portal.core import audit
from portal.council.models import Council, CouncilMember, CouncilRole
from portal.extensions import db


class CouncilError(ValueError):
    pass


def get_or_create_council(year, actor=None, **fields):
    council = db.session.execute(select(Council).where(Council.year == year)).scalar_one_or_none()
    if council is None:
        council = Council(year=year, name=fields.pop("name", None) or f"Hội đồng Sáng kiến năm {year}",
                          **fields)
        db.session.add(council)
        db.session.flush()
        audit.record("admin.council_created", actor=actor, obj=council, data={"year": year})
    return council


def add_council_member(year, user, role, actor=None):
    role = CouncilRole(role)
    council = get_or_create_council(year, actor=actor)
    if any(m.user_id == user.id for m in council.members):
        raise CouncilError(f"{user.full_name} đã là thành viên Hội đồng năm {year}.")
    if role in (CouncilRole.chair, CouncilRole.secretary) and any(m.role == role for m in council.members):
        raise CouncilError(f"Hội đồng năm {year} đã có {('Chủ tịch' if role == CouncilRole.chair else 'Thư ký')}.")
    member = CouncilMember(council=council, user_id=user.id, role=role)
    db.session.add(member)
    db.session.flush()
    audit.record("admin.council_member_added", actor=actor, obj=member,
                 data={"year": year, "user": user.username, "role": role.value})
    from flask import g, has_request_context

    if has_request_context():
        g.pop("_council_roles", None)
    return member


def remove_council_member(member, actor):
    data = {"year": member.council.year, "user_id": member.user_id, "role": member.role.value}
    db.session.delete(member)
    audit.record("admin.council_member_removed", actor=actor, object_type="council_member",
                 object_id=member.id, data=data)


def update_council(council, actor, *, name=None, decision_no=None, decision_date=None):
    """Record the establishing decision (số, ngày quyết định thành lập) and the council's name."""
    before = {"name": council.name, "decision_no": council.decision_no,
              "decision_date": council.decision_date}
    if name is not None:
        council.name = name.strip() or council.name
    if decision_no is not None:
        council.decision_no = decision_no.strip()
    council.decision_date = decision_date
    after = {"name": council.name, "decision_no": council.decision_no,
             "decision_date": council.decision_date}
    audit.record("admin.council_updated", actor=actor, obj=council,
                 data={"year": council.year,
                       "changes": {k: [before[k], after[k]] for k in after if before[k] != after[k]}})
    return council
