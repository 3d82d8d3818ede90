"""Online backup and checked restore of a SQLite database, through SQLite's backup API."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy.engine import URL


class BackupError(RuntimeError):
    """The backup or restore cannot be done; the message says why."""


def sqlite_path(url: URL) -> Path:
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise BackupError(
            "backup and restore work on a SQLite file; for PostgreSQL use pg_dump and pg_restore"
        )
    return Path(url.database)


def check_file(path: Path) -> str:
    """Integrity-check a database file; returns its schema revision."""
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = connection.execute("PRAGMA integrity_check").fetchone()[0]
            if result != "ok":
                raise BackupError(f"{path}: integrity check failed: {result}")
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path}: not a quizapp database ({exc})") from exc
    if row is None:
        raise BackupError(f"{path}: has no schema revision")
    return row[0]


def _copy(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    # Small steps let writers in between; the copy is still one consistent snapshot.
    source.backup(target, pages=256)


def backup(live: Path, destination: Path) -> str:
    """Copy the live database to `destination` while it is in use; returns its revision."""
    destination = destination.resolve()
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(live)
    target = sqlite3.connect(partial)
    try:
        _copy(source, target)
    finally:
        target.close()
        source.close()
    revision = check_file(partial)
    os.replace(partial, destination)
    return revision


def restore(backup_file: Path, live: Path, known_revisions: set[str]) -> str:
    """Check `backup_file`, then copy it over the live database; returns its revision."""
    revision = check_file(backup_file)
    if revision not in known_revisions:
        raise BackupError(
            f"{backup_file}: schema revision {revision} is unknown to this version of quizapp"
        )
    source = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
    target = sqlite3.connect(live, timeout=30)
    try:
        _copy(source, target)
    finally:
        target.close()
        source.close()
    return revision
