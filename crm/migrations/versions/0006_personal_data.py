"""personal data: consent basis and anonymisation

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

import crm.models.base


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('prospect', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consent_basis', sa.Enum('CONSENT', 'PUBLIC_TASK', name='consentbasis', native_enum=False, length=32), nullable=True))
        batch_op.add_column(sa.Column('consent_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('consent_agency_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('anonymised_at', crm.models.base.UtcDateTime(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_prospect_consent_agency_id_agency'), 'agency', ['consent_agency_id'], ['id'])


def downgrade():
    with op.batch_alter_table('prospect', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_prospect_consent_agency_id_agency'), type_='foreignkey')
        batch_op.drop_column('anonymised_at')
        batch_op.drop_column('consent_agency_id')
        batch_op.drop_column('consent_date')
        batch_op.drop_column('consent_basis')
