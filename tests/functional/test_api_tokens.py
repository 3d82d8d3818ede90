"""Personal access tokens: made on the account page or by `quizapp tokens`, shown once and kept
as a digest, scoped, revocable, limited like logins when refused, and the only thing the API
accepts: the pages' session cookie is not, so CSRF does not apply to the API (and only there)."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import ApiToken, LoginFailure, User
from quizapp.services import tokens
from tests.api_client import ApiClient, make_token
from tests.conftest import SAMPLE_BANKS, Auth, csrf_token, dispose, load_banks, make_app
from tests.factories import STAFF_PASSWORD, make_user

SCHOOL = "198.51.100.7"  # a documentation address, only ever put in the WSGI environ
TOKEN = re.compile(r'id="token-value" type="text" readonly\s+value="(qzp_[A-Za-z0-9_-]+)"')


def rows(app) -> list[ApiToken]:
    with app.app_context():
        return list(db.session.scalars(sa.select(ApiToken).order_by(ApiToken.id)))


@pytest.fixture
def student(app, client):
    make_user(app, "student1")
    Auth(client).login()
    return client


def create_on_page(client, name="phone", scopes=("read", "study")):
    data = {"csrf_token": csrf_token(client, "/account/tokens"), "name": name,
            "scopes": list(scopes)}  # fmt: skip
    return client.post("/account/tokens", data=data)


def test_a_token_is_shown_once_and_kept_only_as_its_digest(app, student):
    page = create_on_page(student)
    assert page.status_code == 200
    secret = TOKEN.search(page.get_data(as_text=True)).group(1)
    (row,) = rows(app)
    assert row.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert row.scopes == "read study" and row.name == "phone" and row.hint == secret[:8]
    with app.app_context():  # the token itself is stored nowhere
        dumped = [str(tuple(r)) for r in db.session.execute(sa.select(ApiToken.__table__))]
    assert not any(secret in line for line in dumped)
    listing = student.get("/account/tokens").get_data(as_text=True)
    assert "phone" in listing and secret not in listing and f"{secret[:8]}…" in listing
    assert ApiClient(app, secret).get("/me").get_json()["scopes"] == ["read", "study"]


def test_page_refuses_bad_tokens_and_the_author_scope_for_students(app, student):
    assert create_on_page(student, name="").status_code == 422
    assert create_on_page(student, scopes=()).status_code == 422
    refused = create_on_page(student, scopes=("author",))
    assert refused.status_code == 422 and rows(app) == []  # not even offered to a student
    posted = student.post("/account/tokens", data={"name": "x", "scopes": ["read"]})
    assert posted.status_code == 400 and rows(app) == []  # the page keeps its CSRF check


def test_revoking_a_token_refuses_it_from_then_on(app, student):
    secret = TOKEN.search(create_on_page(student).get_data(as_text=True)).group(1)
    program = ApiClient(app, secret)
    assert program.get("/progress").status_code == 200
    (row,) = rows(app)
    token = csrf_token(student, "/account/tokens")
    revoked = student.post(f"/account/tokens/{row.id}/revoke", data={"csrf_token": token})
    assert revoked.status_code == 302
    answer = program.get("/progress")
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"] == 'Bearer realm="quizapp", error="invalid_token"'
    assert answer.get_json()["type"] == "/api/problems/unauthenticated"
    assert "revoked" in student.get("/account/tokens").get_data(as_text=True)


def test_nobody_revokes_another_users_token(app, student):
    other = make_user(app, "someone-else")
    secret = make_token(app, other)
    (row,) = rows(app)
    token = csrf_token(student, "/account/tokens")
    assert (
        student.post(f"/account/tokens/{row.id}/revoke", data={"csrf_token": token}).status_code
        == 404
    )
    assert ApiClient(app, secret).get("/me").status_code == 200


def test_the_session_cookie_never_authenticates_the_api(app, student):
    """Logged in on the pages, the same browser (cookie and all) gets nothing from the API;
    the API needs no CSRF token because no cookie authenticates it."""
    load_banks(app, SAMPLE_BANKS)
    assert student.get("/progress/").status_code == 200  # the cookie works on the pages
    for answer in (
        student.get("/api/v1/progress"),
        student.get("/api/v1/attempts"),
        student.post("/api/v1/quizzes", json={"count": 2}),
    ):
        assert answer.status_code == 401
        assert answer.mimetype == "application/problem+json"
        assert "Set-Cookie" not in answer.headers
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "student1"))
    program = ApiClient(app, make_token(app, user))
    started = program.post("/quizzes", json={"count": 2})  # no CSRF token, no cookie
    assert started.status_code == 201 and started.headers["Location"].startswith("/api/v1/")
    # CSRF is lifted for the API only: the page that starts a quiz still refuses a bare post.
    assert student.post("/quiz/new", data={"count": "2", "mode": "practice"}).status_code == 400


def test_missing_or_malformed_authorization_is_401_with_a_challenge(app):
    anonymous = ApiClient(app)
    for headers in ({}, {"Authorization": "Basic abc"}, {"Authorization": "Bearer "},
                    {"Authorization": "Bearer not-a-token"}):  # fmt: skip
        answer = anonymous.get("/me", headers=headers)
        assert answer.status_code == 401
        assert answer.headers["WWW-Authenticate"].startswith('Bearer realm="quizapp"')
        assert answer.headers["Cache-Control"] == "no-store"


def test_scopes_are_enforced(app):
    load_banks(app, SAMPLE_BANKS)
    student = make_user(app, "reader")
    reader = ApiClient(app, make_token(app, student, "read"))
    studier = ApiClient(app, make_token(app, student, "study"))
    assert reader.get("/progress").status_code == 200
    assert reader.get("/banks").status_code == 200
    denied = reader.post("/quizzes", json={"count": 1})
    assert denied.status_code == 403 and denied.get_json()["type"] == "/api/problems/scope"
    assert 'error="insufficient_scope"' in denied.headers["WWW-Authenticate"]
    assert studier.get("/progress").status_code == 403
    assert studier.post("/quizzes", json={"count": 1}).status_code == 201
    assert reader.get("/teaching").status_code == 403  # author: instructors only
    assert reader.post("/banks/check", json={"files": []}).status_code == 403


def test_the_author_scope_needs_an_instructor_then_and_now(app):
    student = make_user(app, "learner")
    with app.app_context(), pytest.raises(tokens.TokenError, match="instructors"):
        tokens.create_token(db.session, db.session.get(User, student.id), "ci", ["author"])
    teacher = make_user(app, "teacher", "instructor", STAFF_PASSWORD)
    program = ApiClient(app, make_token(app, teacher, "author"))
    assert program.get("/teaching").status_code == 200
    runner = app.test_cli_runner()
    assert runner.invoke(args=["users", "set-role", "teacher", "student"]).exit_code == 0
    assert program.get("/teaching").status_code == 403  # no longer an instructor


def test_refused_tokens_are_slowed_per_address_like_failed_logins(database):
    """Past the per-address allowance, each further refused token waits longer (429 with
    Retry-After); a right token from the same address is never slowed."""
    app = make_app(database, LOGIN_FAILURES_PER_ADDRESS=3)
    user = make_user(app, "scripter")
    good = ApiClient(app, make_token(app, user))
    bad = ApiClient(app, "qzp_" + "x" * 43)
    for program in (good, bad):
        program.client.environ_base["REMOTE_ADDR"] = SCHOOL
    statuses = [bad.get("/me").status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 429, 429]  # three refused, then a wait
    throttled = bad.get("/me")
    assert throttled.status_code == 429 and int(throttled.headers["Retry-After"]) >= 1
    assert throttled.get_json()["type"] == "/api/problems/throttled"
    assert good.get("/me").status_code == 200
    elsewhere = ApiClient(app, "qzp_" + "y" * 43)
    elsewhere.client.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    assert elsewhere.get("/me").status_code == 401  # another address is not slowed
    with app.app_context():
        kinds = db.session.scalars(sa.select(LoginFailure.kind)).all()
    assert set(kinds) == {"token"} and len(kinds) == 4  # the waits were not counted
    dispose(app)


def test_last_use_is_written_at_most_once_a_minute(app):
    user = make_user(app, "busy")
    program = ApiClient(app, make_token(app, user))
    (row,) = rows(app)
    assert row.last_used_at is None
    assert program.get("/me").status_code == 200
    first = rows(app)[0].last_used_at
    assert first is not None
    assert program.get("/me").status_code == 200
    assert rows(app)[0].last_used_at == first  # within the minute: not written again
    with app.app_context():
        token = db.session.get(ApiToken, row.id)
        assert not tokens.record_use(db.session, token, first + timedelta(seconds=59))
        assert tokens.record_use(db.session, token, first + timedelta(seconds=61))


def test_reads_go_on_when_the_database_is_read_only(app, read_only):
    """The last-use note is skipped, not fatal: a read-only database still serves reads."""
    load_banks(app, SAMPLE_BANKS)
    user = make_user(app, "reader")
    secret = make_token(app, user)
    blocked = ApiClient(read_only(), secret)
    assert blocked.get("/banks").status_code == 200
    refused = blocked.post("/quizzes", json={"count": 1})
    assert refused.status_code == 503 and refused.headers["Retry-After"]
    assert refused.get_json()["type"] == "/api/problems/storage"


def test_tokens_command_creates_lists_and_revokes(app):
    make_user(app, "ci-owner", "instructor", STAFF_PASSWORD)
    runner = app.test_cli_runner()
    made = runner.invoke(
        args=["tokens", "create", "--user", "ci-owner", "--scope", "author", "--name", "CI"]
    )
    assert made.exit_code == 0, made.output
    secret = made.stdout.strip()
    assert secret.startswith("qzp_") and "\n" not in secret
    assert ApiClient(app, secret).get("/me").get_json()["token_name"] == "CI"
    listed = runner.invoke(args=["tokens", "list"])
    (row,) = rows(app)
    assert f"{row.id}\tci-owner\tauthor\tCI\t{secret[:8]}..." in listed.output
    assert secret not in listed.output
    assert runner.invoke(args=["tokens", "revoke", str(row.id)]).exit_code == 0
    assert ApiClient(app, secret).get("/me").status_code == 401
    assert "revoked" in runner.invoke(args=["tokens", "list"]).output


def test_tokens_command_refuses_what_it_cannot_do(app):
    make_user(app, "pupil")
    runner = app.test_cli_runner()
    nobody = runner.invoke(args=["tokens", "create", "--user", "ghost", "--scope", "read"])
    assert nobody.exit_code != 0 and "no user 'ghost'" in nobody.output
    student = runner.invoke(args=["tokens", "create", "--user", "pupil", "--scope", "author"])
    assert student.exit_code != 0 and "instructors" in student.output
    unknown = runner.invoke(args=["tokens", "create", "--user", "pupil", "--scope", "admin"])
    assert unknown.exit_code != 0
    assert runner.invoke(args=["tokens", "revoke", "999"]).exit_code != 0
    assert rows(app) == []
