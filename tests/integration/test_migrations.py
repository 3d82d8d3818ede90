"""The schema lives in migrations: head builds the models' schema exactly, with SQLite tuned."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from quizapp.extensions import db
from tests.conftest import POSTGRES, dispose, make_app


def test_fresh_database_upgrades_to_head_and_matches_models(new_database):
    app = make_app(new_database())
    try:
        with app.app_context():
            upgrade()
            with db.engine.connect() as connection:
                context = MigrationContext.configure(
                    connection, opts={"compare_type": True, "render_as_batch": True}
                )
                assert compare_metadata(context, db.metadata) == []
                assert context.get_current_revision() is not None
    finally:
        dispose(app)


def test_downgrade_to_base_and_back(new_database):
    app = make_app(new_database())
    try:
        with app.app_context():
            upgrade()
            downgrade(revision="base")
            assert sa.inspect(db.engine).get_table_names() == ["alembic_version"]
            upgrade()
            assert "question_version" in sa.inspect(db.engine).get_table_names()
    finally:
        dispose(app)


@pytest.mark.skipif(POSTGRES, reason="SQLite connection settings")
def test_sqlite_connections_are_tuned(app):
    with app.app_context(), db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
