"""registrations and targets

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reconciliation_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('branch_id', sa.Integer(), nullable=False),
    sa.Column('run_by_id', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=255), nullable=True),
    sa.Column('file_sha256', sa.String(length=64), nullable=True),
    sa.Column('ran_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('matched', sa.Integer(), nullable=False),
    sa.Column('converted', sa.Integer(), nullable=False),
    sa.Column('status_changed', sa.Integer(), nullable=False),
    sa.Column('corrected', sa.Integer(), nullable=False),
    sa.Column('unmatched', sa.Integer(), nullable=False),
    sa.Column('invalid', sa.Integer(), nullable=False),
    sa.Column('problems', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['branch_id'], ['branch.id'], name=op.f('fk_reconciliation_run_branch_id_branch')),
    sa.ForeignKeyConstraint(['run_by_id'], ['user.id'], name=op.f('fk_reconciliation_run_run_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reconciliation_run'))
    )
    with op.batch_alter_table('reconciliation_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reconciliation_run_branch_id'), ['branch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reconciliation_run_ran_at'), ['ran_at'], unique=False)

    op.create_table('target_split',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('kecamatan_id', sa.Integer(), nullable=True),
    sa.Column('officer_id', sa.Integer(), nullable=True),
    sa.Column('month', sa.Integer(), nullable=True),
    sa.Column('registrations', sa.Integer(), nullable=False),
    sa.CheckConstraint('month IS NULL OR (month BETWEEN 1 AND 12)', name=op.f('ck_target_split_month_in_year')),
    sa.ForeignKeyConstraint(['kecamatan_id'], ['region.id'], name=op.f('fk_target_split_kecamatan_id_region')),
    sa.ForeignKeyConstraint(['officer_id'], ['user.id'], name=op.f('fk_target_split_officer_id_user')),
    sa.ForeignKeyConstraint(['target_id'], ['target.id'], name=op.f('fk_target_split_target_id_target'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_target_split'))
    )
    with op.batch_alter_table('target_split', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_target_split_target_id'), ['target_id'], unique=False)

    with op.batch_alter_table('contribution_rate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payer_excluded', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origin', sa.Enum('SASAR', 'CORE_SYSTEM', name='registrationorigin', native_enum=False, length=32), server_default='SASAR', nullable=False))
        batch_op.alter_column('declared_income',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.alter_column('monthly_contribution',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_index('ix_registration_branch_status', ['branch_id', 'status'], unique=False)


def downgrade():
    # Registrations learnt from the core system have no income or contribution; 0 stands for unknown below 0004.
    op.execute("UPDATE registration SET declared_income = 0 WHERE declared_income IS NULL")
    op.execute("UPDATE registration SET monthly_contribution = 0 WHERE monthly_contribution IS NULL")
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_index('ix_registration_branch_status')
        batch_op.alter_column('monthly_contribution',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.alter_column('declared_income',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('origin')

    with op.batch_alter_table('contribution_rate', schema=None) as batch_op:
        batch_op.drop_column('payer_excluded')

    with op.batch_alter_table('target_split', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_target_split_target_id'))

    op.drop_table('target_split')
    with op.batch_alter_table('reconciliation_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reconciliation_run_ran_at'))
        batch_op.drop_index(batch_op.f('ix_reconciliation_run_branch_id'))

    op.drop_table('reconciliation_run')
