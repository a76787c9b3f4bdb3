"""prospect: no index of source_agency_id alone (uq_prospect_source_reference starts with it)

Every index is maintained for every imported lead; this one answered nothing the unique index of
(source_agency_id, source_reference) does not.

Revision ID: 0008
Revises: 0007
"""
from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_prospect_source_agency_id', table_name='prospect')


def downgrade():
    op.create_index('ix_prospect_source_agency_id', 'prospect', ['source_agency_id'], unique=False)
