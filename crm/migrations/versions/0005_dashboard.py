"""dashboard: indexes the funnel reads without touching the tables

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('prospect', schema=None) as batch_op:
        batch_op.create_index('ix_prospect_created_stage', ['created_at', 'stage'], unique=False)
        batch_op.create_index('ix_prospect_stage_id_created', ['stage', 'id', 'created_at'], unique=False)

    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.create_index('ix_registration_prospect_registered_on', ['prospect_id', 'registered_on'], unique=False)


def downgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_index('ix_registration_prospect_registered_on')

    with op.batch_alter_table('prospect', schema=None) as batch_op:
        batch_op.drop_index('ix_prospect_stage_id_created')
        batch_op.drop_index('ix_prospect_created_stage')
