"""Redirects after login (B3), cookies and trusted proxies (B4), small requests (B1)."""

from __future__ import annotations

import io
from urllib.parse import unquote, urljoin, urlsplit

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Attempt, LoginFailure, Upload
from quizapp.services.accounts import create_user
from tests.conftest import SAMPLE_BANKS, Auth, csrf_token, dispose, make_app

HOSTILE_NEXT = [
    "//evil.com", "///evil.com", "////evil.com", "/////evil.com", "//////evil.com",
    "////evil.com/fake-login?x=1", "/\\evil.com", "\\/evil.com", "\\\\evil.com", "/\\/evil.com",
    "https://evil.com", "HTTPS://evil.com/", "http:/evil.com", "https:evil.com", "ftp://evil.com",
    "%2F%2Fevil.com", "/%2F/evil.com", "/%2f%2fevil.com", "/%5Cevil.com", "/%5c/evil.com",
    "/\t/evil.com", "/%09/evil.com", "\t//evil.com", " //evil.com", "/\n/evil.com",
    "/\r\nLocation: https://evil.com", "/%0d%0aSet-Cookie:%20x=1", "javascript:alert(1)",
    "JaVaScRiPt:alert(1)", "java\tscript:alert(1)", "data:text/html,<script>alert(1)</script>",
    "//localhost@evil.com", "http://localhost@evil.com", "／／evil.com", "\\\\\\evil.com",
    "/\x7f/evil.com", "/" + "a" * 3000,
]  # fmt: skip
# Odd but local: the browser stays on this site.
LOCAL_NEXT = ["/quiz/new", "/progress/?since=2026-01-01#top", "/@evil.com", "/。/evil.com", "/a//b"]


def login_location(app, target: str) -> str:
    client = app.test_client()
    data = {"csrf_token": csrf_token(client), "username": "alice", "password": Auth.PASSWORD}
    response = client.post("/login", query_string={"next": target}, data=data)
    assert response.status_code == 302
    return response.headers["Location"]  # as Werkzeug sends it


@pytest.fixture
def app_with(database):
    """Apps on the test's database with extra settings; their connections closed at the end."""
    made = []

    def build(**settings):
        made.append(make_app(database, **settings))
        return made[-1]

    yield build
    for app in made:
        dispose(app)


@pytest.fixture
def alice(app):
    with app.app_context():
        create_user(db.session, "alice", Auth.PASSWORD)
    return app


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_b3_next_rejects_hostile_targets(alice, target):
    """B3: after login, `next` never leads off the site, judged on the emitted Location."""
    assert login_location(alice, target) == "/"


@pytest.mark.parametrize("target", LOCAL_NEXT)
def test_b3_next_keeps_local_paths(alice, target):
    """B3: real local paths (and odd ones that stay local) are kept."""
    location = login_location(alice, target)
    assert location.startswith("/") and not unquote(location).startswith("//")
    assert urlsplit(urljoin("http://localhost/login", location)).netloc == "localhost"
    assert unquote(location) == target


def test_b3_login_form_does_not_carry_a_hostile_next(client):
    html = client.get("/login", query_string={"next": "////evil.com"}).get_data(as_text=True)
    assert 'action="/login?next=/"' in html


def cookie(response, name: str) -> str:
    return next(c for c in response.headers.getlist("Set-Cookie") if c.startswith(name + "="))


def test_b4_session_cookie_is_secure_over_https_only(app):
    """B4: the session cookie carries Secure whenever the request came over HTTPS."""
    https = app.test_client()
    assert "; Secure" in cookie(https.get("/login", base_url="https://localhost"), "session")
    plain = app.test_client()
    assert "; Secure" not in cookie(plain.get("/login"), "session")
    Auth(app.test_client()).register("alice")
    token = csrf_token(https, "https://localhost/login")
    data = {"csrf_token": token, "username": "alice", "password": Auth.PASSWORD, "remember": "y"}
    response = https.post(
        "/login",
        data=data,
        base_url="https://localhost",
        headers={"Referer": "https://localhost/login"},  # Flask-WTF checks it over HTTPS
    )
    assert response.status_code == 302
    for name in ("session", "remember_token"):
        assert "; Secure" in cookie(response, name), name


@pytest.mark.parametrize(("hops", "secure"), [(0, False), (1, True)])
def test_b4_forwarded_proto_counts_only_from_trusted_proxies(app_with, hops, secure):
    """B4: with QUIZAPP_TRUSTED_PROXIES the proxy's X-Forwarded-Proto makes cookies Secure
    (and sends HSTS); without it the header is ignored."""
    app = app_with(TRUSTED_PROXIES=hops)
    response = app.test_client().get("/login", headers={"X-Forwarded-Proto": "https"})
    assert ("; Secure" in cookie(response, "session")) is secure
    assert ("Strict-Transport-Security" in response.headers) is secure


@pytest.mark.parametrize(
    ("hops", "forwarded", "counted_as"),
    [
        (0, "203.0.113.9", "127.0.0.1"),  # no proxy trusted: a client cannot pick its address
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "192.0.2.66, 203.0.113.9", "203.0.113.9"),  # what the client put first is ignored
        (2, "192.0.2.66, 203.0.113.9", "192.0.2.66"),
    ],
)
def test_b6_forwarded_for_counts_only_from_trusted_proxies(app_with, hops, forwarded, counted_as):
    """B6/B4: failures are counted under the address the trusted proxies report."""
    app = app_with(TRUSTED_PROXIES=hops)
    client = app.test_client()
    headers = {"X-Forwarded-For": forwarded}
    token = csrf_token(client)
    data = {"csrf_token": token, "username": "nobody", "password": "a wrong password"}
    assert client.post("/login", data=data, headers=headers).status_code == 422
    with app.app_context():
        assert db.session.scalars(sa.select(LoginFailure.address)).all() == [counted_as]


def test_trusted_proxies_come_from_the_environment(app_with, monkeypatch):
    monkeypatch.setenv("QUIZAPP_TRUSTED_PROXIES", "2")
    assert app_with().config["TRUSTED_PROXIES"] == 2
    monkeypatch.setenv("QUIZAPP_TRUSTED_PROXIES", "two")
    with pytest.raises(ValueError, match="QUIZAPP_TRUSTED_PROXIES must be a whole number"):
        app_with()
    monkeypatch.setenv("QUIZAPP_TRUSTED_PROXIES", "0")
    monkeypatch.setenv("QUIZAPP_REGISTRATIONS_PER_ADDRESS", "300")
    assert app_with().config["REGISTRATIONS_PER_ADDRESS"] == 300
    monkeypatch.setenv("QUIZAPP_LOGIN_FAILURES_PER_ACCOUNT", "0")
    with pytest.raises(ValueError, match="at least 1"):
        app_with()


def test_b1_requests_outside_uploads_are_small(sample_app, client):
    """B1: a large body outside the upload route is refused with 413 and the error page
    before anything reads it; nothing is stored."""
    auth = Auth(client)
    auth.register("alice")
    token = csrf_token(client, "/quiz/new")
    big = {"csrf_token": token, "count": "5", "mode": "practice", "pad": "x" * 300_000}
    response = client.post("/quiz/new", data=big)
    assert response.status_code == 413
    assert "That request is too large." in response.get_data(as_text=True)
    # One text field over 64 KB in a multipart form is refused too, though the body is small.
    field = {"csrf_token": token, "count": "5", "mode": "practice", "pad": "x" * 70_000}
    assert (
        client.post("/quiz/new", data=field, content_type="multipart/form-data").status_code == 413
    )
    auth.logout()
    login = {"csrf_token": csrf_token(client), "username": "alice", "password": "x" * 300_000}
    assert client.post("/login", data=login).status_code == 413
    with sample_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attempt)) == 0
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(LoginFailure)
                .where(LoginFailure.kind == "login")
            )
            == 0
        )


def test_b1_upload_route_keeps_its_larger_limit(app):
    """B1: bank uploads may still be large (up to the per-file limit)."""
    with app.app_context():
        create_user(db.session, "teacher", "marking essays all night", "instructor")
    client = app.test_client()
    Auth(client).login("teacher", "marking essays all night")
    sample = (SAMPLE_BANKS / "sample.yaml").read_text()
    # Over the 256 KB of other requests (and under 500 KB, where Werkzeug spools to disk).
    padded = sample + "\n" + "# a long comment line to pad the file\n" * 8_000
    data = {
        "csrf_token": csrf_token(client, "/authoring/"),
        "files": [(io.BytesIO(padded.encode()), "sample.yaml")],
    }
    response = client.post("/authoring/upload", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Upload)) == 1
