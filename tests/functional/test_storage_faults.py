"""B16: real storage faults (a read-only database, a full one, a held write lock) give a clear
503 that says nothing was saved, nothing half-written, and /healthz goes red."""

from __future__ import annotations

import io
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import make_url

from quizapp import database as database_module
from quizapp.extensions import db
from quizapp.models import AttemptItem, Upload, User
from quizapp.services.accounts import create_user
from tests.conftest import (
    POSTGRES,
    SAMPLE_BANKS,
    Auth,
    csrf_token,
    dispose,
    logged_in_copy,
    make_app,
)
from tests.functional.test_quiz import items_of, start, step_of

sqlite_only = pytest.mark.skipif(POSTGRES, reason="a SQLite file's own faults")
JSON = {"Accept": "application/json"}


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.fixture
def student(sample_app, client, auth):
    auth.register("student1")
    return auth


def test_b16_read_only_database_answers_503_keeps_the_form_and_saves_nothing(
    app, student, client, read_only
):
    """B16: a read-only database gave a generic 500 and the typed answer was gone."""
    attempt = start(student, mode="exam")
    item = next(i for i in items_of(app, attempt) if i.version.type == "short")
    step = step_of(app, attempt)
    users = count(app, User)
    read_only = read_only()
    blocked = logged_in_copy(read_only, client)
    token = csrf_token(blocked, f"/quiz/{attempt}/q/{item.position}")
    typed = "my carefully typed answer"
    fields = {"csrf_token": token, "step": str(step), "action": "next", "answer": typed}
    response = blocked.post(f"/quiz/{attempt}/q/{item.position}", data=fields)
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert "Can&#39;t save right now" in html and "NOT saved" in html
    shown = html[html.index('id="posted-values"') : html.index("</dl>")]
    assert typed in shown and token not in shown  # the answer is shown back, the token is not
    autosave = blocked.post(
        f"/quiz/{attempt}/autosave",
        data={**fields, "position": str(item.position)},
        headers=JSON,
    )
    assert autosave.status_code == 503
    assert autosave.json["ok"] is False and autosave.json["saved"] is False
    assert autosave.json["fault"] == "read-only"
    password = "a brand new phrase 7"
    anonymous = read_only.test_client()
    register = anonymous.post(
        "/register",
        data={
            "csrf_token": csrf_token(anonymous, "/register"),
            "username": "newcomer",
            "password": password,
            "confirm": password,
        },
    )
    page = register.get_data(as_text=True)
    assert register.status_code == 503 and "newcomer" in page and password not in page
    assert "NOT saved" in page
    assert read_only.test_client().get("/healthz").status_code == 503
    # Nothing was written, and the server (and the database) work as before.
    assert count(app, User) == users
    assert step_of(app, attempt) == step
    with app.app_context():
        assert db.session.get(AttemptItem, item.id).response is None
    assert client.get(f"/quiz/{attempt}/q/{item.position}").status_code == 200


def test_b16_healthz_fails_when_the_database_cannot_be_written(app, read_only):
    """B16: /healthz ran SELECT 1 and stayed 200 on a database that refused every write."""
    assert app.test_client().get("/healthz").json == {"status": "ok", "database": "ok"}
    response = read_only().test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "error", "database": "read-only"}


@sqlite_only
def test_b16_a_held_write_lock_gives_503_busy_then_recovers(
    app, student, client, database, monkeypatch
):
    """B16: "database is locked" after the busy timeout was a 500; now a 503 that says busy."""
    monkeypatch.setattr(database_module, "BUSY_TIMEOUT_MS", 300)
    attempt = start(student, mode="exam")
    item = next(i for i in items_of(app, attempt) if i.version.type == "short")
    token = csrf_token(client, f"/quiz/{attempt}/q/{item.position}")
    fields = {
        "csrf_token": token,
        "step": str(step_of(app, attempt)),
        "position": str(item.position),
        "answer": "typed while locked",
    }
    holder = sqlite3.connect(make_url(database).database, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        saved = client.post(f"/quiz/{attempt}/autosave", data=fields, headers=JSON)
        assert saved.status_code == 503 and saved.json["fault"] == "busy"
        page = client.post(f"/quiz/{attempt}/q/{item.position}", data={**fields, "action": "next"})
        assert page.status_code == 503 and "typed while locked" in page.get_data(as_text=True)
        health = client.get("/healthz")
        assert health.status_code == 503 and health.json["database"] == "busy"
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert client.post(f"/quiz/{attempt}/autosave", data=fields, headers=JSON).json["ok"]
    assert client.get("/healthz").status_code == 200


@sqlite_only
def test_b16_a_full_database_gives_503_and_stores_no_part_of_the_upload(app):
    """B16: SQLite's own "database or disk is full" (SQLITE_FULL, here from max_page_count, a
    real limit of the file) on a big write: 503, and not a byte of the upload is kept."""
    with app.app_context():
        create_user(db.session, "teacher", "marking essays all night", "instructor")
        engine = db.engine
    teacher = app.test_client()
    Auth(teacher).login("teacher", "marking essays all night")

    @event.listens_for(engine, "connect")
    def no_room_to_grow(dbapi_connection, _record):
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    engine.dispose()
    text = (SAMPLE_BANKS / "sample.yaml").read_text()
    big = text + "".join(f"# padding line {n} to make the upload big\n" for n in range(6000))
    response = teacher.post(
        "/authoring/upload",
        data={
            "csrf_token": csrf_token(teacher, "/authoring/"),
            "files": [(io.BytesIO(big.encode()), "sample.yaml")],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 503
    assert "the server&#39;s disk is full" in response.get_data(as_text=True)
    event.remove(engine, "connect", no_room_to_grow)
    engine.dispose()
    assert count(app, Upload) == 0
    with app.app_context(), db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"


@sqlite_only
def test_b16_full_disk_turns_healthz_red(tmp_path, migrated_database):
    """B16, the probe's own set-up: the database on a small tmpfs filled up by another file.
    Needs root (mount); skipped where a tmpfs cannot be mounted."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        path = mount / "db.sqlite"
        shutil.copyfile(make_url(migrated_database).database, path)
        app = make_app(path)
        try:
            client = app.test_client()
            assert client.get("/healthz").status_code == 200
            filler = Path(mount / "filler")
            with filler.open("wb", buffering=0) as handle, pytest.raises(OSError):
                while True:
                    handle.write(b"\0" * 65536)
            response = client.get("/healthz")
            assert response.status_code == 503 and response.json["database"] == "full"
            filler.unlink()
            assert client.get("/healthz").status_code == 200
        finally:
            dispose(app)
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)
