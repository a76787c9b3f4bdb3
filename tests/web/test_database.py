import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from crm.models import Prospect


def test_sqlite_enforces_foreign_keys_and_uses_wal(db, database_kind):
    if database_kind != "sqlite":
        pytest.skip("SQLite pragmas")
    with db.engine.connect() as connection:
        assert connection.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"


def test_a_prospect_cannot_point_at_a_missing_branch(db):
    db.session.add(Prospect(branch_id=999_999, name="Nobody"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
