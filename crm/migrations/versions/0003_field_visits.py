"""field visits

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('prospect', schema=None) as batch_op:
        batch_op.add_column(sa.Column('location_accuracy_m', sa.Double(), nullable=True))

    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('position_source', sa.Enum('GPS', 'MANUAL', name='positionsource', native_enum=False, length=32), nullable=True))
        batch_op.add_column(sa.Column('reviewed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_visit_officer_visited_at', ['officer_id', 'visited_at'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_visit_reviewed_by_id_user'), 'user', ['reviewed_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_visit_reviewed_by_id_user'), type_='foreignkey')
        batch_op.drop_index('ix_visit_officer_visited_at')
        batch_op.drop_column('reviewed_at')
        batch_op.drop_column('reviewed_by_id')
        batch_op.drop_column('position_source')

    with op.batch_alter_table('prospect', schema=None) as batch_op:
        batch_op.drop_column('location_accuracy_m')
