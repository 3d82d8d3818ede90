"""Connection settings and write transactions that behave the same under load on SQLite.

Importing this module changes nothing: `configure(engine)` attaches the settings to one
engine (create_app does it for the app's own engines).
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, scoped_session

WRITE_OPTION = "quizapp_write"
BUSY_TIMEOUT_MS = 15_000


def configure(engine: Engine) -> Engine:
    """Give `engine` the SQLite connection settings and BEGIN handling (once; harmless, and
    inactive, on other databases)."""
    if not event.contains(engine, "connect", _configure_sqlite):
        event.listen(engine, "connect", _configure_sqlite)
        event.listen(engine, "begin", _begin_sqlite)
    return engine


def _configure_sqlite(dbapi_connection, _record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Hand transaction control to SQLAlchemy's "begin" event below; pysqlite's own
    # implicit BEGIN can neither be IMMEDIATE nor cover the first SELECT.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _begin_sqlite(connection) -> None:
    if connection.dialect.name != "sqlite":
        return
    # A transaction that reads and then writes must hold the write lock from the start:
    # a deferred one that upgrades later fails with "database is locked" at once.
    if connection.get_execution_options().get(WRITE_OPTION, False):
        _begin_immediate(connection)
    else:
        connection.exec_driver_sql("BEGIN")


def _begin_immediate(connection) -> None:
    """BEGIN IMMEDIATE, retrying every millisecond or so while another writer holds the lock.

    SQLite's own busy handler sleeps 1, 2, 5, 10 ... up to 100 ms between tries, so under
    load a waiting writer oversleeps a lock held for a millisecond; short, jittered retries
    hand the lock on as soon as it is free."""
    cursor = connection.connection.driver_connection
    cursor.execute("PRAGMA busy_timeout=0")
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    try:
        while True:
            try:
                cursor.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                if time.monotonic() > deadline:
                    raise
                time.sleep(random.uniform(0.0002, 0.002))
    finally:
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


@contextmanager
def write_transaction(session: Session) -> Iterator[Session]:
    """Run one unit of work that reads then writes, committed at the end or rolled back whole.

    On SQLite the transaction starts with BEGIN IMMEDIATE; elsewhere it is an ordinary one,
    and code that must serialise uses SELECT ... FOR UPDATE.
    """
    if isinstance(session, scoped_session):
        session = session()
    if session.new or session.dirty or session.deleted:
        # Changes made before the lock would be written without it: a bug in the caller.
        raise RuntimeError("write_transaction started with unsaved changes in the session")
    if session.in_transaction():
        # Whatever was read so far (the logged-in user, say) ends here; nothing is pending.
        session.commit()
    # What was read before the lock may be stale by now: reload it inside the transaction.
    # (Objects are not expired at commit, so what a transaction wrote stays usable after it.)
    session.expire_all()
    session.connection(execution_options={WRITE_OPTION: True})
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


def later_of(column, moment):
    """SQL for the later of a nullable timestamp column and `moment`, on any database."""
    return sa.case((column.is_(None), moment), (column < moment, moment), else_=column)


def reachable(session: Session) -> bool:
    """Whether the database answers a trivial query (for the health check)."""
    try:
        session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        session.rollback()
        return False
    return True
