"""Online backup and checked restore of a SQLite database, through SQLite's backup API."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path

from sqlalchemy.engine import URL

from ..database import sqlite_file

# Files SQLite keeps beside a database while it is in use.
COMPANIONS = ("", "-wal", "-shm", "-journal")


class BackupError(RuntimeError):
    """The backup or restore cannot be done; the message says why."""


def sqlite_path(url: URL) -> Path:
    path = sqlite_file(url)
    if path is None:
        raise BackupError(
            "backup and restore work on a SQLite file; for PostgreSQL use pg_dump and pg_restore"
        )
    return path


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


def _live_files(live: Path) -> list[Path]:
    return [Path(f"{live}{suffix}") for suffix in COMPANIONS]


def _same_file(a: Path, b: Path) -> bool:
    """The same file by resolved path, or by device and inode (hard links, bind mounts)."""
    if a.resolve() == b.resolve():
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet)
        return False


def check_destination(live: Path, destination: Path, force: bool) -> None:
    """Refuse a destination that is the live database (or a link to it or to its WAL or shared
    memory file), that is not a plain file, or that exists while `force` is not given."""
    for suffix in COMPANIONS:
        if _same_file(destination, Path(f"{live}{suffix}")):
            what = f"the live database's {suffix} file" if suffix else "the live database"
            raise BackupError(
                f"{destination} is {what}: back up to another file, such as backups/quizapp.db"
            )
    if destination.is_dir():
        raise BackupError(f"{destination} is a directory: give the name of the backup file")
    if os.path.lexists(destination):
        if not force:
            raise BackupError(f"{destination} already exists: use --force to replace it")
        if not destination.is_file() and not destination.is_symlink():
            raise BackupError(f"{destination} is not a regular file")
    if not destination.parent.is_dir():
        raise BackupError(f"{destination.parent}: no such directory")


def backup(live: Path, destination: Path, force: bool = False) -> str:
    """Copy the live database to `destination` while it is in use; returns its revision.

    The copy is written under a temporary name beside `destination`, checked, then renamed into
    place, so `destination` is either the old file or a whole checked backup, never a torn one."""
    if not live.is_file():
        raise BackupError(f"{live}: the database file does not exist")
    check_destination(live, destination, force)
    try:
        handle, name = tempfile.mkstemp(
            prefix=f".{destination.name}.", suffix=".partial", dir=destination.parent
        )
    except OSError as exc:
        raise BackupError(f"cannot write in {destination.parent}: {exc.strerror or exc}") from exc
    os.close(handle)
    partial = Path(name)
    try:
        source = sqlite3.connect(f"file:{live}?mode=ro", uri=True)
        try:
            target = sqlite3.connect(partial)
            try:
                _copy(source, target)
                # The copy inherits WAL mode; a backup is one self-contained file.
                target.execute("PRAGMA journal_mode=DELETE")
            finally:
                target.close()
        finally:
            source.close()
        revision = check_file(partial)
        os.replace(partial, destination)
    except (sqlite3.Error, OSError) as exc:
        raise BackupError(f"backup to {destination} failed: {exc}") from exc
    finally:
        for leftover in _live_files(partial):
            leftover.unlink(missing_ok=True)
    return revision


def restore(backup_file: Path, live: Path, known_revisions: set[str]) -> str:
    """Check `backup_file`, then copy it over the live database; returns its revision."""
    if any(_same_file(backup_file, live_file) for live_file in _live_files(live)):
        raise BackupError(f"{backup_file} is the live database: restore from a backup file")
    revision = check_file(backup_file)
    if revision not in known_revisions:
        raise BackupError(
            f"{backup_file}: schema revision {revision} is unknown to this version of quizapp"
        )
    try:
        source = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
        target = sqlite3.connect(live, timeout=30)
        try:
            _copy(source, target)
        finally:
            target.close()
            source.close()
    except sqlite3.Error as exc:
        raise BackupError(f"restore of {backup_file} failed: {exc}") from exc
    return revision
