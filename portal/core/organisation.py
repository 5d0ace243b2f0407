"""The organisation that runs the portal: one row of settings, edited by admins.

Its name heads every document, page and e-mail; its place dates the documents; its number
suffixes number them; its head of unit (Viện trưởng) and the deputy who signs on the head's
behalf ("KT. VIỆN TRƯỞNG / PHÓ VIỆN TRƯỞNG") sign them. A database without the row (a test, a
database made before the row existed) reads the configuration's ORG_* keys, then the Đà Nẵng
values below: the first default, which `init-db` and the migration store as the row.
"""
from dataclasses import dataclass, fields
from datetime import datetime

from flask import current_app, g, has_app_context
from sqlalchemy import String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.timeutil import utcnow
from portal.extensions import db

DEFAULTS = {
    "name": "Viện kiểm sát nhân dân thành phố Đà Nẵng",
    "header": "Viện kiểm sát nhân dân\nthành phố Đà Nẵng",  # how the name breaks in the document header
    "short_name": "VKSND thành phố Đà Nẵng",
    "parent": "",  # the parent body above the name in the header, when the unit uses one
    "place": "Đà Nẵng",
    "decision_suffix": "QĐ-VKS",
    "certificate_suffix": "GCN-VKS",
    "minutes_suffix": "BB-HĐSK",
    "head_title": "Viện trưởng",
    "head_name": "",  # blank: the leadership unit's account holding the head's title
    "deputy_title": "Phó Viện trưởng",
    "deputy_name": "",  # blank: the council's chair when a deputy, else the first deputy's account
    "filing_code": "VT",  # "Lưu: VT" (văn thư)
}
SETTING_ID = 1


class OrganisationSettings(db.Model):
    """Thông tin cơ quan: the single row (id 1) of the organisation's settings."""
    __tablename__ = "organisation_settings"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    header: Mapped[str] = mapped_column(Text)
    short_name: Mapped[str] = mapped_column(String(200))
    parent: Mapped[str] = mapped_column(String(300), default="")
    place: Mapped[str] = mapped_column(String(100))
    decision_suffix: Mapped[str] = mapped_column(String(32))
    certificate_suffix: Mapped[str] = mapped_column(String(32))
    minutes_suffix: Mapped[str] = mapped_column(String(32))
    head_title: Mapped[str] = mapped_column(String(100))
    head_name: Mapped[str] = mapped_column(String(200), default="")
    deputy_title: Mapped[str] = mapped_column(String(100))
    deputy_name: Mapped[str] = mapped_column(String(200), default="")
    filing_code: Mapped[str] = mapped_column(String(32), default="VT")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


@dataclass(frozen=True)
class Organisation:
    name: str
    header: str
    short_name: str
    parent: str
    place: str
    decision_suffix: str
    certificate_suffix: str
    minutes_suffix: str
    head_title: str
    head_name: str
    deputy_title: str
    deputy_name: str
    filing_code: str

    @property
    def council_name(self):
        return f"Hội đồng Sáng kiến {self.name}"


FIELDS = tuple(f.name for f in fields(Organisation))


def configured_defaults(config=None):
    """The first default: the configuration's ORG_* keys (ORGANISATION_NAME for the name), else
    the Đà Nẵng values; a configured name without a header breaks nowhere."""
    config = config if config is not None else (current_app.config if has_app_context() else {})
    value = {key: config.get(f"ORG_{key.upper()}") or default for key, default in DEFAULTS.items()}
    if not config.get("ORG_NAME") and config.get("ORGANISATION_NAME"):
        value["name"] = config["ORGANISATION_NAME"]
    if not config.get("ORG_HEADER") and value["name"] != DEFAULTS["name"]:
        value["header"] = value["name"]
    return value


def settings_row():
    return db.session.get(OrganisationSettings, SETTING_ID)


def ensure_settings(config=None):
    """Store the row from the first default when it is missing; returns it."""
    row = settings_row()
    if row is None:
        row = OrganisationSettings(id=SETTING_ID, **configured_defaults(config))
        db.session.add(row)
        db.session.flush()
    return row


def organisation():
    """The organisation, read once per application context (a request, a command, a task)."""
    if has_app_context() and "portal_organisation" in g:
        return g.portal_organisation
    row = db.session.execute(select(OrganisationSettings).where(OrganisationSettings.id == SETTING_ID)) \
        .scalar_one_or_none() if has_app_context() else None
    value = Organisation(**({key: getattr(row, key) or "" for key in FIELDS} if row else configured_defaults()))
    if has_app_context():
        g.portal_organisation = value
    return value


def forget():
    """After a change: the next reader reads the row again."""
    if has_app_context():
        g.pop("portal_organisation", None)


def site_name(gettext=None):
    """The portal's name in feeds, mail and link previews: SITE_NAME, else from the organisation
    (in the language of `gettext` when given: a mail says it in its recipient's language)."""
    configured = current_app.config.get("SITE_NAME") if has_app_context() else ""
    if configured:
        return configured
    short_name = organisation().short_name
    return gettext("Cổng Sáng kiến %(name)s", name=short_name) if gettext else f"Cổng Sáng kiến {short_name}"
