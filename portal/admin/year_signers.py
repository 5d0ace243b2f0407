"""A year's signer outlives a change of the organisation's head of unit.

A year's decisions and certificates are signed by that year's head of unit (or the deputy
signing "KT."). A year that names no signer of its own reads the organisation's settings, so
changing the head there would change who signs the reprint of an older year's decision. Before
the settings' head or deputy change, each earlier year with decisions out and no signer of its
own is given the signer its documents carry now (audited): a 2025 decision reprinted in 2026
keeps the 2025 head.
"""
from sqlalchemy import select

from portal.core import audit
from portal.core.timeutil import today
from portal.council.documents.organisation import head_of_unit, organisation_of_year
from portal.council.queries import council_of
from portal.extensions import db
from portal.initiatives.models import Initiative
from portal.years.models import Year

SIGNER_KEYS = ("head_title", "head_name", "deputy_title", "deputy_name")


def signer_changes(before, after):
    """True when the settings change who signs (a head's or a deputy's title or name)."""
    return any(before.get(key) != after.get(key) for key in SIGNER_KEYS)


def years_with_decisions_before(year):
    return db.session.execute(
        select(Initiative.year).where(Initiative.year < year, Initiative.decision_no != "")
        .distinct().order_by(Initiative.year)).scalars().all()


def current_signer(year):
    """The signature block the year's decision prints now: "KT. Viện trưởng – Phó Viện trưởng Nguyễn Văn A"."""
    signer = head_of_unit(council_of(year, with_members=True), year)
    return " – ".join(part for part in (signer.on_behalf, " ".join(p for p in (signer.position, signer.name) if p))
                      if part)


def keep_past_signers(*, actor):
    """Write on each earlier year with decisions, naming no signer, the signer it prints today."""
    kept = []
    for number in years_with_decisions_before(today().year):
        row = db.session.get(Year, number)
        if row is None or row.head_name or row.deputy_name:
            continue
        signer = head_of_unit(council_of(number, with_members=True), number)
        if not signer.name:  # the title with room for a name written by hand: nothing to keep
            continue
        org = organisation_of_year(number)
        values = ({"head_title": org.head_title, "head_name": "", "deputy_title": signer.position,
                   "deputy_name": signer.name} if signer.on_behalf
                  else {"head_title": signer.position, "head_name": signer.name,
                        "deputy_title": org.deputy_title, "deputy_name": ""})
        changes = {key: [getattr(row, key), value] for key, value in values.items() if getattr(row, key) != value}
        for key, value in values.items():
            setattr(row, key, value)
        audit.record("admin.year_signer_kept", actor=actor, object_type="year", object_id=number,
                     data={"year": number, "changes": changes})
        kept.append(number)
    db.session.flush()
    return kept
