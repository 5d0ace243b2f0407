"""council tables: council appraisal (issue 4)

Rubric and criteria per year, review assignments, reviews (phiếu chấm) with
their scores per criterion, and the council's decisions per round.

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('rubric',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('recognition_threshold', sa.Integer(), nullable=False),
    sa.Column('sector_threshold', sa.Integer(), nullable=False),
    sa.Column('approval_numerator', sa.Integer(), nullable=False),
    sa.Column('approval_denominator', sa.Integer(), nullable=False),
    sa.Column('novelty_zero_rule', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rubric')),
    sa.UniqueConstraint('year', name=op.f('uq_rubric_year'))
    )
    op.create_table('criterion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rubric_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('guidance', sa.Text(), nullable=False),
    sa.Column('min_score', sa.Integer(), nullable=False),
    sa.Column('max_score', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['rubric_id'], ['rubric.id'], name=op.f('fk_criterion_rubric_id_rubric'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_criterion')),
    sa.UniqueConstraint('rubric_id', 'code', name='uq_criterion_rubric_code')
    )
    with op.batch_alter_table('criterion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_criterion_rubric_id'), ['rubric_id'], unique=False)

    op.create_table('council_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('suggested', sa.String(length=16), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decision_no', sa.String(length=64), nullable=False),
    sa.Column('decision_date', sa.Date(), nullable=True),
    sa.Column('mean_total', sa.Double(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_council_decision_decided_by_id_user')),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiative.id'], name=op.f('fk_council_decision_initiative_id_initiative'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_decision'))
    )
    with op.batch_alter_table('council_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_council_decision_initiative_id'), ['initiative_id'], unique=False)

    op.create_table('review_assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=True),
    sa.Column('assigned_by_id', sa.Integer(), nullable=True),
    sa.Column('assigned_at', sa.DateTime(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('active', 'recused', name='assignmentstatus', native_enum=False, length=16), nullable=False),
    sa.Column('same_unit', sa.Boolean(), nullable=False),
    sa.Column('recusal_reason', sa.Text(), nullable=False),
    sa.Column('recused_at', sa.DateTime(), nullable=True),
    sa.Column('reminded_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['assigned_by_id'], ['user.id'], name=op.f('fk_review_assignment_assigned_by_id_user')),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiative.id'], name=op.f('fk_review_assignment_initiative_id_initiative'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['user.id'], name=op.f('fk_review_assignment_reviewer_id_user')),
    sa.ForeignKeyConstraint(['version_id'], ['initiative_version.id'], name=op.f('fk_review_assignment_version_id_initiative_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_assignment'))
    )
    with op.batch_alter_table('review_assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_assignment_initiative_id'), ['initiative_id'], unique=False)
        batch_op.create_index('ix_review_assignment_initiative_round', ['initiative_id', 'round'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_assignment_reviewer_id'), ['reviewer_id'], unique=False)

    op.create_table('review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('draft', 'submitted', 'reopened', name='reviewstatus', native_enum=False, length=16), nullable=False),
    sa.Column('recommendation', sa.String(length=8), nullable=True),
    sa.Column('overall_comment', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['assignment_id'], ['review_assignment.id'], name=op.f('fk_review_assignment_id_review_assignment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiative.id'], name=op.f('fk_review_initiative_id_initiative'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['user.id'], name=op.f('fk_review_reviewer_id_user')),
    sa.ForeignKeyConstraint(['version_id'], ['initiative_version.id'], name=op.f('fk_review_version_id_initiative_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review')),
    sa.UniqueConstraint('assignment_id', name=op.f('uq_review_assignment_id'))
    )
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_initiative_id'), ['initiative_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_reviewer_id'), ['reviewer_id'], unique=False)

    op.create_table('review_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('criterion_code', sa.String(length=32), nullable=False),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['criterion_id'], ['criterion.id'], name=op.f('fk_review_score_criterion_id_criterion')),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_review_score_review_id_review'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_score')),
    sa.UniqueConstraint('review_id', 'criterion_id', name='uq_review_score_criterion')
    )
    with op.batch_alter_table('review_score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_score_review_id'), ['review_id'], unique=False)



def downgrade():
    with op.batch_alter_table('review_score', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_score_review_id'))

    op.drop_table('review_score')
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_reviewer_id'))
        batch_op.drop_index(batch_op.f('ix_review_initiative_id'))

    op.drop_table('review')
    with op.batch_alter_table('review_assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_assignment_reviewer_id'))
        batch_op.drop_index('ix_review_assignment_initiative_round')
        batch_op.drop_index(batch_op.f('ix_review_assignment_initiative_id'))

    op.drop_table('review_assignment')
    with op.batch_alter_table('council_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_council_decision_initiative_id'))

    op.drop_table('council_decision')
    with op.batch_alter_table('criterion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_criterion_rubric_id'))

    op.drop_table('criterion')
    op.drop_table('rubric')
