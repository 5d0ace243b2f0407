"""remove control characters stored before the portal refused them at input

Revision ID: clean_control_chars
Revises: auth_tokens

A title such as "Sáng kiến\\x01…" made the DOCX, XLSX and Atom writers fail. Single-line
columns lose every control character (tab and new lines become spaces); long texts keep tab
and new lines. The audit log is not touched: its events are sealed by their hashes, and the
writers remove what XML cannot hold when they show it. The rule is copied here, not imported,
so that this migration does the same thing whatever the application's code becomes.
"""
import re

import sqlalchemy as sa
from alembic import op

revision = "clean_control_chars"
down_revision = "auth_tokens"
branch_labels = None
depends_on = None

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\t]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")

SINGLE_LINE = {
    "council": ("name", "decision_no"),
    "field": ("name",),
    "unit": ("name",),
    "criterion": ("name",),
    "user": ("full_name", "position"),
    "api_token": ("name",),
    "initiative": ("title", "decision_no", "sector_decision_no", "national_decision_no"),
    "initiative_author": ("external_name", "external_workplace"),
    "attachment": ("original_name",),
    "council_decision": ("decision_no",),
    "title_award": ("decision_no",),
    "notification": ("subject",),
}
LONG_TEXT = {
    "year": ("note",),
    "criterion": ("guidance",),
    "discipline": ("note",),
    "initiative": ("summary", "current_state", "solution", "conditions", "benefits", "return_note",
                   "decision_reason"),
    "notification": ("body",),
    "council_decision": ("reason",),
    "publication": ("public_summary", "unpublish_reason"),
    "title_award": ("reason",),
    "review_assignment": ("recusal_reason",),
    "review": ("overall_comment",),
    "review_score": ("comment",),
    "attachment_text": ("text",),
}
JSON = {"initiative_version": ("snapshot",)}


def clean(value, multiline):
    value = _SURROGATE.sub("", value)
    if not multiline:
        value = _LINE_BREAKS.sub(" ", value)
    return _CONTROL.sub("", value)


def clean_json(value):
    if isinstance(value, str):
        return clean(value, True)
    if isinstance(value, list):
        return [clean_json(item) for item in value]
    if isinstance(value, dict):
        return {key: clean_json(item) for key, item in value.items()}
    return value


def _columns(bind):
    inspector = sa.inspect(bind)
    tables = set(inspector.get_table_names())
    for groups, kind in ((SINGLE_LINE, "line"), (LONG_TEXT, "long"), (JSON, "json")):
        for table, names in groups.items():
            if table not in tables:
                continue
            present = {column["name"] for column in inspector.get_columns(table)}
            keys = inspector.get_pk_constraint(table)["constrained_columns"]
            for name in names:
                if name in present:
                    yield table, keys, name, kind


def upgrade():
    bind = op.get_bind()
    for table_name, keys, name, kind in list(_columns(bind)):
        column_type = sa.JSON() if kind == "json" else sa.Text()
        table = sa.table(table_name, *(sa.column(key) for key in keys), sa.column(name, column_type))
        rows = bind.execute(sa.select(*(table.c[key] for key in keys), table.c[name])
                            .where(table.c[name].is_not(None))).all()
        for row in rows:
            value = row[-1]
            if kind == "json":
                cleaned = clean_json(value)
            elif isinstance(value, str):
                cleaned = clean(value, kind == "long")
            else:
                continue
            if cleaned != value:
                condition = sa.and_(*(table.c[key] == row[i] for i, key in enumerate(keys)))
                bind.execute(table.update().where(condition).values({name: cleaned}))


def downgrade():
    pass  # the removed characters were never meant to be there; nothing to put back
