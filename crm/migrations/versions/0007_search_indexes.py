"""search indexes: the prospect list in name order, name prefixes and later words of a name; the dashboard's
breakdowns read from indexes alone

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

# crm.models.prospect.search_name and later_words, written out as each database indexes them.
SEARCH_NAME = {
    'postgresql': 'lower(name::text COLLATE "C")',
    'sqlite': 'lower(name)',
}
LATER_WORDS = f"substr({SEARCH_NAME['postgresql']}, strpos({SEARCH_NAME['postgresql']} || ' ', ' '))"


# Plain CREATE/DROP INDEX, no batch: on SQLite a batch that copied the prospect table would lose the expression
# indexes (SQLite cannot reflect them).
def upgrade():
    dialect = op.get_bind().dialect.name
    search_name = sa.text(SEARCH_NAME[dialect])
    op.create_index('ix_prospect_search_name', 'prospect', [search_name, 'id'], unique=False)
    op.create_index('ix_prospect_branch_search_name', 'prospect', ['branch_id', search_name, 'id'], unique=False)
    op.create_index('ix_prospect_cohort', 'prospect', ['created_at', 'stage', 'branch_id', 'source_agency_id',
                                                       'kecamatan_id', 'sector', 'assigned_officer_id'], unique=False)
    op.drop_index('ix_prospect_created_stage', table_name='prospect')
    op.create_index('ix_visit_period', 'visit', ['visited_at', 'officer_id', 'flagged', 'outcome', 'decline_reason'],
                    unique=False)
    if dialect == 'postgresql':
        # pg_trgm ships with PostgreSQL and is a trusted extension (13+): the database's owner may create it.
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
        op.create_index('ix_prospect_later_words', 'prospect', [sa.text(f'({LATER_WORDS}) gin_trgm_ops')],
                        unique=False, postgresql_using='gin')


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        # pg_trgm stays: it may have been there before this revision, and other objects may use it.
        op.drop_index('ix_prospect_later_words', table_name='prospect')
    op.drop_index('ix_visit_period', table_name='visit')
    op.create_index('ix_prospect_created_stage', 'prospect', ['created_at', 'stage'], unique=False)
    op.drop_index('ix_prospect_cohort', table_name='prospect')
    op.drop_index('ix_prospect_branch_search_name', table_name='prospect')
    op.drop_index('ix_prospect_search_name', table_name='prospect')
