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


def test_activity_counters_are_filled_from_existing_data(new_database):
    app = make_app(new_database())
    try:
        with app.app_context():
            upgrade(revision="e927525a86a4")  # the revision before the counters
            statements = [
                'INSERT INTO "user" (id, username, password_hash, role, session_version, timezone,'
                " timezone_set, desired_retention, new_per_day, reviews_per_day, learning_steps,"
                " created_at) VALUES (1, 'ada', 'x', 'student', 1, 'UTC', false, 0.9, 20, 200,"
                " true, '2026-01-01 00:00:00')",
                "INSERT INTO bank (id, slug, title, position, summary, imported_at)"
                " VALUES (1, 'b', 'B', 1, '', '2026-01-01 00:00:00')",
                "INSERT INTO card (id, bank_id, slug, position, front, back, tags, content_hash,"
                " created_at) VALUES (1, 1, 'c', 0, 'f', 'b', '[]', 'h', '2026-01-01 00:00:00'),"
                " (2, 1, 'd', 1, 'f', 'b', '[]', 'h', '2026-01-01 00:00:00')",
                "INSERT INTO card_state (user_id, card_id, state, reps, lapses, suspended, version)"
                " VALUES (1, 1, 2, 3, 0, false, 3), (1, 2, 0, 0, 0, true, 1)",
                "INSERT INTO review (user_id, card_id, rating, reviewed_at, day, state_before,"
                " state_after, interval_days, before) VALUES (1, 1, 3, '2026-02-03 10:00:00',"
                " '2026-02-03', 0, 1, 0.01, '{}')",
            ]
            with db.engine.begin() as connection:
                for statement in statements:
                    connection.exec_driver_sql(statement)
            upgrade()
            with db.engine.connect() as connection:
                row = connection.exec_driver_sql(
                    'SELECT cards_studied, last_active_at FROM "user" WHERE id = 1'
                ).one()
            assert row[0] == 1
            assert str(row[1]).startswith("2026-02-03 10:00:00")
    finally:
        dispose(app)


def test_classes_migration_keeps_existing_attempts(new_database):
    """0011 adds classes and points attempts at assignments: attempts already stored survive
    the table rebuild with their answers, outside any assignment; downgrading keeps them too."""
    app = make_app(new_database())
    try:
        with app.app_context():
            upgrade(revision="7c2e9f1a5b3d")  # the revision before classes
            statements = [
                'INSERT INTO "user" (id, username, password_hash, role, session_version, timezone,'
                " timezone_set, desired_retention, new_per_day, reviews_per_day, learning_steps,"
                " created_at, cards_studied) VALUES (1, 'ada', 'x', 'student', 1, 'UTC', false,"
                " 0.9, 20, 200, true, '2026-01-01 00:00:00', 0)",
                "INSERT INTO bank (id, slug, title, position, summary, imported_at)"
                " VALUES (1, 'b', 'B', 1, '', '2026-01-01 00:00:00')",
                "INSERT INTO question (id, bank_id, slug, position, version, created_at)"
                " VALUES (1, 1, 'q', 0, 1, '2026-01-01 00:00:00')",
                "INSERT INTO question_version (id, question_id, number, type, content_hash, data,"
                " created_at) VALUES (1, 1, 1, 'short', 'h', '{}', '2026-01-01 00:00:00')",
                "INSERT INTO attempt (id, user_id, mode, status, title, settings, step, current,"
                " started_at, submitted_at, auto_submitted, score, max_score) VALUES (7, 1, 'exam',"
                " 'submitted', 'Exam: B', '{}', 2, 0, '2026-02-01 10:00:00',"
                " '2026-02-01 10:05:00', false, 1.0, 1.0)",
                "INSERT INTO attempt_item (attempt_id, position, question_id, version_id,"
                " presentation, response, fraction, points, max_points, first_try) VALUES (7, 0,"
                " 1, 1, '{}', '\"yes\"', 1.0, 1.0, 1.0, true)",
            ]
            with db.engine.begin() as connection:
                for statement in statements:
                    connection.exec_driver_sql(statement)

            def stored():
                with db.engine.connect() as connection:
                    return connection.exec_driver_sql(
                        "SELECT a.id, a.user_id, a.status, a.score, i.response, i.points"
                        " FROM attempt a JOIN attempt_item i ON i.attempt_id = a.id"
                    ).all()

            before = stored()
            upgrade()
            assert stored() == before
            with db.engine.connect() as connection:
                assert (
                    connection.exec_driver_sql(
                        "SELECT assignment_id FROM attempt WHERE id = 7"
                    ).scalar()
                    is None
                )
            tables = set(sa.inspect(db.engine).get_table_names())
            assert {"course", "course_member", "assignment", "assignment_override"} <= tables
            downgrade(revision="7c2e9f1a5b3d")
            assert stored() == before
            assert "course" not in sa.inspect(db.engine).get_table_names()
    finally:
        dispose(app)


def test_retention_tallies_are_counted_from_stored_reviews(new_database):
    """0018 counts each student's reviews of learnt cards per UTC day from the reviews already
    stored: the tallies the class overview reads afterwards."""
    app = make_app(new_database())
    try:
        with app.app_context():
            upgrade(revision="3b7d9e4f2a60")  # the revision before the tallies
            reviews = [  # (user, reviewed at, rating, state before)
                (1, "2026-02-03 10:00:00", 3, 2),
                (1, "2026-02-03 23:59:00", 1, 2),  # forgotten, same UTC day
                (1, "2026-02-04 00:01:00", 4, 2),
                (1, "2026-02-04 08:00:00", 1, 0),  # a new card: not counted
                (2, "2026-02-03 12:00:00", 1, 2),
            ]
            statements = [
                'INSERT INTO "user" (id, username, password_hash, role, session_version, timezone,'
                " timezone_set, desired_retention, new_per_day, reviews_per_day, learning_steps,"
                " created_at, cards_studied) VALUES"
                " (1, 'ada', 'x', 'student', 1, 'UTC', false, 0.9, 20, 200, true,"
                " '2026-01-01 00:00:00', 0),"
                " (2, 'bo', 'x', 'student', 1, 'UTC', false, 0.9, 20, 200, true,"
                " '2026-01-01 00:00:00', 0)",
                "INSERT INTO bank (id, slug, title, position, summary, imported_at)"
                " VALUES (1, 'b', 'B', 1, '', '2026-01-01 00:00:00')",
                "INSERT INTO card (id, bank_id, slug, position, front, back, tags, content_hash,"
                " created_at) VALUES (1, 1, 'c', 0, 'f', 'b', '[]', 'h', '2026-01-01 00:00:00')",
                *(
                    "INSERT INTO review (user_id, card_id, rating, reviewed_at, day,"
                    " state_before, state_after, interval_days, before) VALUES"
                    f" ({user}, 1, {rating}, '{at}', '{at[:10]}', {state}, 2, 1.0, '{{}}')"
                    for user, at, rating, state in reviews
                ),
            ]
            with db.engine.begin() as connection:
                for statement in statements:
                    connection.exec_driver_sql(statement)
            upgrade()
            with db.engine.connect() as connection:
                tallies = connection.exec_driver_sql(
                    "SELECT user_id, day, reviews, remembered FROM retention_day"
                    " ORDER BY user_id, day"
                ).all()
            assert [(u, str(d), n, r) for u, d, n, r in tallies] == [
                (1, "2026-02-03", 2, 1),
                (1, "2026-02-04", 1, 1),
                (2, "2026-02-03", 1, 0),
            ]
    finally:
        dispose(app)
