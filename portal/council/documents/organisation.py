"""Who issues and signs: the organisation's settings (portal.core.organisation, edited at
/admin/organisation), and the head of unit they name or the leadership accounts.

Under Nghị định 13/2012/NĐ-CP, Điều 7, the head of the unit (Viện trưởng) recognises an
initiative on the council's advice: the decision and the certificate are the head's, issued
in the unit's name and signed by the head, or by a deputy "KT. VIỆN TRƯỞNG / PHÓ VIỆN TRƯỞNG".
The year's page names that year's head and signing deputy (a decision of 2025 reprinted in 2026
keeps the 2025 head); a year naming no one reads the settings. Where they leave a name blank,
the head and the deputies are the leadership unit's accounts whose position is the head's title
(or the deputy's), and the council's chair signs on the head's behalf when they are a deputy.
"""
from dataclasses import replace

from sqlalchemy import select

from portal.auth.models import Unit, UnitKind, User
from portal.core.organisation import Organisation, organisation
from portal.council.documents.layout import Signer
from portal.extensions import db
from portal.years.models import Year

__all__ = ["Organisation", "council_officer", "head_of_unit", "organisation", "organisation_of_year"]


def organisation_of_year(year):
    """The organisation as the documents of `year` name it: the year's head of unit and signing
    deputy when the year names one of them (its titles, where blank, the settings'), else the
    settings' head and deputy."""
    org = organisation()
    row = db.session.get(Year, year) if year is not None else None
    if row is None:
        return org
    titles = {"head_title": row.head_title or org.head_title, "deputy_title": row.deputy_title or org.deputy_title}
    if row.head_name or row.deputy_name:  # the year names its signers: the settings' names are not theirs
        return replace(org, **titles, head_name=row.head_name, deputy_name=row.deputy_name)
    return replace(org, **titles)


def _same(position, title):
    return (position or "").strip().casefold() == title.casefold()


def head_of_unit(council=None, year=None):
    """The signer (a `Signer`) of the unit's decisions and certificates of `year` (by default the
    council's year).

    The deputy the year (else the settings) names, on the head's behalf; else the head they name;
    else from the accounts: the head when there is one; otherwise a deputy on the head's behalf —
    the council's chair when the chair is a deputy, else the first deputy; with neither, the
    head's title and room for the name to be written by hand.
    """
    org = organisation_of_year(year if year is not None else getattr(council, "year", None))
    if org.deputy_name:  # the year or the settings name a deputy who signs for the head
        return Signer(position=org.deputy_title, name=org.deputy_name, on_behalf=f"KT. {org.head_title}")
    if org.head_name:
        return Signer(position=org.head_title, name=org.head_name)
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
