"""Student journeys for Locust: log in, practise 10 questions, finish, open the dashboard;
review 20 flashcards. Every write the server acknowledges is recorded for the lost-write check.

Driven by bench/load.py through environment variables (QUIZAPP_BENCH_*); not a test.
"""

from __future__ import annotations

import atexit
import html
import itertools
import json
import os
import random
import re
import threading

import gevent
from locust import HttpUser, constant, events, task

USERNAMES = os.environ.get("QUIZAPP_BENCH_USERS", "").split(",")
PASSWORD = os.environ.get("QUIZAPP_BENCH_PASSWORD", "")
HOSTS = [h for h in os.environ.get("QUIZAPP_BENCH_HOSTS", "").split(",") if h]
BANKS = os.environ.get("QUIZAPP_BENCH_BANKS", "").split(",")
ACK_FILE = os.environ.get("QUIZAPP_BENCH_ACKS", "")
THINK = os.environ.get("QUIZAPP_BENCH_THINK", "1") == "1"
HELLO = os.environ.get("QUIZAPP_BENCH_HELLO", "0") == "1"

CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
FORM = re.compile(r'<form method="post" id="question-form".*?action="([^"]+)"', re.S)
STEP = re.compile(r'name="step" value="(\d+)" id="step"')
RADIO = re.compile(r'type="radio" name="answer" id="[^"]+" value="([^"]*)"')
CHECKBOX = re.compile(r'type="checkbox" name="answer" id="[^"]+" value="([^"]*)"')
SELECT = re.compile(
    r'<select class="form-select" name="((?:order|match)-\d+)"[^>]*>(.*?)</select>', re.S
)
OPTION = re.compile(r'<option value="([^"]+)"')
TEXT = re.compile(
    r'<input class="form-control[^"]*" type="text"( inputmode="decimal")? name="(answer|blank-\d+)"'
)

_names = itertools.cycle(USERNAMES)
_lock = threading.Lock()
ACKS: dict[str, list] = {"answers": [], "reviews": []}


def _write_acks() -> None:
    if ACK_FILE:
        with open(ACK_FILE, "w", encoding="utf-8") as handle:
            json.dump(ACKS, handle)


events.test_stop.add_listener(lambda **_: _write_acks())
atexit.register(_write_acks)


def answer_fields(page: str) -> dict:
    """Plausible answers for whatever controls the question page shows (values unescaped, as
    a browser sends them)."""
    fields: dict = {}
    if radios := [html.unescape(v) for v in RADIO.findall(page)]:
        fields["answer"] = random.choice(radios)
    elif boxes := [html.unescape(v) for v in CHECKBOX.findall(page)]:
        fields["answer"] = random.sample(boxes, k=1)
    for name, body in SELECT.findall(page):
        options = [html.unescape(v) for v in OPTION.findall(body)]
        index = int(name.split("-")[1])
        # Ordering: one item per position; matching: any option.
        fields[name] = (
            options[index % len(options)] if name.startswith("order") else random.choice(options)
        )
    for decimal, name in TEXT.findall(page):
        fields[name] = "3" if decimal else "answer"
    return fields


class Student(HttpUser):
    # Think time comes between every page a student acts on (self.think), not just journeys.
    wait_time = constant(0)

    def think(self) -> None:
        if THINK:
            gevent.sleep(random.uniform(1, 2))

    def on_start(self):
        if HOSTS:
            self.client.base_url = random.choice(HOSTS)
        if HELLO:
            return
        with _lock:
            self.username = next(_names)
        page = self.client.get("/login", name="/login")
        token = CSRF.search(page.text).group(1)
        self.client.post(
            "/login",
            data={"csrf_token": token, "username": self.username, "password": PASSWORD},
            name="/login [POST]",
        )

    @task
    def journey(self):
        if HELLO:
            self.client.get("/", name="hello")
            return
        if random.random() < 0.5:
            self.quiz()
        else:
            self.study()

    def quiz(self):
        home = self.client.get("/", name="/")
        token = CSRF.search(home.text).group(1)
        page = self.client.post(
            f"/quiz/quick/{random.choice(BANKS)}",
            data={"csrf_token": token},
            name="/quiz/quick/[bank]",
        )
        for position in range(10):
            action = FORM.search(page.text)
            step = STEP.search(page.text)
            if not action or not step:
                break
            data = {
                "csrf_token": token,
                "step": step.group(1),
                "action": "check",
                **answer_fields(page.text),
            }
            answered = self.client.post(action.group(1), data=data, name="/quiz/[id]/q/[n] answer")
            attempt = action.group(1).split("/")[2]
            if answered.status_code == 200 and "feedback-heading" in answered.text:
                with _lock:
                    ACKS["answers"].append([int(attempt), position])
            self.think()
            if position < 9 and 'id="next-question"' in answered.text:
                page = self.client.get(f"/quiz/{attempt}/q/{position + 1}", name="/quiz/[id]/q/[n]")
            else:
                steps = re.findall(r'name="step" value="(\d+)"', answered.text)
                self.client.post(
                    f"/quiz/{attempt}/submit",
                    data={"csrf_token": token, "step": steps[-1] if steps else "0"},
                    name="/quiz/[id]/submit",
                )
                break
        self.think()
        self.client.get("/progress/", name="/progress/ (dashboard)")

    def study(self):
        page = self.client.get("/study/all", name="/study/all")
        token = CSRF.search(page.text).group(1)
        card = self.client.get(
            "/study/all", headers={"Accept": "application/json"}, name="/study/all (json)"
        ).json()
        for _ in range(20):
            if "card" not in card:
                break
            self.think()
            response = self.client.post(
                "/study/all/grade",
                data={
                    "csrf_token": token,
                    "card_id": card["card"]["id"],
                    "version": card["card"]["version"],
                    "rating": random.choice([1, 3, 3, 3, 4]),
                    "duration_ms": random.randint(1000, 9000),
                },
                headers={"Accept": "application/json"},
                name="/study/all/grade",
            )
            if response.status_code != 200:
                break
            card = response.json()
            with _lock:
                ACKS["reviews"].append(card["review_id"])
