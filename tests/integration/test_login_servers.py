"""B5/B6 across servers: two real app servers (`quizapp serve`, gunicorn with several workers
each) on one database take 40 wrong guesses released at once; the limits hold across them.

The database is the test's own: an SQLite file, or a PostgreSQL database when
QUIZAPP_DATABASE_URL points at a server (`make test-postgres`)."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import LoginFailure
from quizapp.services.accounts import create_user
from tests.conftest import CSRF_FIELD, Auth, dispose, make_app

QUIZAPP = Path(sys.executable).with_name("quizapp")
WORKERS = 3
GUESSES = 40


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Browser:
    """One client with its own cookies, talking HTTP from a chosen loopback address."""

    def __init__(self, port: int, source: str = "127.0.0.1"):
        self.port, self.source, self.cookies = port, source, {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=30, source_address=(self.source, 0)
        )
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, value = header.split(";", 1)[0].partition("=")
                self.cookies[name] = value
            return response.status, response.read().decode()
        finally:
            connection.close()

    def login_form(self) -> dict:
        status, html = self.request("GET", "/login")
        assert status == 200
        return {"csrf_token": CSRF_FIELD.search(html).group(1)}

    def login(self, password: str, form: dict | None = None) -> str:
        form = {**(form or self.login_form()), "username": "alice", "password": password}
        status, html = self.request("POST", "/login", form)
        if status == 302:
            return "logged in"
        for outcome in ("Wrong username or password", "Too many failed logins"):
            if outcome in html:
                return outcome
        return f"HTTP {status}"


def wait_until_serving(port: int, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, log.read_text()
        try:
            if Browser(port).request("GET", "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    pytest.fail(f"server on port {port} did not start: {log.read_text()}")


@pytest.fixture
def two_servers(database, tmp_path):
    env = {
        **os.environ,
        "QUIZAPP_DATABASE_URL": database,
        "QUIZAPP_SECRET_KEY": "shared-by-both-servers",
        "QUIZAPP_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    servers, ports = [], [free_port(), free_port()]
    try:
        for port in ports:  # both start at once
            command = [str(QUIZAPP), "serve", "--bind", f"127.0.0.1:{port}"]
            command += ["--workers", str(WORKERS), "--preload"]
            with (tmp_path / f"server-{port}.log").open("w") as output:
                server = subprocess.Popen(
                    command, env=env, stdout=output, stderr=output, start_new_session=True
                )
                servers.append(server)
        for port, server in zip(ports, servers, strict=True):
            wait_until_serving(port, server, tmp_path / f"server-{port}.log")
        yield ports
    finally:
        for server in servers:
            server.send_signal(signal.SIGINT)  # gunicorn's quick shutdown, workers included
        for server in servers:
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)  # its own group: the workers go too
                server.wait()


def test_b5_b6_limits_hold_across_two_servers_on_one_database(database, two_servers):
    """B5: 40 wrong guesses at once through two servers (3 workers each): exactly the limit (5)
    are checked. B6: the right password from an address with no failures gets through.
    B4: forwarded headers are ignored when no proxy is trusted."""
    app = make_app(database)
    try:
        with app.app_context():
            create_user(db.session, "alice", Auth.PASSWORD)
        browsers = [Browser(two_servers[n % 2]) for n in range(GUESSES)]
        forms = [browser.login_form() for browser in browsers]
        barrier = threading.Barrier(GUESSES)
        outcomes: list[str] = []

        def guess(browser: Browser, form: dict) -> None:
            barrier.wait()
            outcomes.append(browser.login("not her password", form))

        threads = [
            threading.Thread(target=guess, args=pair) for pair in zip(browsers, forms, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(set(outcomes)) == ["Too many failed logins", "Wrong username or password"]
        assert outcomes.count("Wrong username or password") == 5
        assert outcomes.count("Too many failed logins") == GUESSES - 5
        with app.app_context():
            assert db.session.scalar(sa.select(sa.func.count(LoginFailure.id))) == 5
        # From the attacking address even the right password waits now, on either server ...
        for port in two_servers:
            assert Browser(port).login(Auth.PASSWORD) == "Too many failed logins"
        # ... but alice, from another address with no failures on her account, logs in.
        assert Browser(two_servers[1], source="127.0.0.2").login(Auth.PASSWORD) == "logged in"
    finally:
        dispose(app)
    # B4: no proxy is trusted, so not even gunicorn believes a local client's X-Forwarded-Proto.
    connection = http.client.HTTPConnection("127.0.0.1", two_servers[0], timeout=30)
    connection.request("GET", "/login", headers={"X-Forwarded-Proto": "https"})
    response = connection.getresponse()
    connection.close()
    assert "Secure" not in response.headers["Set-Cookie"]
    assert "Strict-Transport-Security" not in response.headers
