"""outreach events: events, their officers and sign-ups; the version of the purpose text a prospect agreed to

Revision ID: 0012
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa

import crm.models.base


revision = '0012'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('branch_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('kind', sa.Enum('SOSIALISASI', 'TPI', 'MARKET', 'SOCIAL_AID', 'OTHER', name='eventkind', native_enum=False, length=32), nullable=False),
    sa.Column('starts_at', crm.models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', crm.models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('desa_id', sa.Integer(), nullable=False),
    sa.Column('latitude', sa.Numeric(precision=9, scale=6), nullable=True),
    sa.Column('longitude', sa.Numeric(precision=9, scale=6), nullable=True),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('expected_attendees', sa.Integer(), nullable=True),
    sa.Column('signup_cap', sa.Integer(), nullable=False),
    sa.Column('closed_at', crm.models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', crm.models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_event_agency_id_agency')),
    sa.ForeignKeyConstraint(['branch_id'], ['branch.id'], name=op.f('fk_event_branch_id_branch')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_event_created_by_id_user')),
    sa.ForeignKeyConstraint(['desa_id'], ['region.id'], name=op.f('fk_event_desa_id_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event')),
    sa.UniqueConstraint('code', name=op.f('uq_event_code'))
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index('ix_event_branch_starts_at', ['branch_id', 'starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_desa_id'), ['desa_id'], unique=False)

    op.create_table('event_officer',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_officer_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_event_officer_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'user_id', name=op.f('pk_event_officer'))
    )
    op.create_table('event_signup',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('prospect_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('ACCEPTED', 'HELD', 'DISCARDED', name='signupstatus', native_enum=False, length=32), nullable=False),
    sa.Column('source', sa.Enum('FORM', 'OFFICER', 'API', name='signupsource', native_enum=False, length=32), nullable=False),
    sa.Column('brought_in', sa.Boolean(), nullable=False),
    sa.Column('known', sa.Boolean(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=True),
    sa.Column('present', sa.Boolean(), nullable=False),
    sa.Column('present_marked_at', crm.models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('answers', sa.JSON(), nullable=True),
    sa.Column('consent_version', sa.String(length=16), nullable=True),
    sa.Column('created_at', crm.models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['candidate_id'], ['prospect.id'], name=op.f('fk_event_signup_candidate_id_prospect'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_signup_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['prospect_id'], ['prospect.id'], name=op.f('fk_event_signup_prospect_id_prospect'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_signup')),
    sa.UniqueConstraint('event_id', 'prospect_id', name=op.f('uq_event_signup_event_id'))
    )
    with op.batch_alter_table('event_signup', schema=None) as batch_op:
        batch_op.create_index('ix_event_signup_event_status', ['event_id', 'status', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_signup_prospect_id'), ['prospect_id'], unique=False)

    op.add_column('prospect', sa.Column('consent_version', sa.String(length=16), nullable=True))


def downgrade():
    # Not in a batch: SQLite would copy the prospect table and lose its expression indexes (0007).
    op.drop_column('prospect', 'consent_version')

    with op.batch_alter_table('event_signup', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_signup_prospect_id'))
        batch_op.drop_index('ix_event_signup_event_status')

    op.drop_table('event_signup')
    op.drop_table('event_officer')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_desa_id'))
        batch_op.drop_index('ix_event_branch_starts_at')
        batch_op.drop_index(batch_op.f('ix_event_agency_id'))

    op.drop_table('event')
