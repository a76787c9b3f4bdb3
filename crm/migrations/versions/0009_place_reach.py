"""place reach: how far each desa and kecamatan reaches from its centre; what a visit's distance was measured
from and the distance allowed

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('region', sa.Column('reach_m', sa.Double(), nullable=True))
    op.add_column('visit', sa.Column('distance_from', sa.String(length=16), nullable=True))
    op.add_column('visit', sa.Column('distance_limit_m', sa.Double(), nullable=True))


def downgrade():
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+ too): no table to copy, and nothing references these columns.
    op.drop_column('visit', 'distance_limit_m')
    op.drop_column('visit', 'distance_from')
    op.drop_column('region', 'reach_m')
