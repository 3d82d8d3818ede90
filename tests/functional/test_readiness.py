"""Exam readiness: a predicted score on a bank's page and the dashboard, "not enough data" for a
student who never reviewed, the prediction kept with each attempt at its start, and the
instructors' calibration check on demo data."""

from __future__ import annotations

import html
import random
import re
import statistics

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Attempt, Bank, Question, User
from quizapp.services import quizzes, readiness
from quizapp.services.demo import DEMO_PASSWORD
from quizapp.services.quizzes import QuizRequest
from tests.conftest import QUESTIONS, Auth, load_banks
from tests.factories import staff_client

# The demo's students answer studied questions as well as they recall the cards, and the rest
# at random with partial credit. Its few dozen quizzes of about ten questions each score
# with a spread of about 0.15, so the bins' error alone varies by day and seed (0.05-0.11
# over eight seeds); the predictions must stay this close, and order the scores.
DEMO_TOLERANCE = 0.15
DEMO_CORRELATION = 0.6  # 0.75-0.91 over those seeds; shuffled predictions give about 0
SENTENCE = re.compile(
    r"If you took a quiz on this bank now, you would likely score about (\d+)% "
    r"\(range (\d+)%–(\d+)%\)\."
)


def text(client, url: str) -> str:
    return html.unescape(client.get(url).get_data(as_text=True))


def students(app) -> list[User]:
    with app.app_context():
        return list(db.session.scalars(sa.select(User).where(User.role == "student")))


def ready_student(app):
    """A demo student and a bank on which they have enough studied for a prediction."""
    with app.app_context():
        for student in students(app):
            for row in readiness.readiness_by_bank(db.session, student):
                if row.readiness.enough_data:
                    return student, row
    raise AssertionError("no demo student has studied enough of any bank")


def test_a_student_who_never_reviewed_gets_no_number(app, client, auth):
    load_banks(app, QUESTIONS)
    auth.register("fresh")
    page = text(client, "/banks/surge-of-chinese-llms")
    assert re.search(r"Not enough data yet: review \d+ more cards of this bank", page)
    assert not SENTENCE.search(page) and "Study this deck" in page
    dashboard = text(client, "/progress/")
    table = dashboard.split('id="readiness"')[1].split("</table>")[0]
    assert table.count("Not enough data yet") == 10 and "%" not in table.split("<tbody>")[1]


def test_the_bank_page_and_the_dashboard_give_the_prediction(demo_app):
    student, row = ready_student(demo_app)
    client = demo_app.test_client()
    Auth(client).login(student.username, DEMO_PASSWORD)
    page = text(client, f"/banks/{row.slug}")
    expected, low, high = map(int, SENTENCE.search(page).groups())
    r = row.readiness
    assert (expected, low, high) == tuple(round(100 * v) for v in (r.expected, r.low, r.high))
    assert low <= expected <= high
    dashboard = text(client, "/progress/")
    line = dashboard.split(f'data-bank="{row.slug}"')[1].split("</tr>")[0]
    assert f"{expected}%" in line and f"{low}–{high}%" in line
    assert "You would" not in dashboard.split('id="readiness"')[1]  # a table, for staff too
    teacher = staff_client(demo_app, "admin")
    assert (
        f"{expected}%"
        in text(teacher, f"/class/students/{student.id}")
        .split(f'data-bank="{row.slug}"')[1]
        .split("</tr>")[0]
    )


def test_the_prediction_of_a_whole_bank_is_the_readiness_score(demo_app):
    student, row = ready_student(demo_app)
    with demo_app.app_context():
        user = db.session.get(User, student.id)
        ids = db.session.scalars(
            sa.select(Question.id)
            .join(Bank, Question.bank_id == Bank.id)
            .where(Bank.slug == row.slug, Question.retired_at.is_(None))
        ).all()
        predicted = readiness.predicted_score(db.session, user, list(ids))
    assert abs(predicted - row.readiness.expected) < 1e-6


def test_each_attempt_keeps_the_prediction_made_when_it_started(demo_app):
    student, row = ready_student(demo_app)
    with demo_app.app_context():
        user = db.session.get(User, student.id)
        attempt = quizzes.start_quiz(
            db.session, user, QuizRequest(banks=[row.slug], count=10), rng=random.Random(3)
        )
        ids = [item.question_id for item in attempt.items]
        kept = attempt.settings[readiness.PREDICTION]
        assert 0 <= kept <= 1
        assert abs(kept - readiness.predicted_score(db.session, user, ids)) < 0.01


def test_a_student_without_reviews_has_no_prediction_kept(app, auth):
    load_banks(app, QUESTIONS)
    auth.register("fresh")
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "fresh"))
        attempt = quizzes.start_quiz(db.session, user, QuizRequest(count=5))
        assert readiness.PREDICTION not in attempt.settings


def test_instructors_see_predictions_against_scores_on_demo_data(demo_app):
    with demo_app.app_context():
        calibration = readiness.class_calibration(db.session)
    assert calibration.count >= 40  # most demo quizzes start after some study
    assert calibration.mean_abs_error <= DEMO_TOLERANCE
    with demo_app.app_context():
        predicted, actual = zip(*readiness.prediction_pairs(db.session, ()), strict=True)
    assert statistics.correlation(predicted, actual) >= DEMO_CORRELATION
    page = text(staff_client(demo_app, "admin"), "/class/")
    assert "Are the readiness predictions right?" in page
    assert re.search(rf"Over {calibration.count} finished quizzes, the score predicted", page)
    assert 'id="calibration-chart"' in page and 'id="calibration-chart-desc"' in page
    rows = page.split('id="calibration-table"')[1].split("</table>")[0].count("<tr>")
    assert rows == len(calibration.bins) + 1  # the header row and one row per bin


def test_without_predictions_the_check_says_so(app):
    load_banks(app, QUESTIONS)
    page = text(staff_client(app), "/class/")
    assert "No finished quiz has a prediction yet" in page


def test_students_do_not_see_the_check(demo_app):
    client = demo_app.test_client()
    Auth(client).login(students(demo_app)[0].username, DEMO_PASSWORD)
    assert "Are the readiness predictions right?" not in text(client, "/progress/")
    with demo_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attempt)) > 0
