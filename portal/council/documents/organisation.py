"""Who issues and signs: the organisation from the configuration, the head of unit from the data.

Under Nghị định 13/2012/NĐ-CP, Điều 7, the head of the unit (Viện trưởng) recognises an
initiative on the council's advice: the decision and the certificate are the head's, issued
in the unit's name and signed by the head, or by a deputy "KT. VIỆN TRƯỞNG / PHÓ VIỆN TRƯỞNG".
The head and the deputies are the leadership unit's accounts whose position is the head's title
(or the deputy's); the council's chair signs on the head's behalf when they are a deputy.
"""
from dataclasses import dataclass

from flask import current_app, has_app_context
from sqlalchemy import select

from portal.auth.models import Unit, UnitKind, User
from portal.council.documents.layout import Signer
from portal.extensions import db

DEFAULTS = {
    "ORG_NAME": "Viện kiểm sát nhân dân thành phố Đà Nẵng",
    "ORG_HEADER": "Viện kiểm sát nhân dân\nthành phố Đà Nẵng",  # how the name breaks in the header
    "ORG_SHORT_NAME": "VKSND thành phố Đà Nẵng",
    "ORG_PARENT": "",  # the parent body above the name in the header, when the unit uses one
    "ORG_PLACE": "Đà Nẵng",
    "ORG_HEAD_TITLE": "Viện trưởng",
    "ORG_DEPUTY_TITLE": "Phó Viện trưởng",
    "ORG_DECISION_SUFFIX": "QĐ-VKS",
    "ORG_CERTIFICATE_SUFFIX": "GCN-VKS",
    "ORG_FILING_CODE": "VT",  # "Lưu: VT" (văn thư)
}


@dataclass(frozen=True)
class Organisation:
    name: str
    header: str
    short_name: str
    parent: str
    place: str
    head_title: str
    deputy_title: str
    decision_suffix: str
    certificate_suffix: str
    filing_code: str

    @property
    def council_name(self):
        return f"Hội đồng Sáng kiến {self.name}"


def organisation():
    """The configured organisation (instance/config.py), Đà Nẵng by default."""
    config = current_app.config if has_app_context() else {}
    value = {key: config.get(key) or default for key, default in DEFAULTS.items()}
    if not config.get("ORG_HEADER") and config.get("ORG_NAME"):
        value["ORG_HEADER"] = value["ORG_NAME"]
    return Organisation(**{key[4:].lower(): v for key, v in value.items()})


def _same(position, title):
    return (position or "").strip().casefold() == title.casefold()


def head_of_unit(council=None):
    """The signer of the unit's decisions and certificates (a `Signer`).

    The head when there is one; otherwise a deputy on the head's behalf — the council's chair
    when the chair is a deputy, else the first deputy; with neither, the head's title and room
    for the name to be written by hand.
    """
    org = organisation()
    leaders = db.session.execute(
        select(User).join(Unit, Unit.id == User.unit_id)
        .where(Unit.kind == UnitKind.leadership, User.active.is_(True))
        .order_by(User.id)
    ).scalars().all()
    head = next((u for u in leaders if _same(u.position, org.head_title)), None)
    if head is not None:
        return Signer(position=org.head_title, name=head.full_name)
    deputies = [u for u in leaders if _same(u.position, org.deputy_title)]
    chair = council_officer(council, "chair")
    deputy = chair if chair is not None and chair in deputies else (deputies[0] if deputies else None)
    if deputy is not None:
        return Signer(position=org.deputy_title, name=deputy.full_name, on_behalf=f"KT. {org.head_title}")
    return Signer(position=org.head_title)


def council_officer(council, role):
    """The user holding `role` ("chair", "secretary") on the council, or None."""
    if council is None:
        return None
    member = next((m for m in council.members if m.role.value == role), None)
    return member.user if member else None
