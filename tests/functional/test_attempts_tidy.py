"""My attempts stays tidy: abandoned practice (discarded, closed, or idle past the limit the
Today panel uses) is left out unless asked for, exams never are; and "Retry my mistakes"
carries on the unfinished retry of the same banks instead of starting one per click."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Attempt, utcnow
from quizapp.services import quizzes
from quizapp.services.quizzes import QuizRequest
from quizapp.vocab import AttemptStatus
from tests.api_client import ApiClient, make_token
from tests.conftest import Auth
from tests.factories import answer, answer_fields, items_of, start, user_named
from tests.factories import take_practice as take

SHOW_ALL = {"show_abandoned": "y"}


@pytest.fixture
def student(sample_app, auth):
    auth.register("tidier")
    return auth


def started_ago(app, name: str, days: float, **request) -> int:
    """An attempt of the sample bank started (and untouched since) `days` ago."""
    with app.app_context():
        quiz = QuizRequest(**{"banks": ["sample-bank"], "count": 2, **request})
        then = utcnow() - timedelta(days=days)
        return quizzes.start_quiz(db.session, user_named(name), quiz, now=then).id


def listed(page: str) -> set[int]:
    """The attempts a listing shows (each row's title links to its quiz)."""
    table = page.split('id="attempts"', 1)[1]
    return {int(n) for n in re.findall(r'<td><a href="/quiz/(\d+)">', table)}


def row(page: str, attempt_id: int) -> str:
    return page.split(f'<td><a href="/quiz/{attempt_id}">', 1)[1].split("</tr>", 1)[0]


def status_of(app, attempt_id: int) -> str:
    with app.app_context():
        return db.session.get(Attempt, attempt_id).status


def attempts_of(app, name: str) -> int:
    with app.app_context():
        query = sa.select(sa.func.count()).where(Attempt.user_id == user_named(name).id)
        return db.session.scalar(query)


@pytest.fixture
def history(student, app):
    """Ids of the student's attempts of each kind."""
    finished = take(student, app, right={0}, count=2)
    discarded = start(student, count="3")
    assert student.post(f"/quiz/{discarded}/discard").status_code == 302
    fresh = start(student, count="2")
    # After the last practice start through the pages, which would close it.
    idle = started_ago(app, "tidier", days=8)
    old_exam = started_ago(app, "tidier", days=30, mode="exam")  # no time limit: still open
    return {
        "finished": finished,
        "discarded": discarded,
        "idle": idle,
        "old_exam": old_exam,
        "fresh": fresh,
    }


def test_my_attempts_leave_out_abandoned_practice_but_never_exams(history, client, app):
    page = client.get("/progress/attempts").get_data(as_text=True)
    shown = {history[k] for k in ("finished", "old_exam", "fresh")}
    assert listed(page) == shown
    assert f"{len(shown)} attempt(s)" in page
    box = re.search(r'<input [^>]*id="show_abandoned"[^>]*>', page).group(0)
    assert 'type="checkbox"' in box and " checked " not in box
    fresh = row(page, history["fresh"])
    assert f'href="/quiz/{history["fresh"]}">Resume<' in fresh
    assert f'action="/quiz/{history["fresh"]}/discard"' in fresh and "csrf_token" in fresh
    assert f'href="/quiz/{history["finished"]}/results">Review<' in page
    assert f'href="/quiz/{history["old_exam"]}">Resume<' in page
    assert f'action="/quiz/{history["old_exam"]}/discard"' not in page  # exams are not discarded
    # A GET writes nothing: the idle practice is only listed as abandoned.
    assert status_of(app, history["idle"]) == AttemptStatus.IN_PROGRESS


def test_the_filter_shows_abandoned_and_discarded_practice(history, client, app):
    page = client.get("/progress/attempts", query_string=SHOW_ALL).get_data(as_text=True)
    assert listed(page) == set(history.values())
    assert " checked " in re.search(r'<input [^>]*id="show_abandoned"[^>]*>', page).group(0)
    for kind in ("discarded", "idle"):
        closed = row(page, history[kind])
        assert "<td>Abandoned</td>" in closed, kind
        assert ">Resume<" not in closed and "/discard" not in closed, kind
    assert "<td>In progress</td>" in row(page, history["fresh"])
    # Combined with the other filters.
    practice = client.get("/progress/attempts", query_string={**SHOW_ALL, "mode": "practice"})
    assert history["old_exam"] not in listed(practice.get_data(as_text=True))
    exams = client.get("/progress/attempts?mode=exam").get_data(as_text=True)
    assert listed(exams) == {history["old_exam"]}


def test_the_api_lists_attempts_as_the_page_does(history, app):
    with app.app_context():
        api = ApiClient(app, make_token(app, user_named("tidier"), "read"))
    tidy = api.get("/attempts").get_json()
    shown = {history[k] for k in ("finished", "old_exam", "fresh")}
    assert {a["id"] for a in tidy["attempts"]} == shown and tidy["total"] == len(shown)
    everything = api.get("/attempts?show_abandoned=true").get_json()
    assert {a["id"] for a in everything["attempts"]} == set(history.values())
    statuses = {a["id"]: a["status"] for a in everything["attempts"]}
    assert statuses[history["discarded"]] == "abandoned"
    assert statuses[history["idle"]] == "in_progress"  # not closed yet, only past the limit
    refused = api.get("/attempts?show_abandoned=perhaps")
    assert refused.status_code in (400, 422)


def test_another_students_attempts_never_appear(history, app):
    other = Auth(app.test_client())
    other.register("someone-else")
    theirs = {
        take(other, app, right={0}, count=2),
        started_ago(app, "someone-else", days=9),
        started_ago(app, "someone-else", days=1, mode="exam"),
    }
    mine = set(history.values())
    for query in ({}, SHOW_ALL):
        page = other.client.get("/progress/attempts", query_string=query).get_data(as_text=True)
        assert listed(page) <= theirs and not listed(page) & mine
    with app.app_context():
        api = ApiClient(app, make_token(app, user_named("someone-else"), "read"))
    everything = api.get("/attempts?show_abandoned=true").get_json()["attempts"]
    assert {a["id"] for a in everything} == theirs


def retry(auth, **fields) -> tuple[int, bool]:
    """Press "Retry my mistakes"; returns (attempt id, resumed)."""
    response = auth.post("/quiz/retry", {"count": "10", **fields})
    assert response.status_code == 302, response.get_data(as_text=True)
    location = response.headers["Location"]
    return int(re.search(r"/quiz/(\d+)", location).group(1)), "resumed=1" in location


def test_retry_twice_carries_on_one_attempt(student, client, app):
    take(student, app, right={0}, count=3)  # two mistakes
    first, resumed = retry(student, count="2")
    assert not resumed
    assert retry(student, count="2") == (first, True)
    page = client.get(f"/quiz/{first}?resumed=1", follow_redirects=True).get_data(as_text=True)
    assert "You are carrying on the practice you started" in page
    assert "Start fresh</button>" in page and "Discard it</button>" in page
    assert attempts_of(app, "tidier") == 2
    # Answering shrinks the mistakes (and the count the buttons send): still the same retry,
    # even once none are left to draw.
    items = items_of(app, first)
    answer(student, app, first, 0, answer_fields(items[0]), action="next")
    assert retry(student, count="1") == (first, True)
    answer(student, app, first, 1, answer_fields(items[1]), action="next")
    assert retry(student) == (first, True)
    assert attempts_of(app, "tidier") == 2


def test_retry_of_other_banks_is_its_own_and_start_fresh_replaces_it(student, app):
    take(student, app, right=set(), count=2)
    everything, _ = retry(student)
    bank, resumed = retry(student, bank="sample-bank")  # one bank's mistakes: another choice
    assert bank != everything and not resumed
    assert retry(student, bank="sample-bank") == (bank, True)
    fresh = student.post(f"/quiz/{bank}/fresh")
    renewed = int(re.search(r"/quiz/(\d+)", fresh.headers["Location"]).group(1))
    assert renewed not in (bank, everything)
    assert status_of(app, bank) == AttemptStatus.ABANDONED
    assert retry(student, bank="sample-bank") == (renewed, True)
    # A retry idle past the limit is closed, not carried on.
    with app.app_context():
        stale = db.session.get(Attempt, everything)
        stale.started_at = utcnow() - timedelta(days=8)
        db.session.commit()
    again, resumed = retry(student)
    assert again != everything and not resumed
    assert status_of(app, everything) == AttemptStatus.ABANDONED


def test_one_students_retry_never_resumes_anothers(student, app):
    take(student, app, right=set(), count=2)
    mine, _ = retry(student)
    other = Auth(app.test_client())
    other.register("someone-else")
    take(other, app, right=set(), count=2)
    theirs, resumed = retry(other)
    assert theirs != mine and not resumed
    assert status_of(app, mine) == AttemptStatus.IN_PROGRESS


def test_the_api_retry_carries_on_too(student, app):
    take(student, app, right=set(), count=2)
    with app.app_context():
        api = ApiClient(app, make_token(app, user_named("tidier"), "study"))
    first = api.post("/quizzes/retry", json={"count": 2})
    assert first.status_code == 201 and not first.get_json()["resumed"]
    again = api.post("/quizzes/retry", json={"count": 2})
    assert again.status_code == 200
    assert again.get_json()["id"] == first.get_json()["id"] and again.get_json()["resumed"]


def test_an_exam_whose_time_ran_out_reads_time_up_with_its_results(student, client, app):
    """An exam past its deadline is over even before a write closes it: the list says Time
    up and leads to its results, not back into it (and the page writes nothing)."""
    # Started in this order because a start submits the student's exams whose time is up.
    running = started_ago(app, "tidier", days=0, mode="exam", time_limit_minutes=10)
    over = started_ago(app, "tidier", days=1, mode="exam", time_limit_minutes=10)
    page = client.get("/progress/attempts").get_data(as_text=True)
    assert "<td>Time up</td>" in row(page, over)
    assert f'href="/quiz/{over}/results">Review<' in page
    assert f'href="/quiz/{over}">Resume<' not in page
    assert f'href="/quiz/{running}">Resume<' in page and "<td>In progress</td>" in row(
        page, running
    )
    assert status_of(app, over) == AttemptStatus.IN_PROGRESS
    assert (
        "Your score"
        in client.get(f"/quiz/{over}/results", follow_redirects=True).get_data(as_text=True)
        or client.get(f"/quiz/{over}/results").status_code == 200
    )
