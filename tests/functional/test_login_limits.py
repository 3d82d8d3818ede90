"""Login, password-change and registration limits (B5, B6, B23, B24), through real HTTP."""

from __future__ import annotations

import re
import threading
import time
from datetime import timedelta

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import LoginFailure, utcnow
from tests.conftest import Auth, csrf_token

SCHOOL_NAT = "198.51.100.10"  # documentation addresses, only ever put in the WSGI environ
HOME = "203.0.113.20"
WRONG, THROTTLED = "Wrong username or password", "Too many failed logins"


def client_at(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def login_text(app, address: str, username: str, password: str = Auth.PASSWORD) -> str:
    response = Auth(client_at(app, address)).login(username, password)
    return "LOGGED IN" if response.status_code == 302 else response.get_data(as_text=True)


def failures(app, **where) -> list[LoginFailure]:
    with app.app_context():
        query = sa.select(LoginFailure).filter_by(kind="login", **where)
        return list(db.session.scalars(query))


def age_failures(app, seconds: float) -> None:
    """Move every recorded attempt back in time (instead of sleeping in the test)."""
    with app.app_context():
        for row in db.session.scalars(sa.select(LoginFailure)):
            row.at -= timedelta(seconds=seconds)  # in Python: SQLite has no interval arithmetic
        db.session.commit()


def register(app, username: str, address: str = HOME) -> None:
    auth = Auth(client_at(app, address))
    assert auth.register(username).status_code == 302
    auth.logout()


def test_b5_parallel_wrong_guesses_check_at_most_the_limit(app):
    """B5: 40 wrong guesses released at once through a barrier: at most 5 are checked."""
    register(app, "alice")
    clients = [client_at(app, SCHOOL_NAT) for _ in range(40)]
    tokens = [csrf_token(c) for c in clients]
    barrier = threading.Barrier(len(clients))
    results: list[str] = []

    def guess(client, token):
        data = {"csrf_token": token, "username": "alice", "password": "not her password"}
        barrier.wait()
        results.append(client.post("/login", data=data).get_data(as_text=True))

    threads = [
        threading.Thread(target=guess, args=pair) for pair in zip(clients, tokens, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 40
    assert sum(WRONG in r for r in results) == 5
    assert sum(THROTTLED in r for r in results) == 35
    assert len(failures(app, username="alice")) == 5
    # The right password from an address with no failures on alice still gets through.
    assert login_text(app, HOME, "alice") == "LOGGED IN"
    assert THROTTLED in login_text(app, SCHOOL_NAT, "alice")


def test_b6_one_student_behind_a_nat_does_not_lock_out_the_class(app):
    """B6: failures from one address on many accounts slow that address down with growing
    delays; a classmate's right password (no failures on that account) is never refused."""
    app.config["LOGIN_FAILURES_PER_ADDRESS"] = 4
    for name in ("victim", "typist"):
        register(app, name)
    assert WRONG in login_text(app, SCHOOL_NAT, "typist", "a typing mistake")
    for n in range(8):  # someone at the school tries names and passwords
        assert WRONG in login_text(app, SCHOOL_NAT, f"guess{n}", "whatever it is")
    # A classmate with the right password, from the same address: straight in.
    assert login_text(app, SCHOOL_NAT, "victim") == "LOGGED IN"
    # The student who already mistyped on this address waits seconds, not 15 minutes ...
    slowed = login_text(app, SCHOOL_NAT, "typist")
    assert THROTTLED in slowed and "seconds." in slowed
    # ... and once the delay has passed, gets in.
    age_failures(app, 61)
    assert login_text(app, SCHOOL_NAT, "typist") == "LOGGED IN"
    # Each further failure on an account this address already failed on doubles the wait
    # (1 s at 4 failures, 2 s at 5 ... 32 s at 9), up to the 60 s cap.
    for delay in (32, 60, 60):
        assert WRONG in login_text(app, SCHOOL_NAT, "guess0", "again")
        age_failures(app, delay - 1)
        assert THROTTLED in login_text(app, SCHOOL_NAT, "guess0", "again")
        age_failures(app, 1)


def test_b6_account_limit_is_per_address_and_a_right_password_clears_it(app):
    """B6: five failures from one address lock that address out of the account, not its owner
    elsewhere; a right password clears that address's failures on the account."""
    register(app, "alice")
    for _ in range(5):
        assert WRONG in login_text(app, SCHOOL_NAT, "alice", "wrong password")
    assert THROTTLED in login_text(app, SCHOOL_NAT, "alice")
    assert login_text(app, HOME, "alice") == "LOGGED IN"
    assert WRONG in login_text(app, HOME, "alice", "a typing mistake")
    assert login_text(app, HOME, "alice") == "LOGGED IN"
    assert {f.address for f in failures(app, username="alice")} == {SCHOOL_NAT}


def test_b6_ceiling_over_all_addresses_and_unlock_command(app, runner):
    """B6: a spread-out attack meets a ceiling over all addresses; staff lift every limit on an
    account with `quizapp users unlock` (a student locked out just before an exam)."""
    app.config["LOGIN_FAILURES_PER_ACCOUNT_TOTAL"] = 6
    register(app, "alice")
    for n in range(6):
        assert WRONG in login_text(app, f"192.0.2.{n}", "alice", "wrong password")
    assert THROTTLED in login_text(app, HOME, "alice")
    result = runner.invoke(args=["users", "unlock", "alice"])
    assert result.exit_code == 0 and "6 failed login(s)" in result.output
    assert login_text(app, HOME, "alice") == "LOGGED IN"


def test_b6_old_failure_rows_are_pruned(app):
    """B6 note: login_failure rows older than the window are deleted, not kept forever."""
    register(app, "alice")
    with app.app_context():  # real time: the login that prunes reads it
        old = utcnow() - timedelta(hours=2)
        db.session.add_all(
            LoginFailure(username=f"x{n}", address=f"2001:db8::{n}", at=old) for n in range(50)
        )
        db.session.commit()
    assert WRONG in login_text(app, HOME, "alice", "wrong password")
    assert [f.username for f in failures(app)] == ["alice"]


def test_b23_wrong_current_passwords_are_limited_like_logins(app, client, auth):
    """B23: guessing the current password on /account/password counts against the account."""
    auth.register("alice")
    new = "a different passphrase"
    for _ in range(5):
        wrong = auth.post(
            "/account/password", {"current": "a guess", "password": new, "confirm": new}
        )
        assert "current password is not right" in wrong.get_data(as_text=True)
    right = auth.post(
        "/account/password", {"current": Auth.PASSWORD, "password": new, "confirm": new}
    )
    assert right.status_code == 422
    assert "Too many wrong passwords" in right.get_data(as_text=True)
    assert len(failures(app, username="alice")) == 5
    # The same address cannot switch to guessing at the login form either.
    assert THROTTLED in login_text(app, "127.0.0.1", "alice")


def test_b24_registrations_from_one_address_are_slowed(app):
    """B24: past the free allowance, new accounts from one address wait growing delays (a
    taken name counts too, so probing names is slow); other addresses are unaffected."""
    app.config["REGISTRATIONS_PER_ADDRESS"] = 3
    for name in ("ann", "bob", "cat"):
        register(app, name, SCHOOL_NAT)
    taken = Auth(client_at(app, SCHOOL_NAT)).register("ann")
    assert "Too many new accounts from your network. Try again in 1 second." in taken.get_data(
        as_text=True
    )
    register(app, "dan", HOME)
    age_failures(app, 2)
    started = time.monotonic()
    again = Auth(client_at(app, SCHOOL_NAT)).register("ann")
    assert "That username is taken." in again.get_data(as_text=True)
    slowed = Auth(client_at(app, SCHOOL_NAT)).register("eve")
    wait = re.search(
        r"from your network\. Try again in (\d+) seconds?\.", slowed.get_data(as_text=True)
    )
    assert wait is not None
    # The wait is 2 s from the taken name's attempt; on a loaded machine part of it has passed
    # (argon2 hashing) by the time the next request is checked, and the message rounds it.
    lowest = 2 if time.monotonic() - started < 0.4 else 1
    assert lowest <= int(wait.group(1)) <= 2
