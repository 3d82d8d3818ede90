"""Connection settings and write transactions that behave the same under load on SQLite.

Importing this module changes nothing: `configure(engine)` attaches the settings to one
engine (create_app does it for the app's own engines).
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import time
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Engine
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
        # On the driver's connection, as BEGIN IMMEDIATE: every request begins one, and
        # SQLAlchemy's statement machinery costs more than the BEGIN itself.
        connection.connection.driver_connection.execute("BEGIN")


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
def write_transaction(session: Session, keep: Collection[object] = ()) -> Iterator[Session]:
    """Run one unit of work that reads then writes, committed at the end or rolled back whole.

    On SQLite the transaction starts with BEGIN IMMEDIATE; elsewhere it is an ordinary one,
    and code that must serialise uses SELECT ... FOR UPDATE. Objects read before are reloaded
    when next used, except those in `keep` (the logged-in user, whose id and settings as of
    the request's start a grade or an answer may use without a query more per write).
    """
    if isinstance(session, scoped_session):
        session = session()
    if session.new or session.dirty or session.deleted:
        # Changes made before the lock would be written without it: a bug in the caller.
        raise RuntimeError("write_transaction started with unsaved changes in the session")
    # What was read before the lock may be stale by now: reload it inside the transaction.
    # (Objects are not expired at commit, so what a transaction wrote stays usable after it.)
    if keep:
        for instance in list(session.identity_map.values()):
            if not any(instance is kept for kept in keep):
                session.expire(instance)
    else:
        session.expire_all()
    try:
        _begin_write(session)
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


def _begin_write(session: Session) -> None:
    """End the read transaction, if any (whatever was read so far, the logged-in user say;
    nothing is pending), and begin the write transaction."""
    if not session.in_transaction() or session.get_bind().dialect.name != "sqlite":
        if session.in_transaction():
            session.commit()
        session.connection(execution_options={WRITE_OPTION: True})
        return
    connection = session.connection()
    # On SQLite, on the same connection, as the session's transaction goes on: it only read,
    # and handing the connection back to the pool and taking it again costs more than both
    # statements. The session's commit or rollback at the end then ends the write.
    driver = connection.connection.driver_connection
    if driver.in_transaction:
        driver.execute("COMMIT")
    _begin_immediate(connection)


# What a database error says about storage, by SQLite error name prefix or PostgreSQL SQLSTATE.
SQLITE_FAULTS = {
    "SQLITE_FULL": "full",
    "SQLITE_READONLY": "read-only",
    "SQLITE_BUSY": "busy",
    "SQLITE_LOCKED": "busy",
    "SQLITE_IOERR": "unreachable",
    "SQLITE_CANTOPEN": "unreachable",
}
POSTGRES_FAULTS = {
    "53": "full",  # insufficient resources: disk full, out of memory, too many connections
    "25006": "read-only",  # read_only_sql_transaction (a standby, default_transaction_read_only)
    "55P03": "busy",  # lock_not_available (lock_timeout)
    "57014": "busy",  # query_canceled (statement_timeout)
    "40P01": "busy",  # deadlock_detected
    "08": "unreachable",  # connection exceptions
    "57P": "unreachable",  # the server is shutting down or cannot connect now
}
MIN_FREE_BYTES = 1024 * 1024


class StorageFault(RuntimeError):
    """The database cannot take a write now, found without a database error (a full disk)."""

    def __init__(self, fault: str, message: str):
        super().__init__(message)
        self.fault = fault


def storage_fault(error: BaseException) -> str | None:
    """'full', 'read-only', 'busy' or 'unreachable' when `error` (a DBAPI error or SQLAlchemy's
    wrapper of one) means the database cannot take a write right now; None for anything else."""
    if isinstance(error, StorageFault):
        return error.fault
    original = getattr(error, "orig", None) or error
    name = getattr(original, "sqlite_errorname", None)
    if isinstance(original, sqlite3.Error) and name:
        return next((fault for p, fault in SQLITE_FAULTS.items() if name.startswith(p)), None)
    code = getattr(original, "sqlstate", None) or ""
    return next((fault for p, fault in POSTGRES_FAULTS.items() if code.startswith(p)), None)


def check_writable(session: Session) -> None:
    """Raise unless the database would take a write now; nothing is written.

    Takes the write lock (BEGIN IMMEDIATE on SQLite) and rewrites one row in a transaction that
    is rolled back; on SQLite also sees that the disk has room for the next writes."""
    if isinstance(session, scoped_session):
        session = session()
    session.rollback()
    try:
        connection = session.connection(execution_options={WRITE_OPTION: True})
        if connection.dialect.name == "sqlite":
            path = sqlite_file(connection.engine.url)
            if path is not None and shutil.disk_usage(path.parent).free < MIN_FREE_BYTES:
                raise StorageFault("full", f"less than 1 MB free beside {path}")
        else:
            connection.exec_driver_sql("SET LOCAL lock_timeout = '5s'")
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = version_num")
    finally:
        session.rollback()


def sqlite_file(url: URL) -> Path | None:
    """The file of a SQLite URL (plain or `file:` URI form); None for memory or other databases."""
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    database = url.database
    if url.query.get("uri") == "true" and database.startswith("file:"):
        database = database.removeprefix("file:").split("?", 1)[0]
        if database in ("", ":memory:") or url.query.get("mode") == "memory":
            return None
    return Path(database).absolute()


def later_of(column, moment):
    """SQL for the later of a nullable timestamp column and `moment`, on any database."""
    return sa.case((column.is_(None), moment), (column < moment, moment), else_=column)


def write_fault(session: Session) -> str | None:
    """Why the database would not take a write now ('full', 'read-only', 'busy',
    'unreachable'), or None when it would (the health check)."""
    try:
        check_writable(session)
    except (sa.exc.SQLAlchemyError, sqlite3.Error, StorageFault) as exc:
        session.rollback()
        return storage_fault(exc) or "unreachable"
    return None
