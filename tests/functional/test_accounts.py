"""Accounts: registration rules, login, throttling, sessions that really end, roles."""

from __future__ import annotations

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import LoginFailure, User
from tests.conftest import Auth, csrf_token


def test_register_logs_in_and_hashes_with_argon2id(client, auth, app):
    response = auth.register("ada")
    assert response.status_code == 302
    assert "ada" in client.get("/").get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "ada"))
        assert user.role == "student"
        assert user.password_hash.startswith("$argon2id$")


def test_register_refuses_bad_input_with_messages(client, auth):
    cases = [
        ({"username": "ab"}, "3 to 40 characters"),
        ({"password": "short", "confirm": "short"}, "at least 8 characters"),
        ({"password": "password123", "confirm": "password123"}, "most common"),
        ({"confirm": "something else"}, "The passwords differ"),
        ({"username": "bad name!"}, "letters, digits"),
    ]
    for change, message in cases:
        data = {"username": "grace", "password": Auth.PASSWORD, "confirm": Auth.PASSWORD}
        response = auth.post("/register", {**data, **change})
        assert response.status_code == 422, change
        assert message in response.get_data(as_text=True), change


def test_long_passphrases_are_fine(auth):
    phrase = "a long passphrase with spaces " * 2  # 60 characters, no composition rules
    assert auth.register("longpass", phrase.strip()).status_code == 302


def test_username_is_unique_case_insensitively(client, auth):
    auth.register("Ada")
    auth.logout()
    response = auth.register("ADA")
    assert response.status_code == 422
    assert "taken" in response.get_data(as_text=True)


def test_login_wrong_password_and_next_redirect(client, auth):
    auth.register()
    auth.logout()
    bad = auth.login(password="wrong password here")
    assert bad.status_code == 422
    assert "Wrong username or password" in bad.get_data(as_text=True)
    token = csrf_token(client)
    data = {"csrf_token": token, "username": "student1", "password": Auth.PASSWORD}
    ok = client.post("/login?next=/quiz/new", data=data)
    assert ok.headers["Location"] == "/quiz/new"


def test_next_only_redirects_to_local_paths(client, auth):
    auth.register()
    auth.logout()
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x"):
        token = csrf_token(client)
        data = {"csrf_token": token, "username": "student1", "password": Auth.PASSWORD}
        response = client.post("/login", query_string={"next": target}, data=data)
        assert response.headers["Location"] == "/", target
        auth.logout()


def test_failed_logins_are_throttled_per_account_in_the_database(client, auth, app):
    auth.register()
    auth.logout()
    for _ in range(5):
        assert "Wrong username" in auth.login(password="not the password").get_data(as_text=True)
    response = auth.login()  # even the right password waits now
    assert "Too many failed logins" in response.get_data(as_text=True)
    with app.app_context():
        failures = sa.select(sa.func.count()).where(LoginFailure.kind == "login")
        assert db.session.scalar(failures) == 5
    # Another process (a second app on the same database) sees the same failures.
    other = app.test_client()
    assert "Too many failed logins" in Auth(other).login().get_data(as_text=True)


def test_logout_ends_copied_sessions_too(app, client, auth):
    auth.register()
    copied = app.test_client()
    cookie = client.get_cookie("session")
    copied.set_cookie("session", cookie.value)
    assert copied.get("/quiz/new").status_code == 200
    auth.logout()
    assert copied.get("/quiz/new").status_code == 302  # back to the login page


def test_remember_cookie_flags_and_revocation(app, client, auth):
    auth.register()
    auth.logout()
    response = auth.login(remember=True)
    cookies = response.headers.getlist("Set-Cookie")
    remember = next(c for c in cookies if c.startswith("remember_token="))
    assert "HttpOnly" in remember and "SameSite=Lax" in remember
    # Over HTTPS the cookie is also Secure.
    https = app.test_client()
    Auth(https).register("secure1")
    Auth(https).logout()
    token = csrf_token(https)
    data = {"csrf_token": token, "username": "secure1", "password": Auth.PASSWORD, "remember": "y"}
    secure = https.post(
        "/login",
        data=data,
        base_url="https://localhost",
        headers={"Referer": "https://localhost/login"},  # CSRF checks it over HTTPS
    )
    assert any(
        c.startswith("remember_token=") and "Secure" in c
        for c in secure.headers.getlist("Set-Cookie")
    )
    # A copied remember-me cookie stops working after logout.
    stolen = app.test_client()
    stolen.set_cookie("remember_token", client.get_cookie("remember_token").value)
    assert stolen.get("/quiz/new").status_code == 200
    auth.logout()
    thief = app.test_client()
    thief.set_cookie("remember_token", stolen.get_cookie("remember_token").value)
    assert thief.get("/quiz/new").status_code == 302


def test_password_change_ends_other_sessions(app, client, auth):
    auth.register()
    other = app.test_client()
    Auth(other).login()
    new = "a different passphrase"
    response = auth.post(
        "/account/password", {"current": Auth.PASSWORD, "password": new, "confirm": new}
    )
    assert response.status_code == 302
    assert client.get("/quiz/new").status_code == 200  # this session continues
    assert other.get("/quiz/new").status_code == 302  # the other one ended
    wrong = auth.post("/account/password", {"current": "nope", "password": new, "confirm": new})
    assert wrong.status_code == 422


def test_every_post_needs_a_csrf_token(client, auth):
    auth.register()
    for url in ("/logout", "/quiz/new", "/quiz/retry", "/quiz/quick/sample-bank", "/register"):
        response = client.post(url, data={"username": "x"})
        assert response.status_code == 400, url
        assert "form expired" in response.get_data(as_text=True)


def test_users_cli_creates_and_sets_roles(app, runner):
    result = runner.invoke(
        args=["users", "create", "teacher", "--role", "instructor"],
        input="marking essays all night\n",
    )
    assert result.exit_code == 0, result.output
    assert "created instructor 'teacher'" in result.output
    weak = runner.invoke(args=["users", "create", "weak"], input="short\n")
    assert weak.exit_code != 0 and "at least 8" in weak.output
    assert runner.invoke(args=["users", "set-role", "teacher", "admin"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(sa.select(User.role).where(User.username == "teacher")) == "admin"
    missing = runner.invoke(args=["users", "set-role", "nobody", "admin"])
    assert missing.exit_code != 0 and "No user named" in missing.output


def test_an_admin_sets_a_forgotten_password_from_the_command_line(app, client, auth, runner):
    """No email, so no self-service reset: `quizapp users set-password NAME` gives a student
    who forgot theirs a new one, ends their sessions and lifts their login limits."""
    auth.register()
    assert client.get("/quiz/new").status_code == 200
    new = "a fresh start at last"
    result = runner.invoke(args=["users", "set-password", "Student1"], input=f"{new}\n")
    assert result.exit_code == 0, result.output
    assert "new password set for 'student1'" in result.output
    assert client.get("/quiz/new").status_code == 302  # the old session ended
    assert auth.login(password=Auth.PASSWORD).status_code == 422
    assert auth.login(password=new).status_code == 302
    weak = runner.invoke(args=["users", "set-password", "student1"], input="short\n")
    assert weak.exit_code != 0 and "at least 8" in weak.output
    missing = runner.invoke(args=["users", "set-password", "nobody"], input=f"{new}\n")
    assert missing.exit_code != 0 and "No user named 'nobody'" in missing.output
