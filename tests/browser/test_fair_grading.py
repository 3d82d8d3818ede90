"""Fair grading in Chromium: a student overrules a rejected answer in practice ("I was right"),
and an instructor accepts a response from the response analysis: preview, confirm, regrade."""

from __future__ import annotations

import random
import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from quizapp.extensions import db
from quizapp.models import Attempt, AttemptItem, Question, User
from quizapp.services import quizzes
from quizapp.services.quizzes import QuizRequest
from tests.browser.helpers import PASSWORD, log_in, register, serious_violations
from tests.factories import answer_fields, enrol, getter, make_course, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def app(editable_app):
    """The sample bank imported from a copy under the app's own QUESTIONS_DIR."""
    app, app.bank_file = editable_app
    return app


def quiz_for(app, username: str, mode: str) -> tuple[int, int]:
    """(attempt id, position of the short-answer question) of a new quiz of the sample bank."""
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == username))
        request = QuizRequest(banks=["sample-bank"], count=20, mode=mode)
        attempt = quizzes.start_quiz(db.session, user, request, rng=random.Random(3))
        short = next(i for i in attempt.items if i.question.slug == "author-short")
        return attempt.id, short.position


def test_a_student_overrules_a_rejected_practice_answer(app, live_server, page):
    register(page, live_server, "practiser")
    attempt, position = quiz_for(app, "practiser", "practice")
    page.goto(f"{live_server}/quiz/{attempt}/q/{position}")
    page.get_by_label("Your answer").fill("Shakespeare, William")
    page.get_by_role("button", name="Check answer").click()
    expect(page.locator("#feedback")).to_have_text(re.compile(r"^\s*Incorrect: 0 of 1 point"))
    assert serious_violations(page) == []

    page.get_by_role("button", name="I was right").click()
    page.wait_for_url(re.compile(rf".*/quiz/{attempt}/q/{position}$"))
    expect(page.locator("body")).to_contain_text("Marked right: this answer now counts as correct.")
    feedback = page.locator("#feedback").inner_text()
    assert feedback.startswith("Correct: 1 of 1 point")
    assert "You marked this answer right (it was graded 0)." in feedback
    assert page.get_by_role("button", name="I was right").count() == 0
    assert serious_violations(page) == []


def test_an_instructor_accepts_a_response_and_the_answers_are_regraded(app, live_server, page):
    student = make_user(app, "student", password=PASSWORD)
    teacher = make_user(app, "teacher", "instructor", "marking essays all night")
    enrol(app, make_course(app, teacher), student)  # an instructor sees their class's answers
    attempt, position = quiz_for(app, "student", "exam")
    with app.app_context():
        student = db.session.scalar(sa.select(User).where(User.username == "student"))
        for item in db.session.get(Attempt, attempt).items:
            fields = {"answer": "Marlowe"} if item.position == position else answer_fields(item)
            step = db.session.get(Attempt, attempt).step
            quizzes.record_answer(
                db.session, student, attempt, item.position, step, getter(fields), "save"
            )
        quizzes.submit(db.session, db.session.get(Attempt, attempt))
        question = db.session.scalar(sa.select(Question.id).where(Question.slug == "author-short"))
    before = app.bank_file.read_text()

    log_in(page, live_server, "teacher", "marking essays all night")
    page.goto(f"{live_server}/class/questions/{question}")
    row = page.locator('tr.response-row[data-response="Marlowe"]')
    assert "wrong" in row.inner_text()
    assert serious_violations(page) == []
    row.get_by_role("button", name="Accept Marlowe").click()

    page.wait_for_url(re.compile(r".*/authoring/uploads/\d+$"))
    assert "updated 1" in page.locator("#import-summary").inner_text()
    page.get_by_text("What changed in the YAML").click()  # the diff is behind a disclosure
    assert "+- Marlowe" in page.locator("pre.diff").inner_text()
    assert "sample.yaml" in page.locator("#edit-origin").inner_text()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Confirm and import").click()

    page.wait_for_url(re.compile(rf".*/class/questions/{question}#responses$"))
    expect(page.locator("body")).to_contain_text("Regraded 1 answer(s)")
    assert "accepted" in page.locator('tr.response-row[data-response="Marlowe"]').inner_text()
    after = app.bank_file.read_text()
    assert after == before.replace(
        "answers: [William Shakespeare, Shakespeare]",
        "answers: [William Shakespeare, Shakespeare, Marlowe]",
    )
    with app.app_context():
        item = db.session.scalar(
            sa.select(AttemptItem).where(
                AttemptItem.attempt_id == attempt, AttemptItem.position == position
            )
        )
        assert (item.original_points, item.points) == (0.0, 1.0)
