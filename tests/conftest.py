"""Fixtures: every test gets its own real database, made from one migrated at session start.

SQLite by default: a file copied from the migrated template. With QUIZAPP_DATABASE_URL set to a
PostgreSQL server (postgresql+psycopg://...), each test gets its own database on that server,
created from a migrated template database and dropped afterwards.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy.engine import make_url

from quizapp import create_app
from quizapp.banks.loader import load_paths
from quizapp.extensions import db
from quizapp.services.demo import generate
from quizapp.services.importer import import_banks

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SAMPLE_BANKS = DATA / "banks"
GIFT_DIR = DATA / "gift"
QUESTIONS = ROOT / "questions"
SERVER_URL = os.environ.get("QUIZAPP_DATABASE_URL", "")
POSTGRES = SERVER_URL.startswith("postgresql")


def database_url(database: str | Path) -> str:
    return database if "://" in str(database) else f"sqlite:///{database}"


def make_app(database: str | Path, **extra):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url(database),
        "QUESTIONS_DIR": str(SAMPLE_BANKS),
    }
    config.update(extra)
    return create_app(config)


def dispose(app) -> None:
    with app.app_context():
        db.engine.dispose()


class PostgresDatabases:
    """Databases on one PostgreSQL server, named per test run and process."""

    def __init__(self, server_url: str):
        self.server = make_url(server_url)
        self.admin = sa.create_engine(self.server, isolation_level="AUTOCOMMIT")
        self.prefix = f"quizapp_test_{os.getpid()}"
        self.counter = itertools.count()

    def url(self, name: str) -> str:
        return self.server.set(database=name).render_as_string(hide_password=False)

    def create(self, template: str | None = None) -> str:
        name = f"{self.prefix}_{next(self.counter)}"
        with self.admin.connect() as connection:
            suffix = f" TEMPLATE {template}" if template else ""
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"{suffix}')
        return name

    def drop(self, name: str) -> None:
        with self.admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres():
    if not POSTGRES:
        yield None
        return
    databases = PostgresDatabases(SERVER_URL)
    yield databases
    databases.admin.dispose()


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory, postgres) -> str:
    """A database upgraded to head once per run; tests copy it rather than migrate again."""
    if postgres is not None:
        name = postgres.create()
        url = postgres.url(name)
    else:
        url = database_url(tmp_path_factory.mktemp("template") / "template.db")
    app = make_app(url)
    with app.app_context():
        upgrade()
    dispose(app)
    yield url
    if postgres is not None:
        postgres.drop(name)


@pytest.fixture
def new_database(tmp_path, postgres):
    """Make empty (or, from a template, filled) databases for one test; returns their URLs."""
    made: list[str] = []

    def make(template: str | None = None) -> str:
        if postgres is not None:
            name = postgres.create(make_url(template).database if template else None)
            made.append(name)
            return postgres.url(name)
        path = tmp_path / f"db-{len(list(tmp_path.glob('db-*.db')))}.db"
        if template:
            shutil.copyfile(make_url(template).database, path)
        return database_url(path)

    yield make
    for name in made:
        postgres.drop(name)


@pytest.fixture
def database(new_database, migrated_database) -> str:
    return new_database(migrated_database)


@pytest.fixture
def app(database):
    app = make_app(database)
    yield app
    dispose(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def load_banks(app, *paths) -> None:
    """Import bank files the way `quizapp questions import` does."""
    result = load_paths(paths)
    assert result.ok(), [str(p) for p in result.problems]
    with app.app_context():
        import_banks(db.session, result.banks)


@pytest.fixture
def sample_app(app):
    load_banks(app, SAMPLE_BANKS)
    return app


@pytest.fixture
def editable_app(database, tmp_path):
    """The sample bank imported from a copy the app may write (its QUESTIONS_DIR)."""
    folder = tmp_path / "questions"
    folder.mkdir()
    shutil.copy(SAMPLE_BANKS / "sample.yaml", folder / "sample.yaml")
    app = make_app(database, QUESTIONS_DIR=str(folder))
    load_banks(app, folder)
    yield app, folder / "sample.yaml"
    dispose(app)


DEMO_STUDENTS = 12


@pytest.fixture
def demo_app(app):
    """The shipped banks and a dozen demo students with 40 days of history."""
    load_banks(app, QUESTIONS)
    args = ["demo", "--students", str(DEMO_STUDENTS), "--days", "40", "--seed", "7"]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    assert f"created {DEMO_STUDENTS} students" in result.output
    return app


@pytest.fixture
def demo_app_at_clock(app, clock):
    """demo_app's data with its history ending at the clock's moment, for tests that call the
    services with `now=clock.now()` (demo_app's ends at the real now, which pages read)."""
    load_banks(app, QUESTIONS)
    with app.app_context():
        report = generate(db.session, DEMO_STUDENTS, 40, 7, now=clock.now())
    assert report.students == DEMO_STUDENTS
    return app


class Clock:
    """A fixed, time-zone-aware moment; `now()` gives it as the app stores time (naive UTC)."""

    def __init__(self, moment: datetime):
        self.moment = moment

    def now(self) -> datetime:
        return self.moment.astimezone(UTC).replace(tzinfo=None)

    def advance(self, **delta) -> datetime:
        self.moment += timedelta(**delta)
        return self.now()


@pytest.fixture
def clock() -> Clock:
    """Noon on a fixed day in UTC: tests pass at any hour, in any TZ."""
    return Clock(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))


CSRF_FIELD = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def csrf_token(client, url: str = "/login") -> str:
    """The CSRF token of the client's session, read from a real form like a browser would."""
    html = client.get(url).get_data(as_text=True)
    match = CSRF_FIELD.search(html)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


class Auth:
    """Account actions through real forms (CSRF on), for tests that read like a story."""

    PASSWORD = "correct horse battery"

    def __init__(self, client):
        self.client = client

    def post(self, url: str, data: dict | None = None, **kwargs):
        data = {"csrf_token": csrf_token(self.client), **(data or {})}
        return self.client.post(url, data=data, **kwargs)

    def register(self, username: str = "student1", password: str = PASSWORD):
        return self.post(
            "/register", {"username": username, "password": password, "confirm": password}
        )

    def login(self, username: str = "student1", password: str = PASSWORD, remember=False):
        data = {"username": username, "password": password}
        if remember:
            data["remember"] = "y"
        return self.post("/login", data)

    def logout(self):
        return self.post("/logout")


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def read_only(database, postgres):
    """Makes an app on the test's database that the database itself refuses to write: a
    read-only SQLite file, a PostgreSQL database whose new sessions are read-only."""
    made = []

    def make():
        if postgres is not None:
            name = make_url(database).database
            with postgres.admin.connect() as connection:
                connection.exec_driver_sql(
                    f'ALTER DATABASE "{name}" SET default_transaction_read_only = on'
                )
            made.append(make_app(database))
        else:
            path = make_url(database).database
            made.append(make_app(f"sqlite:///file:{path}?mode=ro&uri=true"))
        return made[-1]

    yield make
    for app in made:
        dispose(app)


def logged_in_copy(app, client):
    """A client of `app` that carries `client`'s login (the same signed session cookie)."""
    copy = app.test_client()
    copy.set_cookie("session", client.get_cookie("session").value)
    return copy
