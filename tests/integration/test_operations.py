"""Running for real: gunicorn via `quizapp serve`, online backups, restore, security headers."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa

from quizapp.cli import SERVE_TIMEOUT
from quizapp.extensions import db
from quizapp.models import Bank
from tests.conftest import POSTGRES, ROOT

QUIZAPP = Path(sys.executable).parent / "quizapp"
sqlite_only = pytest.mark.skipif(POSTGRES, reason="SQLite's backup API")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_runs_gunicorn_workers(tmp_path, database):
    """`quizapp serve` runs gunicorn; its workers get SERVE_TIMEOUT (B18: gunicorn's default 30 s
    killed the worker importing a 2 MB upload)."""
    port = free_port()
    env = {**os.environ, "QUIZAPP_DATABASE_URL": database, "QUIZAPP_SECRET_KEY": "x" * 32}
    process = subprocess.Popen(
        [str(QUIZAPP), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    assert r.status == 200
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.2)
        # `serve` exec()s gunicorn in its own process: read the master's arguments.
        argv = Path(f"/proc/{process.pid}/cmdline").read_bytes().decode().split("\0")
        assert argv[argv.index("--timeout") + 1] == str(SERVE_TIMEOUT) and SERVE_TIMEOUT >= 120
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert "with 2 sync worker(s)" in output
    assert output.count("Booting worker") == 2


def test_security_headers(client, app):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers
    secure = client.get("/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


@sqlite_only
def test_backup_while_writes_run_and_restore(app, runner, database, tmp_path):
    with app.app_context():
        db.session.add(Bank(slug="counter", title="Counter", position=0))
        db.session.commit()
    writer = textwrap.dedent(
        """
        import sys
        import sqlalchemy as sa
        from quizapp.database import write_transaction
        from quizapp.extensions import db
        from quizapp.models import Bank
        from tests.conftest import make_app

        from pathlib import Path

        app = make_app(sys.argv[1])
        stop = Path(sys.argv[2])
        with app.app_context():
            for _ in range(100_000):  # bounded; normally stopped by the test much sooner
                if stop.exists():
                    break
                with write_transaction(db.session) as session:
                    bank = session.scalar(sa.select(Bank).where(Bank.slug == "counter"))
                    bank.position += 1
        """
    )
    stop = tmp_path / "stop-writing"
    process = subprocess.Popen([sys.executable, "-c", writer, database, str(stop)], cwd=ROOT)
    target = tmp_path / "backup.db"
    try:
        time.sleep(0.5)
        result = runner.invoke(args=["db", "backup", str(target)])
        still_writing = process.poll() is None
    finally:
        stop.touch()
        process.wait(timeout=300)
    assert still_writing, "the backup should have run while the writer was busy"
    assert result.exit_code == 0, result.output
    assert "integrity ok" in result.output
    copy = sqlite3.connect(target)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        position = copy.execute("SELECT position FROM bank WHERE slug = 'counter'").fetchone()[0]
    finally:
        copy.close()
    assert position >= 0  # a consistent snapshot from the middle of the run

    with app.app_context():
        db.session.execute(sa.delete(Bank).where(Bank.slug == "counter"))
        db.session.commit()
    restored = runner.invoke(args=["db", "restore", "--yes", str(target)])
    assert restored.exit_code == 0, restored.output
    with app.app_context():
        assert db.session.scalar(sa.select(Bank.position).where(Bank.slug == "counter")) == position


@sqlite_only
def test_restore_refuses_a_damaged_or_foreign_file(runner, tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database" * 100)
    result = runner.invoke(args=["db", "restore", "--yes", str(junk)])
    assert result.exit_code != 0 and "not a quizapp database" in result.output
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    result = runner.invoke(args=["db", "restore", "--yes", str(empty)])
    assert result.exit_code != 0 and "not a quizapp database" in result.output


@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL only")
def test_backup_on_postgres_points_to_pg_dump(runner):
    result = runner.invoke(args=["db", "backup", "/tmp/x.db"])
    assert result.exit_code != 0 and "pg_dump" in result.output


def test_threads_share_nothing_in_memory(app):
    """Two app instances on one database see each other's writes at once (no process cache)."""
    from tests.conftest import dispose, make_app

    other = make_app(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        results = []

        def write():
            with app.app_context():
                db.session.add(Bank(slug="shared", title="Shared"))
                db.session.commit()

        thread = threading.Thread(target=write)
        thread.start()
        thread.join()
        with other.app_context():
            results.append(db.session.scalar(sa.select(Bank.title).where(Bank.slug == "shared")))
        assert results == ["Shared"]
    finally:
        dispose(other)
