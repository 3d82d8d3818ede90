"""Students in Chromium: a practice quiz of all eight types; a timed exam that runs out."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from quizapp.extensions import db
from quizapp.models import Attempt, utcnow
from tests.browser.helpers import register, serious_violations
from tests.factories import sample_counts

pytestmark = pytest.mark.browser

# How a student who knows the sample bank answers each question, found by its prompt.
ANSWERS = {
    "closest to the Sun": lambda page: page.get_by_label("Mercury").check(),
    "even numbers": lambda page: (page.get_by_label("2", exact=True).check(),
                                  page.get_by_label("4", exact=True).check()),
    "Water boils": lambda page: page.get_by_label("True").check(),
    "Hamlet": lambda page: page.get_by_label("Your answer").fill("shakespeare"),
    "pi to two": lambda page: page.get_by_label("Your answer").fill("3.14"),
    "between 1 and 5": lambda page: page.get_by_label("Your answer").fill("4"),
    "increasing order": lambda page: [
        page.get_by_label(f"Position {n}").select_option(word)
        for n, word in enumerate(["one", "two", "three", "four"], start=1)
    ],
    "capital": lambda page: [
        page.get_by_label(country).select_option(city)
        for country, city in (("France", "Paris"), ("Italy", "Rome"), ("Spain", "Madrid"))
    ],
    "Fill in the blanks": lambda page: (page.get_by_label("Blank 1").fill("Blue"),
                                        page.get_by_label("Blank 2").fill("verdant")),
}  # fmt: skip


def answer_shown_question(page) -> None:
    prompt = page.locator("#prompt").inner_text()
    for fragment, act in ANSWERS.items():
        if fragment in prompt:
            act(page)
            return
    raise AssertionError(f"no answer for {prompt!r}")


def test_practice_quiz_of_all_eight_types_with_feedback(sample_app, live_server, page):
    register(page, live_server, "practiser")
    assert serious_violations(page) == []
    page.get_by_role(
        "button", name="Practise Sample Bank", exact=True
    ).click()  # one click to a quiz
    page.wait_for_url(re.compile(r".*/quiz/\d+/q/0$"))
    assert serious_violations(page) == []
    total = sample_counts()["questions"]
    for number in range(1, total + 1):
        # A click on "Next question" starts a navigation: wait for the page, never read it mid-way.
        expect(page.locator("body")).to_contain_text(f"Question {number} of {total}")
        answer_shown_question(page)
        page.get_by_role("button", name="Check answer").click()
        feedback = page.locator("#feedback")
        expect(feedback).to_have_text(re.compile(r"^\s*Correct: 1 of 1 point"))
        expect(feedback).to_contain_text("Correct answer")
        if number == 1:
            assert serious_violations(page) == []
        if number < total:
            page.get_by_role("link", name="Next question").click()
            page.wait_for_url(re.compile(rf".*/q/{number}$"))
    page.get_by_role("button", name="See my results").click()
    page.wait_for_url(re.compile(r".*/results$"))
    assert f"{total} / {total}" in page.locator("#score").inner_text()
    assert page.locator('.result-row[data-verdict="correct"]').count() == total
    assert serious_violations(page) == []


def test_timed_exam_reload_resume_and_run_out(sample_app, live_server, page):
    register(page, live_server, "examinee")
    page.goto(live_server + "/quiz/new")
    assert serious_violations(page) == []
    page.get_by_label("Sample Bank").check()
    page.get_by_label("Number of questions").fill("4")
    page.get_by_label("Exam: no feedback").check()
    page.get_by_label("Time limit in minutes").fill("10")
    page.get_by_role("button", name="Start").click()
    page.wait_for_url(re.compile(r".*/quiz/(\d+)/q/0$"))
    attempt_id = int(re.search(r"/quiz/(\d+)/", page.url).group(1))
    expect(page.locator("#countdown")).to_contain_text("left")
    assert serious_violations(page) == []

    answer_shown_question(page)
    page.get_by_role("button", name="Save and next").click()
    page.wait_for_url(re.compile(r".*/q/1$"))
    answer_shown_question(page)  # typed but not sent: autosave keeps it
    expect(page.locator("#autosave-status")).to_have_text("Saved")

    page.reload()  # a reload (or a closed tab) loses nothing
    page.goto(live_server + "/")
    page.get_by_role("link", name=re.compile("Exam: Sample Bank")).click()
    page.wait_for_url(re.compile(r".*/q/1$"))
    nav = page.get_by_role("navigation", name="Questions of this exam")
    assert nav.get_by_role("button", name="Question 1, answered").count() == 1
    assert nav.get_by_role("button", name="Question 2, answered").count() == 1

    with sample_app.app_context():
        # Bring the deadline close rather than wait ten minutes; the server still decides (by
        # the real now: the page and its countdown read it).
        db.session.get(Attempt, attempt_id).deadline = utcnow() + timedelta(seconds=3)
        db.session.commit()
    page.reload()
    page.wait_for_url(re.compile(r".*/results$"), timeout=20_000)
    expect(page.locator("body")).to_contain_text("submitted automatically")
    assert "2 / 4" in page.locator("#score").inner_text()
