"""contact attempts: an officer's calls and WhatsApp messages to prospects, and the message templates an admin
keeps for WhatsApp

Revision ID: 0014
Revises: 0013
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('message_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('branch_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=80), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['branch_id'], ['branch.id'], name=op.f('fk_message_template_branch_id_branch')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message_template'))
    )
    with op.batch_alter_table('message_template', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_template_branch_id'), ['branch_id'], unique=False)

    op.create_table('contact_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('branch_id', sa.Integer(), nullable=False),
    sa.Column('prospect_id', sa.Integer(), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=False),
    sa.Column('contacted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('channel', sa.Enum('PHONE', 'WHATSAPP', name='contactchannel', native_enum=False, length=32), nullable=False),
    sa.Column('outcome', sa.Enum('INTERESTED', 'NOT_INTERESTED', 'NO_ANSWER', 'WRONG_NUMBER', name='contactoutcome', native_enum=False, length=32), nullable=False),
    sa.Column('decline_reason', sa.Enum('CANNOT_AFFORD', 'ALREADY_COVERED', 'DOES_NOT_TRUST', 'ASK_FAMILY', 'OTHER', name='declinereason', native_enum=False, length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['branch_id'], ['branch.id'], name=op.f('fk_contact_attempt_branch_id_branch')),
    sa.ForeignKeyConstraint(['officer_id'], ['user.id'], name=op.f('fk_contact_attempt_officer_id_user')),
    sa.ForeignKeyConstraint(['prospect_id'], ['prospect.id'], name=op.f('fk_contact_attempt_prospect_id_prospect')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_attempt'))
    )
    with op.batch_alter_table('contact_attempt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_attempt_branch_id'), ['branch_id'], unique=False)
        batch_op.create_index('ix_contact_attempt_officer_at', ['officer_id', 'contacted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_attempt_prospect_id'), ['prospect_id'], unique=False)



def downgrade():
    with op.batch_alter_table('contact_attempt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_attempt_prospect_id'))
        batch_op.drop_index('ix_contact_attempt_officer_at')
        batch_op.drop_index(batch_op.f('ix_contact_attempt_branch_id'))

    op.drop_table('contact_attempt')
    with op.batch_alter_table('message_template', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_template_branch_id'))

    op.drop_table('message_template')
