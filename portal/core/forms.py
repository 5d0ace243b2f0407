"""The base of every form, and the input it keeps when a submission is refused.

A refused POST (portal.core.refusal.Refusal) is answered with a redirect back to the page of
the form (post/redirect/get). What the person typed and the refusal's messages wait in the
database (they can be longer than a cookie holds), under a token in the session, until that
page is shown again: the form then comes back filled in, with each message beside its field.
"""
import secrets
from datetime import datetime, timedelta

from flask import g, has_request_context, request, session
from flask_wtf import FlaskForm
from sqlalchemy import JSON, String, delete
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.datastructures import MultiDict
from wtforms import FieldList, FormField, PasswordField, StringField, TextAreaField

from portal.core import text
from portal.core.timeutil import utcnow
from portal.extensions import db

SESSION_KEY = "_kept_input"
KEEP_FOR = timedelta(hours=12)
NOT_KEPT = {"csrf_token"}


class KeptInput(db.Model):
    """A refused form's input, waiting to be shown again on the form's page."""
    __tablename__ = "kept_input"
    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    path: Mapped[str] = mapped_column(String(500))
    form: Mapped[str] = mapped_column(String(120))
    data: Mapped[list] = mapped_column(JSON, default=list)     # [[name, value], ...]
    errors: Mapped[dict] = mapped_column(JSON, default=dict)   # {form field name: [message]}
    message: Mapped[str] = mapped_column(String(2000), default="")


class PortalForm(FlaskForm):
    """A Flask-WTF form that comes back with its input after a refusal.

    `aliases` maps the names an operation uses for its fields (model attributes) to the
    names of this form's fields, where they differ.
    """

    aliases: dict = {}

    def __init__(self, *args, **kwargs):
        kept = None
        if has_request_context() and request.method == "GET" and not args and "formdata" not in kwargs:
            kept = _take(self.identity(kwargs.get("prefix", "")))
            if kept is not None:
                kwargs["formdata"] = MultiDict([tuple(pair) for pair in kept.data])
        super().__init__(*args, **kwargs)
        if "csrf_token" in self._fields:
            # A page holds many forms, each with its token: the hidden input needs no id (no
            # label points at it), and a shared one would repeat on the page.
            self._fields["csrf_token"].id = False
        self.restored = kept is not None
        if kept is not None:
            self.place_errors(kept.errors, kept.message)
        elif has_request_context() and request.method == "POST":
            g.setdefault("_posted_forms", []).append(self)

    def validate(self, extra_validators=None):
        """The fields' own validators, then the portal's rule for text (portal.core.text) on every
        text field, nested ones too: control characters are refused, beside the field."""
        valid = super().validate(extra_validators)
        return _text_fields_valid(self) and valid

    def with_ids(self, prefix):
        """This form with its elements' ids (and its labels' `for`) under `prefix`, for a page
        that shows several forms with fields of the same name; the names sent are unchanged.
        Called again with another prefix (a form repeated in a loop), it starts from the
        fields' own ids."""
        for field in self:
            if field.id is False:
                continue
            base = field.__dict__.setdefault("_own_id", field.id)
            field.id = f"{prefix}-{base}"
            field.label.field_id = field.id
        return self

    @classmethod
    def identity(cls, prefix=""):
        return f"{cls.__module__}.{cls.__qualname__}:{prefix}"

    def field_for(self, name):
        """This form's field for an operation's field `name`, or None."""
        for candidate in (self.aliases.get(name, name), f"{self._prefix}{name}", f"score_{name}"):
            field = self._fields.get(candidate)
            if field is not None:
                return field
        return None

    def place_errors(self, fields, message=""):
        """Put refusal messages beside their fields; those of no field go above the form."""
        placed = False
        for name, messages in (fields or {}).items():
            field = self.field_for(name)
            if field is None:
                self.form_errors.extend(messages)
            else:
                field.errors = list(field.errors or ()) + list(messages)
                placed = True
        if message and not placed and not self.form_errors:
            self.form_errors.append(message)


def _text_fields_valid(form):
    valid = True
    for field in form:
        if isinstance(field, FormField):
            valid = _text_fields_valid(field.form) and valid
        elif isinstance(field, FieldList):
            for entry in field.entries:
                valid = _text_fields_valid(entry.form if isinstance(entry, FormField) else [entry]) and valid
        elif isinstance(field, StringField) and not isinstance(field, PasswordField) \
                and isinstance(field.data, str):
            message = text.problem(field.data, multiline=isinstance(field, TextAreaField))
            if message is not None:
                if not isinstance(field.errors, list):
                    field.errors = list(field.errors or ())
                field.errors.append(message)
                valid = False
    return valid


def _take(identity):
    """The kept input for the form of `identity` on this page, consumed; None when there is none."""
    token = session.get(SESSION_KEY)
    if not token:
        return None
    if "_kept_row" not in g:
        g._kept_row = db.session.get(KeptInput, token)
        if g._kept_row is None:
            session.pop(SESSION_KEY, None)
    row = g._kept_row
    if row is None or row.path != request.full_path.rstrip("?") or row.form != identity:
        return None
    session.pop(SESSION_KEY, None)
    g._kept_row = None
    db.session.delete(row)
    db.session.commit()
    return row


def keep(back_path, refusal):
    """Keep the refused POST's input and messages for the form page at `back_path`."""
    forms = g.get("_posted_forms") or []
    posted = set(request.form) - NOT_KEPT
    form = next((f for f in forms if posted and posted <= set(f._fields) | NOT_KEPT), None) \
        or (forms[0] if forms else None)
    if form is None:
        return
    errors = {}
    for name, messages in refusal.field_messages().items():
        field = form.field_for(name)
        errors.setdefault(field.name if field is not None else "", []).extend(messages)
    loose = errors.pop("", [])
    db.session.execute(delete(KeptInput).where(KeptInput.created_at < utcnow() - KEEP_FOR))
    old = session.get(SESSION_KEY)
    if old:
        db.session.execute(delete(KeptInput).where(KeptInput.token == old))
    row = KeptInput(
        token=secrets.token_urlsafe(32), path=back_path, form=form.identity(form._prefix),
        data=[[k, v] for k, v in request.form.items(multi=True) if k not in NOT_KEPT and not _secret(form, k)],
        errors={name: msgs for name, msgs in errors.items()},
        message=" ".join(loose)[:2000])
    db.session.add(row)
    db.session.commit()
    session[SESSION_KEY] = row.token


def _secret(form, name):
    """Passwords and files are never kept: the person types or chooses them again."""
    field = form._fields.get(name)
    return field is not None and field.type in ("PasswordField", "FileField", "MultipleFileField")
