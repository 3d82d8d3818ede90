"""Classes over HTTP, as instructors and students use them: creating a class, joining with a
code or a link, assigning a quiz and a goal, taking an assigned exam, the review as its options
allow (results, JSON, attempts, CSV, dashboard), "My classes" and what is due next, the
gradebook and its CSV, overrides, reopening, and the reports narrowed to a class."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Assignment, Attempt, Course, User, utcnow
from tests.conftest import Auth
from tests.factories import (
    PASSWORD,
    STAFF_PASSWORD,
    answer_fields,
    enrol,
    first_card,
    items_of,
    make_attempt,
    make_course,
    make_quiz_assignment,
    make_review,
    make_user,
    step_of,
    take_assignment,
)

PARIS = ZoneInfo("Europe/Paris")


# Real time throughout: these tests go through the pages, which read the real now. Every date
# is minutes or whole days from it and compared as a moment, never as a calendar day, so the
# hour and the time zone do not matter; local() writes it in the class's zone (Paris), to the
# minute (an hour early at most in autumn's repeated hour, well within those margins).


def local(moment: datetime) -> str:
    """A naive UTC time as a Paris datetime-local field value."""
    return moment.replace(tzinfo=UTC).astimezone(PARIS).strftime("%Y-%m-%dT%H:%M")


def logged_in(app, username: str, password: str = PASSWORD) -> Auth:
    auth = Auth(app.test_client())
    assert auth.login(username, password).status_code == 302
    return auth


def row(app, model, row_id):
    with app.app_context():
        return db.session.get(model, row_id)


@pytest.fixture
def teacher(sample_app):
    make_user(sample_app, "teacher", "instructor", STAFF_PASSWORD)
    return logged_in(sample_app, "teacher", STAFF_PASSWORD)


def quiz_form(**changes) -> dict:
    form = {"title": "Week 1 exam", "banks": ["sample-bank"], "count": "3", "shuffle": "y",
            "mode": "exam", "time_limit": "", "attempts_allowed": "1",
            "grading_method": "highest", "opens_at": "", "due_at": "", "closes_at": "",
            "review_immediately_after_score": "y", "review_after_close_score": "y",
            "review_after_close_answers": "y", "review_after_close_feedback": "y"}  # fmt: skip
    form.update(changes)
    return {key: value for key, value in form.items() if value is not None}


def test_instructor_creates_a_class_and_students_join_by_code_and_link(sample_app, teacher):
    created = teacher.post("/classes/new", {"name": "Physics 101", "term": "Spring",
                                            "timezone": "Europe/Paris"})  # fmt: skip
    assert created.status_code == 302
    course_id = int(re.search(r"/classes/(\d+)/teach", created.headers["Location"]).group(1))
    page = teacher.client.get(f"/classes/{course_id}/teach").get_data(as_text=True)
    code = re.search(r'id="join-code">([A-Z0-9]+)<', page).group(1)
    assert f"/classes/join/{code}" in page

    make_user(sample_app, "ada")
    ada = logged_in(sample_app, "ada")
    link = ada.client.get(f"/classes/join/{code}")
    assert link.status_code == 200 and "Join Physics 101" in link.get_data(as_text=True)
    with sample_app.app_context():  # a GET joins nobody
        assert len(db.session.get(Course, course_id).members) == 1
    joined = ada.post("/classes/join", {"code": code})
    assert joined.headers["Location"].endswith(f"/classes/{course_id}")
    assert "Physics 101" in ada.client.get("/classes/").get_data(as_text=True)

    make_user(sample_app, "bob")
    bob = logged_in(sample_app, "bob")
    typed = f"{code[:4].lower()} {code[4:]}"
    assert bob.post("/classes/join", {"code": typed}).status_code == 302
    wrong = bob.post("/classes/join", {"code": "ZZZZ2222"})
    assert wrong.status_code == 422 and "No open class" in wrong.get_data(as_text=True)
    assert bob.client.get("/classes/join/ZZZZ2222").status_code == 404

    roster = teacher.client.get(f"/classes/{course_id}/teach").get_data(as_text=True)
    assert re.findall(r'<tr data-student="([^"]+)"', roster) == ["ada", "bob"]


def test_class_form_errors_are_shown_and_students_cannot_create(sample_app, teacher):
    empty = teacher.post("/classes/new", {"name": "", "timezone": "UTC"})
    assert empty.status_code == 422 and "This field is required" in empty.get_data(as_text=True)
    bad_zone = teacher.post("/classes/new", {"name": "X", "timezone": "Mars/Base"})
    assert bad_zone.status_code == 422
    make_user(sample_app, "ada")
    assert logged_in(sample_app, "ada").client.get("/classes/new").status_code == 403


def test_assigning_a_quiz_keeps_its_settings_in_the_class_time_zone(sample_app, teacher):
    course_id = make_course(sample_app, row_user(sample_app, "teacher"))
    opens = datetime(2031, 1, 10, 8, 0)  # Paris winter: UTC+1
    form = quiz_form(opens_at="2031-01-10T09:00", due_at="2031-01-11T09:00",
                     closes_at="2031-07-10T09:00", time_limit="30", attempts_allowed="2",
                     grading_method="average")  # fmt: skip
    saved = teacher.post(f"/classes/{course_id}/assignments/new", form)
    assert saved.status_code == 302, saved.get_data(as_text=True)
    with sample_app.app_context():
        assignment = db.session.scalar(sa.select(Assignment))
        assert assignment.opens_at == opens
        assert assignment.closes_at == datetime(2031, 7, 10, 7, 0)  # summer: UTC+2
        assert (assignment.time_limit_minutes, assignment.attempts_allowed) == (30, 2)
        assert assignment.review["immediately_after"] == ["score"]
        assert assignment.review["after_close"] == ["score", "answers", "feedback"]
        assert assignment.review["during"] == [] and assignment.grading_method == "average"
    edit = teacher.client.get(f"/classes/{course_id}/assignments/{assignment.id}/edit")
    assert 'value="2031-01-10T09:00"' in edit.get_data(as_text=True)  # shown back in Paris time
    summary = teacher.client.get(f"/classes/{course_id}/assignments/{assignment.id}/teach")
    assert "Fri 10 Jan 2031, 09:00 CET" in summary.get_data(as_text=True)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"opens_at": "2031-01-10T09:00", "closes_at": "2031-01-09T09:00"}, "close date must"),
        ({"mode": "practice", "time_limit": "20"}, "exam only"),
        ({"count": "0"}, "between 1 and 100"),
        ({"banks": ["nope"]}, "not a valid choice"),
        ({"title": ""}, "This field is required"),
    ],
)
def test_bad_assignment_forms_are_refused_with_a_message(sample_app, teacher, changes, message):
    course_id = make_course(sample_app, row_user(sample_app, "teacher"))
    refused = teacher.post(f"/classes/{course_id}/assignments/new", quiz_form(**changes))
    assert refused.status_code == 422 and message in refused.get_data(as_text=True)
    with sample_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Assignment)) == 0


def test_a_flashcard_goal_shows_progress_from_reviews(sample_app, teacher):
    course_id = make_course(sample_app, row_user(sample_app, "teacher"))
    ada = make_user(sample_app, "ada")
    enrol(sample_app, course_id, ada)
    due = local(utcnow() + timedelta(days=3))
    saved = teacher.post(f"/classes/{course_id}/goals/new",
                         {"title": "Review the sample deck", "deck": "sample-bank",
                          "target": "seen", "opens_at": "", "due_at": due})  # fmt: skip
    assert saved.status_code == 302
    student = logged_in(sample_app, "ada")
    assert "Not started" in student.client.get("/classes/").get_data(as_text=True)
    make_review(sample_app, ada, first_card(sample_app))
    page = student.client.get("/classes/").get_data(as_text=True)
    assert re.search(r"1/\d+ cards", page) and "In progress" in page
    missing = teacher.post(f"/classes/{course_id}/goals/new",
                           {"title": "x", "deck": "sample-bank", "target": "seen"})  # fmt: skip
    assert missing.status_code == 422


def row_user(app, name: str) -> User:
    with app.app_context():
        return db.session.scalar(sa.select(User).where(User.username == name))


@pytest.fixture
def exam(sample_app):
    """A class with an assigned exam (score right after; everything after the close, in a
    day) and a student, ada, who joined it."""
    teacher = make_user(sample_app, "teacher", "instructor", STAFF_PASSWORD)
    course_id = make_course(sample_app, teacher)
    ada = make_user(sample_app, "ada")
    enrol(sample_app, course_id, ada)
    review = {"immediately_after": ["score"], "after_close": ["score", "answers", "feedback"]}
    assignment_id = make_quiz_assignment(
        sample_app, course_id, closes_at=utcnow() + timedelta(days=1), review=review
    )
    return sample_app, course_id, assignment_id, ada


def test_a_student_takes_an_assigned_exam_and_sees_what_the_options_allow(exam):
    app, course_id, assignment_id, ada = exam
    student = logged_in(app, "ada")
    page = student.client.get(f"/classes/{course_id}/assignments/{assignment_id}")
    assert "Start attempt" in page.get_data(as_text=True)
    started = student.post(f"/classes/{course_id}/assignments/{assignment_id}/start")
    attempt_id = int(re.search(r"/quiz/(\d+)", started.headers["Location"]).group(1))
    for item in items_of(app, attempt_id):
        fields = answer_fields(item, right=item.position == 0)  # one right of three
        data = {"step": str(step_of(app, attempt_id)), "action": "save", **fields}
        student.post(f"/quiz/{attempt_id}/q/{item.position}", data)
    # While it runs, the question page shows no feedback and the JSON no results.
    question = student.client.get(f"/quiz/{attempt_id}/q/0").get_data(as_text=True)
    assert 'id="feedback"' not in question
    assert student.client.get(f"/quiz/{attempt_id}/results.json").status_code == 409
    student.post(f"/quiz/{attempt_id}/submit", {"step": str(step_of(app, attempt_id))})
    key = answer_fields(items_of(app, attempt_id)[1], right=True)

    # Immediately after: the score only.
    results = student.client.get(f"/quiz/{attempt_id}/results").get_data(as_text=True)
    assert "1 / 3" in results and "Correct answer" not in results and "review-note" in results
    data = student.client.get(f"/quiz/{attempt_id}/results.json").get_json()
    assert data["phase"] == "immediately_after" and data["score"] == 1.0
    assert {q["correct_answer"] for q in data["questions"]} == {None}

    # Later, while open: nothing.
    with app.app_context():
        db.session.get(Attempt, attempt_id).submitted_at = utcnow() - timedelta(minutes=5)
        db.session.commit()
    results = student.client.get(f"/quiz/{attempt_id}/results").get_data(as_text=True)
    assert "1 / 3" not in results and "not shown yet" in results
    assert 'data-verdict="hidden"' in results and "Correct answer" not in results
    data = student.client.get(f"/quiz/{attempt_id}/results.json").get_json()
    assert data["phase"] == "later_while_open" and data["score"] is None
    assert {q["points"] for q in data["questions"]} == {None}
    assert json.dumps(key) not in json.dumps(data)
    listing = student.client.get("/progress/attempts").get_data(as_text=True)
    assert "not shown yet" in listing and "1 / 3" not in listing
    rows = list(csv.DictReader(io.StringIO(
        student.client.get("/progress/export/attempts.csv").get_data(as_text=True))))  # fmt: skip
    assert {(r["score"], r["points"]) for r in rows} == {("", "")}
    board = student.client.get("/progress/").get_data(as_text=True)
    assert "No finished attempts yet." in board
    mine = student.client.get("/classes/").get_data(as_text=True)
    assert "Submitted" in mine and "not shown yet" in mine and "33%" not in mine

    # After the close date: everything.
    with app.app_context():
        db.session.get(Assignment, assignment_id).closes_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    results = student.client.get(f"/quiz/{attempt_id}/results").get_data(as_text=True)
    assert "1 / 3" in results and "Correct answer" in results and "review-note" not in results
    data = student.client.get(f"/quiz/{attempt_id}/results.json").get_json()
    assert data["phase"] == "after_close" and data["questions"][0]["correct_answer"]
    assert "33%" in student.client.get("/classes/").get_data(as_text=True)


def test_a_practice_assignment_checks_answers_as_its_options_say(exam):
    app, course_id, _, ada = exam
    options = {"during": ["score"]}
    assignment_id = make_quiz_assignment(app, course_id, mode="practice", review=options,
                                         title="Practice set")  # fmt: skip
    student = logged_in(app, "ada")
    started = student.post(f"/classes/{course_id}/assignments/{assignment_id}/start")
    attempt_id = int(re.search(r"/quiz/(\d+)", started.headers["Location"]).group(1))
    item = items_of(app, attempt_id)[0]
    data = {"step": str(step_of(app, attempt_id)), "action": "check",
            **answer_fields(item, right=False)}  # fmt: skip
    student.post(f"/quiz/{attempt_id}/q/0", data)
    page = student.client.get(f"/quiz/{attempt_id}/q/0").get_data(as_text=True)
    assert 'id="feedback"' in page and "Incorrect: 0 of 1 point" in page
    assert "Correct answer" not in page  # not ticked for "during"


def test_my_classes_and_the_home_page_show_what_is_due_next(exam):
    app, course_id, assignment_id, ada = exam
    make_quiz_assignment(app, course_id, title="Later quiz",
                         opens_at=utcnow() + timedelta(days=2),
                         closes_at=utcnow() + timedelta(days=5))  # fmt: skip
    student = logged_in(app, "ada")
    home = student.client.get("/").get_data(as_text=True)
    due = home.split('id="due-next"')[1].split("</ul>")[0]
    assert due.index("Unit test") < due.index("Later quiz") and "opens" in due
    classes_page = student.client.get("/classes/").get_data(as_text=True)
    assert "Not started" in classes_page and "Physics 101" in classes_page
    take_assignment(app, ada, assignment_id)
    home = student.client.get("/").get_data(as_text=True)
    assert "Unit test" not in home.split('id="due-next"')[1].split("</ul>")[0]


def test_gradebook_csv_and_click_through_to_any_attempt(exam):
    app, course_id, assignment_id, ada = exam
    bob, carol = make_user(app, "bob"), make_user(app, "carol")
    enrol(app, course_id, bob, carol)
    take_assignment(app, ada, assignment_id, answers="right")
    take_assignment(app, bob, assignment_id, answers="wrong")
    with app.app_context():  # bob was late: the due date passed before he submitted
        db.session.get(Assignment, assignment_id).due_at = utcnow() - timedelta(hours=1)
        for student, minutes in ((ada, 90), (bob, 30)):
            attempt = db.session.scalar(sa.select(Attempt).where(Attempt.user_id == student.id))
            attempt.submitted_at = utcnow() - timedelta(minutes=minutes)
        db.session.commit()
    teacher = logged_in(app, "teacher", STAFF_PASSWORD)
    page = teacher.client.get(f"/classes/{course_id}/gradebook").get_data(as_text=True)
    statuses = dict(re.findall(r'<tr data-student="(\w+)">.*?data-status="(\w+)"', page, re.S))
    assert statuses == {"ada": "submitted", "bob": "late", "carol": "not_started"}
    assert "100%" in page and "0%" in page
    exported = teacher.client.get(f"/classes/{course_id}/gradebook.csv")
    assert 'filename="class-' in exported.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    assert [(r["username"], r["Unit test (%)"], r["Unit test status"]) for r in rows] == [
        ("ada", "100.0", "submitted"), ("bob", "0.0", "late"), ("carol", "", "not_started")
    ]  # fmt: skip
    cell = f"/classes/{course_id}/assignments/{assignment_id}/students/{bob.id}"
    assert f'href="{cell}"' in page
    attempts = teacher.client.get(cell).get_data(as_text=True)
    attempt_url = re.search(rf'href="(/classes/{course_id}/attempts/\d+)"', attempts).group(1)
    review = teacher.client.get(attempt_url).get_data(as_text=True)
    assert "Correct answer" in review and "0 / 3" in review  # staff see everything


def test_an_override_and_a_reopen_over_http(exam):
    app, course_id, assignment_id, ada = exam
    attempt_id = take_assignment(app, ada, assignment_id)
    teacher = logged_in(app, "teacher", STAFF_PASSWORD)
    base = f"/classes/{course_id}/assignments/{assignment_id}/students/{ada.id}"
    later = utcnow() + timedelta(days=7)
    saved = teacher.post(base + "/override", {"closes_at": local(later), "extra_minutes": "10",
                                              "extra_attempts": "1"})  # fmt: skip
    assert saved.status_code == 302
    page = teacher.client.get(base).get_data(as_text=True)
    assert 'id="student-attempts">2<' in page and "Remove the override" in page
    bad = teacher.post(base + "/override", {"closes_at": "", "extra_minutes": "-5",
                                            "extra_attempts": "0"})  # fmt: skip
    assert bad.status_code == 302 and "between 0 and 1000" in teacher.client.get(base).get_data(
        as_text=True
    )
    student = logged_in(app, "ada")
    assignment_page = student.client.get(f"/classes/{course_id}/assignments/{assignment_id}")
    assert "Start attempt 2" in assignment_page.get_data(as_text=True)

    reopened = teacher.post(f"/classes/{course_id}/attempts/{attempt_id}/reopen")
    assert reopened.status_code == 302
    assert row(app, Attempt, attempt_id).status == "in_progress"
    assert student.client.get(f"/quiz/{attempt_id}").headers["Location"].endswith("/q/0")
    removed = teacher.post(base + "/override/delete")
    assert removed.status_code == 302 and "Remove the override" not in teacher.client.get(
        base
    ).get_data(as_text=True)


def test_remove_regenerate_archive_and_co_instructors(exam):
    app, course_id, assignment_id, ada = exam
    make_user(app, "second", "instructor", STAFF_PASSWORD)
    teacher = logged_in(app, "teacher", STAFF_PASSWORD)
    old = row(app, Course, course_id).join_code
    teacher.post(f"/classes/{course_id}/code")
    assert row(app, Course, course_id).join_code != old
    teacher.post(f"/classes/{course_id}/instructors", {"username": "second"})
    second = logged_in(app, "second", STAFF_PASSWORD)
    assert second.client.get(f"/classes/{course_id}/gradebook").status_code == 200
    refused = teacher.post(f"/classes/{course_id}/instructors", {"username": "ada"})
    assert refused.status_code == 302
    assert "No instructor account" in teacher.client.get(f"/classes/{course_id}/teach").get_data(
        as_text=True
    )
    teacher.post(f"/classes/{course_id}/students/{ada.id}/remove")
    student = logged_in(app, "ada")
    assert student.client.get(f"/classes/{course_id}").status_code == 404
    teacher.post(f"/classes/{course_id}/archive")
    assert row(app, Course, course_id).archived
    code = row(app, Course, course_id).join_code
    assert student.post("/classes/join", {"code": code}).status_code == 422
    teacher.post(f"/classes/{course_id}/archive")
    assert student.post("/classes/join", {"code": code}).status_code == 302
    with app.app_context():
        names = db.session.scalars(sa.select(User.username).order_by(User.username)).all()
    assert names == ["ada", "second", "teacher"]


def test_reports_narrow_to_a_class_and_an_assignment(exam):
    app, course_id, assignment_id, ada = exam
    bob = make_user(app, "bob")
    enrol(app, course_id, bob)
    outsider = make_user(app, "outsider")
    other = make_quiz_assignment(app, course_id, title="Second", attempts_allowed=0)
    take_assignment(app, ada, assignment_id, answers="right")
    take_assignment(app, ada, other, answers="wrong")
    take_assignment(app, bob, other, answers="wrong")
    make_attempt(app, outsider, answers="right", submit=True)
    teacher = logged_in(app, "teacher", STAFF_PASSWORD)
    everyone = teacher.client.get("/class/").get_data(as_text=True)
    assert re.findall(r'data-student="([^"]+)"', everyone) == ["ada", "bob"]  # never outsider
    narrowed = teacher.client.get(f"/class/?course={course_id}&assignment={assignment_id}")
    html = narrowed.get_data(as_text=True)
    ada_row = html.split('data-student="ada"')[1].split("</tr>")[0]
    assert re.findall(r'<td class="text-end">(\d+)</td>', ada_row)[0] == "1"  # attempts
    assert "100%" in ada_row
    exported = teacher.client.get(f"/class/export.csv?course={course_id}&assignment={other}")
    rows = {r["username"]: r for r in csv.DictReader(io.StringIO(exported.get_data(as_text=True)))}
    assert rows["ada"]["average_percent"] == "0.0" and set(rows) == {"ada", "bob"}

    def first_question(query: str) -> list[str]:
        """Responses and facility of the bank's first question in the item analysis."""
        html = teacher.client.get(f"/class/items?bank=sample-bank&{query}").get_data(as_text=True)
        cells = html.split("<tr data-question=")[1].split("</tr>")[0]
        return re.findall(r'<td class="text-end">([^<]+)</td>', cells)[:2]

    # Ada's first try at the question was right (the first assignment); within the second
    # assignment, both students got it wrong.
    assert first_question(f"course={course_id}") == ["2", "50%"]
    assert first_question(f"course={course_id}&assignment={other}") == ["2", "0%"]
    assert first_question(f"assignment={assignment_id}") == ["1", "100%"]
    assert teacher.client.get("/class/?course=999").status_code == 404
    assert teacher.client.get(f"/class/students/{outsider.id}").status_code == 404
    assert teacher.client.get(f"/class/students/{bob.id}").status_code == 200
