"""A class in Chromium: an instructor creates it and assigns an exam with review options; one
student joins with the link (registering on the way), another with the code; the exam is
taken; its review changes as the options say before and after the close date; the gradebook
and its CSV; an override lets a student in after the close. Then a student does it all with
JavaScript off."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from quizapp.extensions import db
from quizapp.models import Attempt, User, utcnow
from tests.browser.helpers import PASSWORD, finish_exam, log_in, register, serious_violations
from tests.factories import STAFF_PASSWORD, make_course, make_quiz_assignment, make_user

pytestmark = pytest.mark.browser
PARIS = ZoneInfo("Europe/Paris")


# Real time throughout: the server and the browser read the real now. Every date is minutes,
# hours or a day from it and compared as a moment, never as a calendar day, so the hour and
# the time zone do not matter; paris() writes it in the class's zone, to the minute.


def paris(moment) -> str:
    """A naive UTC time as the class's datetime-local field takes it."""
    return moment.replace(tzinfo=UTC).astimezone(PARIS).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def new_page(browser):
    """More people, each in their own browser context, with the same CSP watch as `page`."""
    contexts, violations = [], []

    def make(javascript: bool = True):
        context = browser.new_context(java_script_enabled=javascript)
        contexts.append(context)
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())
        page.on("console", lambda m: violations.append(m.text) if "Content Security" in m.text
                else None)  # fmt: skip
        return page

    yield make
    for context in contexts:
        context.close()
    assert violations == []


def test_a_class_from_creation_to_gradebook(sample_app, live_server, page, new_page):
    base = live_server
    page.on("dialog", lambda dialog: dialog.accept())
    make_user(sample_app, "teacher", "instructor", STAFF_PASSWORD)
    log_in(page, base, "teacher", STAFF_PASSWORD)

    # The instructor creates a class...
    page.get_by_role("link", name="Classes").click()
    page.get_by_role("link", name="New class").click()
    page.get_by_label("Class name").fill("Physics 101")
    page.get_by_label("Term (optional)").fill("Spring")
    page.get_by_label("Time zone").select_option("Europe/Paris")
    page.get_by_role("button", name="Create class").click()
    page.wait_for_url(re.compile(r".*/classes/\d+/teach$"))
    code = page.locator("#join-code").inner_text()
    link = page.locator("#join-link").input_value()
    assert link.endswith(f"/classes/join/{code}")
    assert serious_violations(page) == []

    # ... and assigns an exam: score right after, nothing later, everything after the close.
    page.get_by_role("link", name="Assign a quiz").click()
    page.get_by_label("Title", exact=True).fill("Week 1 exam")
    page.get_by_label("Sample Bank").check()
    page.get_by_label("Number of questions").fill("3")
    page.get_by_label("Shuffle").uncheck()
    page.get_by_label("Exam: answers are marked").check()
    page.get_by_label("Time limit in minutes").fill("10")
    page.get_by_label("Closes (optional)").fill(paris(utcnow() + timedelta(days=1)))
    for label in (
        "Right answers: immediately after the attempt",
        "Feedback: immediately after the attempt",
        "Score: later, while still open",
        "Right answers: later, while still open",
        "Feedback: later, while still open",
    ):
        page.get_by_label(label).uncheck()  # fmt: skip
    assert serious_violations(page) == []
    page.get_by_role("button", name="Assign", exact=True).click()
    page.wait_for_url(re.compile(r".*/assignments/\d+/teach$"))
    summary = page.locator("#review-summary tbody tr")
    expect(summary.nth(1)).to_have_text(re.compile(r"Immediately after.*✓\s*—\s*—"))
    expect(summary.nth(3)).to_have_text(re.compile(r"After the close date.*✓\s*✓\s*✓"))

    # Ada follows the link, creates her account on the way, and joins.
    ada = new_page()
    ada.goto(link)
    ada.get_by_role("link", name="Create an account").click()
    ada.get_by_label("Username").fill("ada")
    ada.get_by_label("Password", exact=True).fill(PASSWORD)
    ada.get_by_label("Repeat the password").fill(PASSWORD)
    ada.get_by_role("button", name="Create account").click()
    ada.wait_for_url(f"{base}/classes/join/{code}")
    ada.get_by_role("button", name="Join Physics 101").click()
    expect(ada.get_by_role("heading", level=1)).to_have_text("Physics 101")
    assert serious_violations(ada) == []

    # Bob types the code.
    bob = new_page()
    register(bob, base, "bob")
    bob.goto(base + "/classes/")
    bob.get_by_label("Class code").fill(code.lower())
    bob.get_by_role("button", name="Join", exact=True).click()
    expect(bob.get_by_role("heading", level=1)).to_have_text("Physics 101")

    # Ada takes the exam with its own settings: two right answers, one left blank.
    ada.get_by_role("link", name="Week 1 exam").click()
    assert serious_violations(ada) == []
    ada.get_by_role("button", name="Start attempt").click()
    ada.wait_for_url(re.compile(r".*/quiz/\d+/q/0$"))
    attempt_id = int(re.search(r"/quiz/(\d+)/", ada.url).group(1))
    assert "left" in ada.locator("#countdown").inner_text()  # the assignment's time limit
    ada.get_by_label("Mercury").check()
    ada.get_by_role("button", name="Save and next").click()
    ada.get_by_role("button", name="Save and next").click()
    ada.get_by_label("True").check()
    finish_exam(ada)
    ada.wait_for_url(re.compile(r".*/results$"))
    # Right after: the score only.
    expect(ada.locator("#score")).to_contain_text("2 / 3")
    assert "Correct answer" not in ada.content()
    assert serious_violations(ada) == []

    # Later, while open: nothing (two minutes have passed, as far as the server knows).
    with sample_app.app_context():
        db.session.get(Attempt, attempt_id).submitted_at = utcnow() - timedelta(minutes=3)
        db.session.commit()
    ada.reload()
    expect(ada.locator("#score")).to_contain_text("not shown yet")
    assert "2 / 3" not in ada.content()

    # The instructor closes it now (an edit of the close date) ...
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Closes (optional)").fill(paris(utcnow() - timedelta(minutes=1)))
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r".*/assignments/\d+/teach$"))
    # ... and after the close date the review shows everything.
    ada.reload()
    expect(ada.locator("#score")).to_contain_text("2 / 3")
    assert ada.get_by_text("Correct answer").count() == 3

    # The gradebook: Ada's grade, Bob missed it; the CSV says the same.
    page.get_by_role("link", name="Gradebook").click()
    assert serious_violations(page) == []
    expect(page.locator('tr[data-student="ada"] td')).to_contain_text("67%")
    expect(page.locator('tr[data-student="bob"] td')).to_contain_text("Missed")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the gradebook (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    assert [(r["username"], r["Week 1 exam (%)"], r["Week 1 exam status"]) for r in rows] == [
        ("ada", "66.7", "submitted"), ("bob", "", "missed")
    ]  # fmt: skip

    # An override lets Bob in after the close: his own close date, two hours from now.
    page.locator('tr[data-student="bob"] td a').click()
    page.get_by_label("Close date for this student").fill(paris(utcnow() + timedelta(hours=2)))
    page.get_by_role("button", name="Save the override").click()
    expect(page.get_by_role("button", name="Remove the override")).to_be_visible()
    assert serious_violations(page) == []
    bob.goto(base + "/classes/")
    bob.get_by_role("link", name="Week 1 exam").click()
    bob.get_by_role("button", name="Start attempt").click()
    bob.wait_for_url(re.compile(r".*/quiz/\d+/q/0$"))
    finish_exam(bob)
    bob.wait_for_url(re.compile(r".*/results$"))
    expect(bob.locator("#score")).to_contain_text("0 / 3")  # right after, his close to come
    assert "Correct answer" not in bob.content()
    page.get_by_role("link", name="Gradebook").click()
    expect(page.locator('tr[data-student="bob"] td')).to_have_attribute("data-status", "submitted")


def test_a_student_with_javascript_off_joins_and_takes_an_exam(sample_app, live_server, new_page):
    teacher = make_user(sample_app, "teacher", "instructor", STAFF_PASSWORD)
    course_id = make_course(sample_app, teacher)
    make_quiz_assignment(sample_app, course_id, closes_at=utcnow() + timedelta(days=1),
                         time_limit_minutes=15)  # fmt: skip
    with sample_app.app_context():
        code = db.session.execute(sa.text("SELECT join_code FROM course")).scalar()
    student = new_page(javascript=False)
    register(student, live_server, "nojs")
    student.goto(live_server + "/classes/")
    student.get_by_label("Class code").fill(code)
    student.get_by_role("button", name="Join", exact=True).click()
    student.get_by_role("link", name="Unit test").click()
    student.get_by_role("button", name="Start attempt").click()
    student.wait_for_url(re.compile(r".*/quiz/\d+/q/0$"))
    student.get_by_label("Mercury").check()
    finish_exam(student)
    student.wait_for_url(re.compile(r".*/results$"))
    expect(student.locator("#score")).to_contain_text("1 / 3")
    student.goto(live_server + "/")
    assert student.locator("#due-next").count() == 0  # submitted: nothing is due
    with sample_app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "nojs"))
        enrolled = db.session.scalar(sa.select(Attempt).where(Attempt.user_id == user.id))
    assert enrolled.assignment_id is not None
