"""official documents: the organisation's settings, council meetings, issued certificates, TT 18 fields

The settings row is stored with the Đà Nẵng values (the first default). Every initiative
already recognised gets the certificate number it printed with until now (its place among the
year's recognitions by decision date, then id), so that a reprint keeps it.

Revision ID: documents
Revises: council_discussion
"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa

revision = "documents"
down_revision = "council_discussion"
branch_labels = None
depends_on = None

NOW = datetime.now(UTC).replace(tzinfo=None)
ORGANISATION = {
    "id": 1,
    "name": "Viện kiểm sát nhân dân thành phố Đà Nẵng",
    "header": "Viện kiểm sát nhân dân\nthành phố Đà Nẵng",
    "short_name": "VKSND thành phố Đà Nẵng",
    "parent": "",
    "place": "Đà Nẵng",
    "decision_suffix": "QĐ-VKS",
    "certificate_suffix": "GCN-VKS",
    "minutes_suffix": "BB-HĐSK",
    "head_title": "Viện trưởng",
    "head_name": "",
    "deputy_title": "Phó Viện trưởng",
    "deputy_name": "",
    "filing_code": "VT",
}


def upgrade():
    settings = op.create_table(
        "organisation_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("header", sa.Text(), nullable=False),
        sa.Column("short_name", sa.String(length=200), nullable=False),
        sa.Column("parent", sa.String(length=300), nullable=False),
        sa.Column("place", sa.String(length=100), nullable=False),
        sa.Column("decision_suffix", sa.String(length=32), nullable=False),
        sa.Column("certificate_suffix", sa.String(length=32), nullable=False),
        sa.Column("minutes_suffix", sa.String(length=32), nullable=False),
        sa.Column("head_title", sa.String(length=100), nullable=False),
        sa.Column("head_name", sa.String(length=200), nullable=False),
        sa.Column("deputy_title", sa.String(length=100), nullable=False),
        sa.Column("deputy_name", sa.String(length=200), nullable=False),
        sa.Column("filing_code", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_settings")),
    )
    op.bulk_insert(settings, [{**ORGANISATION, "updated_at": NOW}])
    op.create_table(
        "council_meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("chair_id", sa.Integer(), nullable=False),
        sa.Column("secretary_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["chair_id"], ["user.id"], name=op.f("fk_council_meeting_chair_id_user")),
        sa.ForeignKeyConstraint(["secretary_id"], ["user.id"], name=op.f("fk_council_meeting_secretary_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_meeting")),
    )
    with op.batch_alter_table("council_meeting") as batch:
        batch.create_index(batch.f("ix_council_meeting_year"), ["year"], unique=False)
    certificates = op.create_table(
        "issued_certificate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["initiative_id"], ["initiative.id"],
                                name=op.f("fk_issued_certificate_initiative_id_initiative"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["issued_by_id"], ["user.id"], name=op.f("fk_issued_certificate_issued_by_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issued_certificate")),
        sa.UniqueConstraint("initiative_id", name=op.f("uq_issued_certificate_initiative_id")),
        sa.UniqueConstraint("year", "sequence", name=op.f("uq_issued_certificate_year")),
    )
    op.create_table(
        "meeting_attendance",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["council_meeting.id"],
                                name=op.f("fk_meeting_attendance_meeting_id_council_meeting"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_meeting_attendance_user_id_user")),
        sa.PrimaryKeyConstraint("meeting_id", "user_id", name=op.f("pk_meeting_attendance")),
    )
    op.create_table(
        "meeting_vote",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("votes_for", sa.Integer(), nullable=False),
        sa.Column("votes_against", sa.Integer(), nullable=False),
        sa.Column("votes_abstain", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["initiative_id"], ["initiative.id"],
                                name=op.f("fk_meeting_vote_initiative_id_initiative"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["meeting_id"], ["council_meeting.id"],
                                name=op.f("fk_meeting_vote_meeting_id_council_meeting"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("meeting_id", "initiative_id", name=op.f("pk_meeting_vote")),
    )
    with op.batch_alter_table("initiative") as batch:
        for name in ("confidential_info", "trial_users", "trial_assessment"):
            batch.add_column(sa.Column(name, sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("user") as batch:
        batch.add_column(sa.Column("birth_date", sa.Date(), nullable=True))
        batch.add_column(sa.Column("qualification", sa.String(length=200), nullable=False, server_default=""))

    initiative = sa.table("initiative", sa.column("id", sa.Integer), sa.column("year", sa.Integer),
                          sa.column("status", sa.String), sa.column("decision_date", sa.Date))
    rows = op.get_bind().execute(
        sa.select(initiative.c.id, initiative.c.year).where(initiative.c.status == "recognized")
        .order_by(initiative.c.year, initiative.c.decision_date, initiative.c.id)).all()
    sequence, issued = {}, []
    for initiative_id, year in rows:
        sequence[year] = sequence.get(year, 0) + 1
        issued.append({"initiative_id": initiative_id, "year": year, "sequence": sequence[year],
                       "number": f"{sequence[year]}/{ORGANISATION['certificate_suffix']}", "issued_at": NOW})
    if issued:
        op.bulk_insert(certificates, issued)


def downgrade():
    with op.batch_alter_table("user") as batch:
        batch.drop_column("qualification")
        batch.drop_column("birth_date")
    with op.batch_alter_table("initiative") as batch:
        for name in ("trial_assessment", "trial_users", "confidential_info"):
            batch.drop_column(name)
    op.drop_table("meeting_vote")
    op.drop_table("meeting_attendance")
    op.drop_table("issued_certificate")
    with op.batch_alter_table("council_meeting") as batch:
        batch.drop_index(batch.f("ix_council_meeting_year"))
    op.drop_table("council_meeting")
    op.drop_table("organisation_settings")
