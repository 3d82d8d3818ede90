"""Student journeys for Locust: log in, practise 10 questions, finish, open the dashboard;
review 20 flashcards. Every write the server acknowledges is recorded for the lost-write check.

FastHttpUser (geventhttpclient) costs a fraction of HttpUser's CPU per request, and bench/load.py
runs several Locust processes (--processes), so the generator can outrun the app on two cores.
Each process takes its own share of the student accounts and writes its own file of
acknowledged writes. Driven by bench/load.py through environment variables (QUIZAPP_BENCH_*);
not a test.
"""

from __future__ import annotations

import atexit
import itertools
import json
import os
import random
import re
from urllib.parse import urlencode

import gevent
from locust import FastHttpUser, constant, events, task
from pages import csrf_token, question_form

USERNAMES = os.environ.get("QUIZAPP_BENCH_USERS", "").split(",")
PASSWORD = os.environ.get("QUIZAPP_BENCH_PASSWORD", "")
HOSTS = [h for h in os.environ.get("QUIZAPP_BENCH_HOSTS", "").split(",") if h]
BANKS = os.environ.get("QUIZAPP_BENCH_BANKS", "").split(",")
ACK_FILE = os.environ.get("QUIZAPP_BENCH_ACKS", "")
THINK = os.environ.get("QUIZAPP_BENCH_THINK", "1") == "1"
HELLO = os.environ.get("QUIZAPP_BENCH_HELLO", "0") == "1"
# The floor app (bench/floor.py): each user logs in as a member, then posts notes.
FLOOR_MEMBERS = int(os.environ.get("QUIZAPP_BENCH_FLOOR", "0"))
PROCESSES = max(1, int(os.environ.get("QUIZAPP_BENCH_PROCESSES", "1")))
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
JSON = {"Accept": "application/json"}

_taken = itertools.count()
ACKS: dict[str, list] = {"answers": [], "reviews": []}


def _write_acks(**_) -> None:
    # One file per process: the worker processes of --processes each write theirs.
    if ACK_FILE:
        with open(f"{ACK_FILE}.{os.getpid()}", "w", encoding="utf-8") as handle:
            json.dump(ACKS, handle)


events.test_stop.add_listener(_write_acks)
atexit.register(_write_acks)


def form(data: dict) -> str:
    return urlencode(data, doseq=True)


class Student(FastHttpUser):
    # Think time comes between every page a student acts on (self.think), not just journeys.
    wait_time = constant(0)

    def think(self) -> None:
        if THINK:
            gevent.sleep(random.uniform(1, 2))

    def next_username(self) -> str:
        """The n-th student of this process: process i of P takes accounts i, i + P, ..."""
        index = max(0, getattr(self.environment.runner, "worker_index", 0))
        return USERNAMES[(index + PROCESSES * next(_taken)) % len(USERNAMES)]

    def post(self, url: str, data: dict, name: str, headers: dict | None = None):
        return self.client.post(
            url, data=form(data), headers={**FORM, **(headers or {})}, name=name
        )

    def on_start(self):
        if HOSTS:
            self.client.base_url = random.choice(HOSTS)
        if HELLO:
            return
        if FLOOR_MEMBERS:
            self.client.post(f"/login/{random.randint(1, FLOOR_MEMBERS)}", name="floor login")
            return
        self.username = self.next_username()
        token = csrf_token(self.client.get("/login", name="/login").text)
        self.post(
            "/login",
            {"csrf_token": token, "username": self.username, "password": PASSWORD},
            name="/login [POST]",
        )

    @task
    def journey(self):
        if HELLO:
            self.client.get("/", name="hello")
            return
        if FLOOR_MEMBERS:
            note = {"title": "A note", "body": "five words of a body", "rating": "3"}
            self.post("/notes", note, name="floor")
            return
        if random.random() < 0.5:
            self.quiz()
        else:
            self.study()

    def quiz(self):
        token = csrf_token(self.client.get("/", name="/").text or "")
        page = self.post(
            f"/quiz/quick/{random.choice(BANKS)}", {"csrf_token": token}, "/quiz/quick/[bank]"
        )
        for position in range(10):
            question = question_form(page.text or "")
            if question is None or "step" not in question.hidden:
                break
            answered = self.post(
                question.action, question.answer(random), "/quiz/[id]/q/[n] answer"
            )
            attempt = question.action.split("/")[2]
            if answered.status_code == 200 and "feedback-heading" in (answered.text or ""):
                ACKS["answers"].append([int(attempt), position])
            self.think()
            if position < 9 and 'id="next-question"' in (answered.text or ""):
                page = self.client.get(f"/quiz/{attempt}/q/{position + 1}", name="/quiz/[id]/q/[n]")
            else:
                steps = re.findall(r'name="step" value="(\d+)"', answered.text or "")
                self.post(
                    f"/quiz/{attempt}/submit",
                    {"csrf_token": token, "step": steps[-1] if steps else "0"},
                    "/quiz/[id]/submit",
                )
                break
        self.think()
        self.client.get("/progress/", name="/progress/ (dashboard)")

    def study(self):
        token = csrf_token(self.client.get("/study/all", name="/study/all").text)
        card = self.client.get("/study/all", headers=JSON, name="/study/all (json)").json()
        for _ in range(20):
            if "card" not in card:
                break
            self.think()
            response = self.post(
                "/study/all/grade",
                {
                    "csrf_token": token,
                    "card_id": card["card"]["id"],
                    "version": card["card"]["version"],
                    "rating": random.choice([1, 3, 3, 3, 4]),
                    "duration_ms": random.randint(1000, 9000),
                },
                "/study/all/grade",
                headers=JSON,
            )
            if response.status_code != 200:
                break
            card = response.json()
            ACKS["reviews"].append(card["review_id"])
