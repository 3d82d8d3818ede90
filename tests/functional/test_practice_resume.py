"""Practice resumes: "Practise" on the same selection carries on the unfinished practice; the
student may discard it or start fresh; practices idle for a week are closed as abandoned, out
of every score, by a write (never by a GET)."""

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
from tests.conftest import Auth
from tests.factories import (
    answer,
    answer_fields,
    getter,
    items_of,
    make_user,
    start,
    user_named,
)


@pytest.fixture
def student(sample_app, auth):
    auth.register("practiser")
    return auth


def practise(auth) -> tuple[int, bool]:
    """Press "Practise" on the sample bank; returns (attempt id, resumed)."""
    response = auth.post("/quiz/quick/sample-bank")
    assert response.status_code == 302
    location = response.headers["Location"]
    return int(re.search(r"/quiz/(\d+)", location).group(1)), "resumed=1" in location


def status_of(app, attempt_id: int) -> str:
    with app.app_context():
        return db.session.get(Attempt, attempt_id).status


def attempts(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Attempt))


def test_practise_again_resumes_where_the_student_left_off(student, client, app):
    first, resumed = practise(student)
    assert not resumed
    item = items_of(app, first)[0]
    answer(student, app, first, 0, answer_fields(item), action="next")
    again, resumed = practise(student)
    assert (again, resumed) == (first, True)
    page = client.get(f"/quiz/{first}?resumed=1", follow_redirects=True).get_data(as_text=True)
    assert "Question 2 of" in page  # where the student left off
    assert "You are carrying on the practice you started" in page
    assert "Start fresh</button>" in page and "Discard it</button>" in page
    assert attempts(app) == 1
    plain = client.get(f"/quiz/{first}", follow_redirects=True).get_data(as_text=True)
    assert "carrying on" not in plain  # the note is for the click that resumed it


def test_another_selection_or_an_exam_starts_its_own_attempt(student, app):
    first, _ = practise(student)
    other = start(student, count="3")  # the same bank, another number of questions
    exam = start(student, mode="exam", count="3")
    exam_again = start(student, mode="exam", count="3")
    assert len({first, other, exam, exam_again}) == 4
    assert start(student, count="3") == other  # the form's practice resumes too


def test_start_fresh_closes_the_old_one_and_starts_the_same_selection(student, app):
    first, _ = practise(student)
    response = student.post(f"/quiz/{first}/fresh")
    fresh = int(re.search(r"/quiz/(\d+)", response.headers["Location"]).group(1))
    assert fresh != first and status_of(app, first) == AttemptStatus.ABANDONED
    with app.app_context():
        new = db.session.get(Attempt, fresh)
        assert (new.settings["banks"], new.settings["count"]) == (["sample-bank"], 10)
    assert practise(student) == (fresh, True)


def test_a_discarded_practice_is_closed_and_counts_nowhere(student, client, app):
    first, _ = practise(student)
    home = client.get("/").get_data(as_text=True)
    assert f"/quiz/{first}/discard" in home
    response = student.post(f"/quiz/{first}/discard", follow_redirects=True)
    assert "Practice discarded." in response.get_data(as_text=True)
    assert status_of(app, first) == AttemptStatus.ABANDONED
    assert f"/quiz/{first}" not in client.get("/").get_data(as_text=True)
    hidden = client.get("/progress/attempts").get_data(as_text=True)
    assert not re.search(rf'/quiz/{first}[/"]', hidden)  # hidden by default
    listing = client.get("/progress/attempts?show_abandoned=y").get_data(as_text=True)
    assert "<td>Abandoned</td>" in listing
    # Answers and submits to it are refused; its pages say why.
    item = items_of(app, first)[0]
    refused = answer(student, app, first, 0, answer_fields(item), action="check")
    assert refused.status_code == 302
    page = client.get(refused.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "closed as abandoned" in page
    student.post(f"/quiz/{first}/submit", {"step": "99"})
    assert status_of(app, first) == AttemptStatus.ABANDONED
    with app.app_context():
        assert db.session.get(Attempt, first).items[0].response is None
    assert practise(student)[0] != first  # a new practice, not the discarded one
    assert "No finished attempts yet." in client.get("/progress/").get_data(as_text=True)


def test_only_ones_own_open_practice_can_be_discarded(student, app):
    first, _ = practise(student)
    other = Auth(app.test_client())
    other.register("someone")
    assert other.post(f"/quiz/{first}/discard").status_code == 404
    assert other.post(f"/quiz/{first}/fresh").status_code == 404
    exam = start(student, mode="exam", count="2")
    assert student.post(f"/quiz/{exam}/discard").status_code == 404  # exams are not discarded
    assert student.client.post(f"/quiz/{first}/discard").status_code == 400  # no CSRF token


def idle_practice(app, name: str, days: float, now=None) -> int:
    """A practice of the sample bank started (and untouched since) `days` before `now`. Tests
    that then go through the pages or the CLI leave `now` out: those read the real now, and
    idleness is a length of time (no calendar day), so any hour and time zone will do."""
    with app.app_context():
        user = user_named(name)
        request = QuizRequest(banks=["sample-bank"], count=10)
        then = (now or utcnow()) - timedelta(days=days)
        return quizzes.start_quiz(db.session, user, request, now=then).id


def test_a_practice_idle_for_a_week_is_not_resumed_and_is_closed_by_the_next_start(
    student, client, app
):
    old = idle_practice(app, "practiser", days=8)
    home = client.get("/").get_data(as_text=True)
    assert f"/quiz/{old}" not in home  # shown as abandoned already...
    assert status_of(app, old) == AttemptStatus.IN_PROGRESS  # ...but a GET wrote nothing
    new, resumed = practise(student)
    assert new != old and not resumed
    assert status_of(app, old) == AttemptStatus.ABANDONED


def test_answering_keeps_a_practice_alive(student, app):
    kept = idle_practice(app, "practiser", days=10)
    item = items_of(app, kept)[0]
    answer(student, app, kept, 0, answer_fields(item), action="next")  # active again today
    assert practise(student) == (kept, True)


def test_the_command_closes_idle_practices_of_everyone(student, app, runner):
    make_user(app, "other")
    stale = [idle_practice(app, "practiser", days=8), idle_practice(app, "other", days=30)]
    fresh = idle_practice(app, "other", days=2)
    result = runner.invoke(args=["quizzes", "close-abandoned"])
    assert result.exit_code == 0 and "closed 2 abandoned practice attempt(s)" in result.output
    assert [status_of(app, a) for a in stale] == [AttemptStatus.ABANDONED] * 2
    assert status_of(app, fresh) == AttemptStatus.IN_PROGRESS
    result = runner.invoke(args=["quizzes", "close-abandoned", "--days", "1"])
    assert "closed 1 abandoned" in result.output
    assert status_of(app, fresh) == AttemptStatus.ABANDONED


def test_the_attempts_to_resume_are_those_in_progress_less_the_idle_practices(student, app, clock):
    """quizzes.unfinished (one statement, for home and the dashboard) against in_progress and
    idle_attempts: idle practices drop out, a practice answered lately, an old exam with no
    time limit and fresh attempts stay, an exam out of time drops out."""
    now = clock.now()
    stale = idle_practice(app, "practiser", days=8, now=now)
    kept = idle_practice(app, "practiser", days=10, now=now)
    with app.app_context():  # answered an hour ago: active again
        item = items_of(app, kept)[0]
        user, step = user_named("practiser"), db.session.get(Attempt, kept).step
        fields = getter(answer_fields(item))
        quizzes.record_answer(db.session, user, kept, 0, step, fields, "next",
                              now=now - timedelta(hours=1))  # fmt: skip
    fresh = idle_practice(app, "practiser", days=2, now=now)
    with app.app_context():
        user = user_named("practiser")
        exam = QuizRequest(banks=["sample-bank"], count=2, mode="exam")
        old_exam = quizzes.start_quiz(db.session, user, exam, now=now - timedelta(days=9)).id
        timed = QuizRequest(banks=["sample-bank"], count=2, mode="exam", time_limit_minutes=5)
        late = quizzes.start_quiz(db.session, user, timed, now=now - timedelta(hours=2)).id
        idle = timedelta(days=7)
        found = [a.id for a in quizzes.unfinished(db.session, user, idle, now)]
        stale_ids = quizzes.idle_attempts(db.session, user, idle, now)
        plain = [a.id for a in quizzes.in_progress(db.session, user, now) if a.id not in stale_ids]
        assert found == plain
        assert set(found) == {kept, fresh, old_exam}
        assert stale_ids == {stale} and late not in found
