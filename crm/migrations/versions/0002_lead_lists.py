"""lead lists

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('agency_column_mapping',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('header_key', sa.String(length=120), nullable=False),
    sa.Column('field', sa.String(length=32), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_agency_column_mapping_agency_id_agency'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency_column_mapping')),
    sa.UniqueConstraint('agency_id', 'header_key', name=op.f('uq_agency_column_mapping_agency_id'))
    )
    op.create_table('lead_row',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('row_number', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('INVALID', 'DUPLICATE', 'POSSIBLE_DUPLICATE', name='leadrowstatus', native_enum=False, length=32), nullable=False),
    sa.Column('cells', sa.JSON(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=True),
    sa.Column('prospect_id', sa.Integer(), nullable=True),
    sa.Column('candidate_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['lead_batch.id'], name=op.f('fk_lead_row_batch_id_lead_batch'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['candidate_id'], ['prospect.id'], name=op.f('fk_lead_row_candidate_id_prospect'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['prospect_id'], ['prospect.id'], name=op.f('fk_lead_row_prospect_id_prospect'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lead_row'))
    )
    with op.batch_alter_table('lead_row', schema=None) as batch_op:
        batch_op.create_index('ix_lead_row_batch_status', ['batch_id', 'status', 'row_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_lead_row_candidate_id'), ['candidate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lead_row_prospect_id'), ['prospect_id'], unique=False)

    op.create_table('prospect_listing',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('prospect_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('lead_batch_id', sa.Integer(), nullable=True),
    sa.Column('row_number', sa.Integer(), nullable=True),
    sa.Column('listed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_prospect_listing_agency_id_agency')),
    sa.ForeignKeyConstraint(['lead_batch_id'], ['lead_batch.id'], name=op.f('fk_prospect_listing_lead_batch_id_lead_batch'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['prospect_id'], ['prospect.id'], name=op.f('fk_prospect_listing_prospect_id_prospect'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_prospect_listing')),
    sa.UniqueConstraint('prospect_id', 'agency_id', name=op.f('uq_prospect_listing_prospect_id'))
    )
    with op.batch_alter_table('prospect_listing', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_prospect_listing_lead_batch_id'), ['lead_batch_id'], unique=False)

    with op.batch_alter_table('lead_batch', schema=None) as batch_op:
        batch_op.add_column(sa.Column('file_size', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('file_format', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('sheet_name', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('encoding', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('delimiter', sa.String(length=1), nullable=True))
        batch_op.add_column(sa.Column('header_row', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('header', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('column_mapping', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('unresolved_place_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('removed_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('committed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_lead_batch_withdrawn_by_id_user'), 'user', ['withdrawn_by_id'], ['id'])

    with op.batch_alter_table('prospect', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_reference', sa.String(length=64), nullable=True))
        batch_op.create_index('uq_prospect_source_reference', ['source_agency_id', 'source_reference'], unique=True)


def downgrade():
    with op.batch_alter_table('prospect', schema=None) as batch_op:
        batch_op.drop_index('uq_prospect_source_reference')
        batch_op.drop_column('source_reference')

    with op.batch_alter_table('lead_batch', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_lead_batch_withdrawn_by_id_user'), type_='foreignkey')
        batch_op.drop_column('withdrawn_by_id')
        batch_op.drop_column('withdrawn_at')
        batch_op.drop_column('committed_at')
        batch_op.drop_column('removed_count')
        batch_op.drop_column('unresolved_place_count')
        batch_op.drop_column('column_mapping')
        batch_op.drop_column('header')
        batch_op.drop_column('header_row')
        batch_op.drop_column('delimiter')
        batch_op.drop_column('encoding')
        batch_op.drop_column('sheet_name')
        batch_op.drop_column('file_format')
        batch_op.drop_column('file_size')

    with op.batch_alter_table('prospect_listing', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_prospect_listing_lead_batch_id'))

    op.drop_table('prospect_listing')
    with op.batch_alter_table('lead_row', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lead_row_prospect_id'))
        batch_op.drop_index(batch_op.f('ix_lead_row_candidate_id'))
        batch_op.drop_index('ix_lead_row_batch_status')

    op.drop_table('lead_row')
    op.drop_table('agency_column_mapping')
