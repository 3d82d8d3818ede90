"""`quizapp db backup`: never onto the live database, never over a file unasked, no leftovers."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from quizapp.extensions import db
from quizapp.models import Bank
from tests.conftest import POSTGRES, ROOT

pytestmark = pytest.mark.skipif(POSTGRES, reason="SQLite's backup API")
QUIZAPP = Path(sys.executable).parent / "quizapp"


@pytest.fixture
def live(app, database) -> Path:
    """The test's live database file, with one row and its WAL open (as under a server)."""
    with app.app_context():
        db.session.add(Bank(slug="kept", title="Kept", position=0))
        db.session.commit()
    return Path(make_url(database).database)


def backup(database: str, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """The real command in its own process, as an administrator runs it."""
    env = {**os.environ, "QUIZAPP_DATABASE_URL": database, "QUIZAPP_SECRET_KEY": "x" * 32}
    return subprocess.run(
        [str(QUIZAPP), "db", "backup", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def banks_in(path: Path) -> list[str]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [row[0] for row in connection.execute("SELECT slug FROM bank ORDER BY id")]
    finally:
        connection.close()


def assert_one_line_error(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    for word in words:
        assert word in lines[0]


def test_b2_backup_refuses_the_live_database_its_wal_shm_and_links_to_them(
    app, live, database, tmp_path
):
    """B2: a backup onto the live file (or its -wal/-shm, or a link to any) replaced the inode
    the server was using and lost later writes; now each is refused and the file is untouched."""
    inode = live.stat().st_ino
    (tmp_path / "soft.db").symlink_to(live)
    (tmp_path / "soft-wal.db").symlink_to(f"{live}-wal")
    os.link(live, tmp_path / "hard.db")
    (tmp_path / "sub").mkdir()
    for target, cwd, force in (
        (str(live), ROOT, ()),
        (str(live), ROOT, ("--force",)),
        (f"../{live.name}", tmp_path / "sub", ()),
        (f"{live}-wal", ROOT, ("--force",)),
        (f"{live}-shm", ROOT, ("--force",)),
        ("soft.db", tmp_path, ("--force",)),
        ("soft-wal.db", tmp_path, ("--force",)),
        ("hard.db", tmp_path, ("--force",)),
    ):
        assert_one_line_error(backup(database, target, *force, cwd=cwd), "live database")
    assert live.stat().st_ino == inode
    with app.app_context():
        db.session.add(Bank(slug="after", title="After", position=1))
        db.session.commit()
    assert banks_in(live) == ["kept", "after"]


def test_b2_backup_refuses_an_existing_file_unless_forced(live, database, tmp_path):
    """B2: an existing destination is kept unless --force says to replace it."""
    old = tmp_path / "old.db"
    old.write_bytes(b"yesterday's backup")
    assert_one_line_error(backup(database, str(old)), "already exists", "--force")
    assert old.read_bytes() == b"yesterday's backup"
    forced = backup(database, str(old), "--force")
    assert forced.returncode == 0, forced.stderr
    assert banks_in(old) == ["kept"]


def test_b17_backup_is_one_file_with_no_partial_leftovers(live, database, tmp_path):
    """B17: every backup left <name>.partial-wal and .partial-shm beside it."""
    folder = tmp_path / "backups"
    folder.mkdir()
    result = backup(database, str(folder / "copy.db"))
    assert result.returncode == 0, result.stderr
    assert "integrity ok" in result.stdout
    assert sorted(os.listdir(folder)) == ["copy.db"]
    copy = sqlite3.connect(folder / "copy.db")
    try:
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        copy.close()
    assert sorted(os.listdir(folder)) == ["copy.db"]


def test_b17_bad_destinations_are_one_line_of_error_and_leave_nothing(live, database, tmp_path):
    """B17: an unwritable destination printed a sqlite3 traceback."""
    (tmp_path / "a-folder").mkdir()
    for target, words in (
        ("/proc/x.db", ("/proc",)),
        (str(tmp_path / "missing" / "x.db"), ("no such directory",)),
        (str(tmp_path / "a-folder"), ("directory",)),
    ):
        assert_one_line_error(backup(database, target), *words)
    assert sorted(os.listdir(tmp_path / "a-folder")) == []
    assert not (tmp_path / "missing").exists()


def test_b2_restore_refuses_the_live_database_as_its_source(runner, live):
    """B2 (the other direction): `db restore <live db>` is refused, not copied onto itself."""
    result = runner.invoke(args=["db", "restore", "--yes", str(live)])
    assert result.exit_code != 0 and "is the live database" in result.output
    assert isinstance(result.exception, SystemExit)


def test_backup_of_an_idle_database_reads_it_without_changing_it(app, live, database, tmp_path):
    """The copy is taken through a read-only connection: the live file's bytes stay the same."""
    with app.app_context():
        db.engine.dispose()  # no connection left: WAL checkpointed and removed
    before = live.read_bytes()
    result = backup(database, str(tmp_path / "idle.db"))
    assert result.returncode == 0, result.stderr
    assert live.read_bytes() == before
    assert banks_in(tmp_path / "idle.db") == ["kept"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Bank)) == 1
