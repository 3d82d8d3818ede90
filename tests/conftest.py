"""Fixtures: every test gets its own real SQLite file, copied from one migrated at session start."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from flask_migrate import upgrade

from quizapp import create_app
from quizapp.banks.loader import load_paths
from quizapp.extensions import db
from quizapp.services.importer import import_banks

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SAMPLE_BANKS = DATA / "banks"
GIFT_DIR = DATA / "gift"
QUESTIONS = ROOT / "questions"


def make_app(database: Path, **extra):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
        "QUESTIONS_DIR": str(SAMPLE_BANKS),
    }
    config.update(extra)
    return create_app(config)


def dispose(app) -> None:
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory) -> Path:
    """A database upgraded to head once per run; tests copy it rather than migrate again."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    app = make_app(path)
    with app.app_context():
        upgrade()
    dispose(app)
    return path


@pytest.fixture
def database(tmp_path, migrated_database) -> Path:
    path = tmp_path / "quizapp.db"
    shutil.copyfile(migrated_database, path)
    return path


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
