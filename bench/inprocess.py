"""Driving quizapp in-process as a browser would: a WSGI middleware that times each request's
CPU, a cookie jar per user, and the students who answer practice questions and grade cards.
Used by bench/cpu.py; everything goes through HTTP (Flask's test client)."""

from __future__ import annotations

import random
import re
import time
from dataclasses import dataclass, field

from pages import csrf_token, question_form

JSON = {"Accept": "application/json"}
TIMED = "bench.timed"  # WSGI environ key of the requests whose figures are reported


class BenchError(RuntimeError):
    """The app did not answer as a browser would expect: the run stops, no number is printed."""


class Meter:
    """WSGI middleware: the process CPU time of the last request, response body included; with a
    profiler set, it also profiles the requests that are timed (not the set-up ones)."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app
        self.last = 0.0
        self.profiler = None

    def __call__(self, environ, start_response):
        profiler = self.profiler if environ.get(TIMED) else None
        if profiler is not None:
            profiler.start()
        start = time.process_time()
        iterable = self.wsgi_app(environ, start_response)
        try:
            body = b"".join(iterable)
        finally:
            if hasattr(iterable, "close"):
                iterable.close()
        self.last = time.process_time() - start
        if profiler is not None:
            profiler.stop()
        return [body]


def metered(app):
    app.wsgi_app = meter = Meter(app.wsgi_app)
    return app, meter


class Browser:
    """One user's cookie jar on one in-process app."""

    def __init__(self, app, meter: Meter, name: str = ""):
        self.client = app.test_client()
        self.meter = meter
        self.name = name

    def request(self, method: str, url: str, expect=(200,), timed=False, **kwargs):
        """The response and the server's CPU time for it, in ms."""
        if timed:
            kwargs["environ_overrides"] = {TIMED: True}
        response = self.client.open(url, method=method, **kwargs)
        if response.status_code not in expect:
            raise BenchError(f"{self.name}: {method} {url} answered {response.status_code}")
        return response, self.meter.last * 1000

    def page(self, url: str) -> str:
        return self.request("GET", url)[0].get_data(as_text=True)

    def login(self, username: str, password: str) -> Browser:
        token = csrf_token(self.page("/login"))
        data = {"csrf_token": token, "username": username, "password": password}
        self.request("POST", "/login", expect=(302, 303), data=data)
        self.name = username
        return self


@dataclass
class Practice:
    """A student's practice attempts, answered one question at a time."""

    browser: Browser
    slugs: list[str]
    rng: random.Random
    pending: list[tuple[int, int]] = field(default_factory=list)  # (attempt, position)
    started: int = 0

    def start(self) -> tuple[int, int]:
        """A quick practice quiz of the next bank: its id and its number of questions."""
        token = csrf_token(self.browser.page("/"))
        slug = self.slugs[self.started % len(self.slugs)]
        self.started += 1
        response, _ = self.browser.request(
            "POST", f"/quiz/quick/{slug}", expect=(302, 303), data={"csrf_token": token}
        )
        attempt = int(re.search(r"/quiz/(\d+)", response.headers["Location"]).group(1))
        first = self.browser.page(f"/quiz/{attempt}/q/0")
        questions = int(re.search(r'<progress[^>]*\bmax="(\d+)"', first).group(1))
        self.pending.extend((attempt, position) for position in range(questions))
        return attempt, questions

    def open_question(self) -> tuple[str, float, tuple[int, int]]:
        if not self.pending:
            self.start()
        attempt, position = self.pending.pop(0)
        response, cpu = self.browser.request("GET", f"/quiz/{attempt}/q/{position}", timed=True)
        return response.get_data(as_text=True), cpu, (attempt, position)

    def answer(self, page: str, where: tuple[int, int]) -> float:
        """Check a plausible answer; the CPU of the POST (a redirect to the feedback)."""
        form = question_form(page)
        if form is None or "step" not in form.hidden:
            raise BenchError(f"question {where} has no question form")
        response, cpu = self.browser.request(
            "POST", form.action, expect=(302, 303), timed=True, data=form.answer(self.rng)
        )
        # A refused answer re-renders the page (422); an accepted check redirects to the feedback.
        if not response.headers["Location"].endswith(f"/quiz/{where[0]}/q/{where[1]}"):
            raise BenchError(f"answer to {where} went to {response.headers['Location']}")
        return cpu

    def finish(self, attempt: int, last: int) -> None:
        page = self.browser.page(f"/quiz/{attempt}/q/{last}")
        step = re.findall(r'name="step" value="(\d+)"', page)[-1]
        token = csrf_token(page)
        self.browser.request(
            "POST",
            f"/quiz/{attempt}/submit",
            expect=(302, 303),
            data={"csrf_token": token, "step": step},
        )

    def whole_attempts(self, count: int) -> None:
        """`count` attempts of ten questions, each answered and submitted (history)."""
        for _ in range(count):
            attempt, questions = self.start()
            while self.pending:
                page, _, where = self.open_question()
                self.answer(page, where)
            self.finish(attempt, questions - 1)


@dataclass
class Grader:
    """Students grading the card each reply hands out; the next student takes over when one has
    nothing left today."""

    make_browser: object  # callable: username -> logged-in Browser
    names: list[str]
    rng: random.Random
    browser: Browser | None = None
    card: dict | None = None
    token: str = ""
    graded: int = 0

    def _next_student(self) -> None:
        while self.names:
            self.browser = self.make_browser(self.names.pop(0))
            self.token = csrf_token(self.browser.page("/study/all"))
            self.card = self.browser.request("GET", "/study/all", headers=JSON)[0].json.get("card")
            if self.card:
                return
        raise BenchError("no student has a card left to grade: use more students or fewer rounds")

    def grade(self) -> float:
        if not self.card:
            self._next_student()
        data = {
            "csrf_token": self.token,
            "card_id": self.card["id"],
            "version": self.card["version"],
            "rating": self.rng.choice([3, 3, 3, 4, 1, 2]),
            "duration_ms": self.rng.randint(2000, 9000),
        }
        response, cpu = self.browser.request(
            "POST", "/study/all/grade", timed=True, data=data, headers=JSON
        )
        reply = response.json
        if not reply.get("ok") or not reply.get("review_id"):
            raise BenchError(f"grade not recorded: {reply}")
        self.graded += 1
        self.card = reply.get("card")
        return cpu


def bank_slugs(browser: Browser) -> list[str]:
    slugs = re.findall(r'action="/quiz/quick/([^"]+)"', browser.page("/"))
    if not slugs:
        raise BenchError("the home page offers no bank to practise")
    return list(dict.fromkeys(slugs))
