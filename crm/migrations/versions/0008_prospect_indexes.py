"""prospect indexes: follow-ups by branch and day, a branch's stages with place and assignee (Today); none of
source_agency_id alone

Every index is maintained for every imported lead; ix_prospect_source_agency_id answered nothing the
unique index of (source_agency_id, source_reference) does not.

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_prospect_source_agency_id', table_name='prospect')
    # Partial: a new lead has no follow-up, so an import does not write to it.
    op.create_index('ix_prospect_follow_up', 'prospect', ['branch_id', 'next_follow_up'], unique=False,
                    postgresql_where=sa.text('next_follow_up IS NOT NULL'),
                    sqlite_where=sa.text('next_follow_up IS NOT NULL'))
    op.create_index('ix_prospect_branch_stage_place', 'prospect',
                    ['branch_id', 'stage', 'kecamatan_id', 'assigned_officer_id'], unique=False)
    op.drop_index('ix_prospect_branch_stage', table_name='prospect')


def downgrade():
    op.create_index('ix_prospect_branch_stage', 'prospect', ['branch_id', 'stage'], unique=False)
    op.drop_index('ix_prospect_branch_stage_place', table_name='prospect')
    op.drop_index('ix_prospect_follow_up', table_name='prospect')
    op.create_index('ix_prospect_source_agency_id', 'prospect', ['source_agency_id'], unique=False)
