"""Checking a certificate: its verification code, and the public page that confirms it.

The code is the initiative's id and an HMAC of its recognition (id, decision number and date)
under the application's secret key: it cannot be guessed, needs no column, and stops
confirming when the recognition it was issued for no longer stands.
"""
import base64
import hashlib
import hmac

from flask import Blueprint, current_app, render_template, request, url_for
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from portal.core import audit
from portal.council.documents import certificate_no, organisation
from portal.council.meeting_models import IssuedCertificate
from portal.extensions import db
from portal.initiatives.models import Initiative
from portal.initiatives.workflow import Status

bp = Blueprint("certificates", __name__, url_prefix="/certificates")
MAC_CHARS = 20  # 100 bits of base32


def _mac(initiative):
    message = f"certificate:{initiative.id}:{initiative.decision_no}:{initiative.decision_date}".encode()
    digest = hmac.new(current_app.secret_key.encode() if isinstance(current_app.secret_key, str)
                      else current_app.secret_key, message, hashlib.sha256).digest()
    return base64.b32encode(digest).decode().lower()[:MAC_CHARS]


def verification_code(initiative):
    return f"{initiative.id}-{_mac(initiative)}"


def verification_url(initiative):
    """Absolute: PUBLIC_BASE_URL when set, else the address of the request that printed it."""
    path = url_for("certificates.check", code=verification_code(initiative))
    base = (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    if not base and request:
        base = request.host_url.rstrip("/")
    return f"{base}{path}"


def issued(initiative):
    return db.session.execute(
        select(IssuedCertificate).where(IssuedCertificate.initiative_id == initiative.id)).scalar_one_or_none()


def issue(initiative, actor):
    """The initiative's certificate number: the one stored when it was first issued, or the
    year's next (unique per year; two issuing at once retry on the constraint)."""
    for _attempt in range(5):
        existing = issued(initiative)
        if existing is not None:
            return existing
        sequence = (db.session.execute(select(func.max(IssuedCertificate.sequence))
                                       .where(IssuedCertificate.year == initiative.year)).scalar() or 0) + 1
        row = IssuedCertificate(initiative_id=initiative.id, year=initiative.year, sequence=sequence,
                                number=certificate_no(sequence), issued_by_id=getattr(actor, "id", None))
        try:
            with db.session.begin_nested():
                db.session.add(row)
                db.session.flush()
        except IntegrityError:
            continue
        audit.record("council.certificate_issued", actor=actor, obj=row, initiative_id=initiative.id,
                     data={"number": row.number})
        return row
    raise RuntimeError("could not number the certificate")


def find(code):
    """The recognised initiative whose certificate carries `code`, or None."""
    number, _, mac = (code or "").partition("-")
    if not number.isdigit() or len(mac) != MAC_CHARS:
        return None
    initiative = db.session.get(Initiative, int(number), options=[selectinload(Initiative.authors)])
    if initiative is None or initiative.status != Status.recognized:
        return None
    return initiative if hmac.compare_digest(_mac(initiative), mac.lower()) else None


@bp.route("/<code>")
def check(code):
    """Public: confirms a certificate (number, initiative, authors, decision) or says it does not exist."""
    initiative = find(code)
    row = issued(initiative) if initiative else None
    number = row.number if row else None
    response = current_app.make_response(
        (render_template("council/certificate_check.html", initiative=initiative, number=number, code=code,
                         organisation_name=organisation().name),
         200 if initiative else 404))
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response
