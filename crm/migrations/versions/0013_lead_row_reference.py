"""lead row reference: the agency's reference of a kept row, so that an API lead sent again is answered with
its first outcome whatever it was (duplicate and invalid too, not only created)

Revision ID: 0013
Revises: 0012
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


# Plain ALTERs, no batch mode: SQLite adds and drops a column itself (3.35+), and a batch copy of lead_row
# would reflect the tables it refers to, whose expression indexes SQLAlchemy cannot reflect.
def upgrade():
    op.add_column('lead_row', sa.Column('reference', sa.String(length=64), nullable=True))
    op.create_index('ix_lead_row_reference', 'lead_row', ['reference'], unique=False)


def downgrade():
    op.drop_index('ix_lead_row_reference', table_name='lead_row')
    op.drop_column('lead_row', 'reference')
