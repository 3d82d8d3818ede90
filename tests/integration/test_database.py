"""database.py: importing it changes no engine; configure() gives one engine the SQLite
settings; a write transaction refuses changes made before its lock."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from quizapp import database
from quizapp.extensions import db
from quizapp.models import Bank


def pragma(engine, name: str):
    with engine.connect() as connection:
        return connection.exec_driver_sql(f"PRAGMA {name}").scalar()


def test_importing_the_module_leaves_other_engines_alone(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'other.db'}")
    assert pragma(engine, "foreign_keys") == 0
    database.configure(engine)
    database.configure(engine)  # once is enough; twice changes nothing
    engine.dispose()
    assert pragma(engine, "foreign_keys") == 1
    assert pragma(engine, "journal_mode") == "wal"
    engine.dispose()


def test_the_apps_engine_is_configured(app):
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            assert pragma(db.engine, "foreign_keys") == 1


def test_write_transaction_refuses_unsaved_changes(app):
    with app.app_context():
        db.session.add(Bank(slug="early", title="Added before the lock"))
        with (
            pytest.raises(RuntimeError, match="unsaved changes"),
            database.write_transaction(db.session),
        ):
            pass
        db.session.rollback()
        assert db.session.scalar(sa.select(Bank).where(Bank.slug == "early")) is None
