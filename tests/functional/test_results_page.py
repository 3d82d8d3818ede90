"""Results that lead somewhere: a grid of right and wrong, only the wrong ones on request,
"Retry the N I missed", and how this try compares with the last one of the same quiz."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Attempt, Bank
from tests.conftest import QUESTIONS, load_banks
from tests.factories import answer_and_submit, items_of, start
from tests.factories import take_practice as take


@pytest.fixture
def student(sample_app, auth):
    auth.register("resulter")
    return auth


def test_the_grid_and_the_wrong_only_filter(student, client, app):
    attempt = take(student, app, right={0, 2}, count="4")
    page = client.get(f"/quiz/{attempt}/results").get_data(as_text=True)
    grid = re.findall(r'aria-label="Question (\d): (\w+)"', page)
    assert grid == [("1", "correct"), ("2", "incorrect"), ("3", "correct"), ("4", "incorrect")]
    assert "Questions: 2 of 4 right" in page and 'href="#result-1"' in page
    assert "Show only the 2 not right" in page and "results-list wrong-only" not in page
    wrong = client.get(f"/quiz/{attempt}/results?show=wrong").get_data(as_text=True)
    # Without JavaScript, the filter is the same page with the right answers folded away.
    assert "results-list wrong-only" in wrong and "Show all 4 questions" in wrong


def test_retry_the_ones_i_missed(student, client, app):
    attempt = take(student, app, right={0, 2}, count="4")
    items = items_of(app, attempt)
    retry = student.post(f"/quiz/{attempt}/retry")
    assert retry.status_code == 302
    again = int(re.search(r"/quiz/(\d+)", retry.headers["Location"]).group(1))
    with app.app_context():
        retried = db.session.get(Attempt, again)
        assert {i.question_id for i in retried.items} == {
            items[1].question_id,
            items[3].question_id,
        }
        assert retried.mode == "practice" and retried.title.startswith("Retry: ")
    # Pressed twice, it carries on the same practice instead of starting another.
    assert student.post(f"/quiz/{attempt}/retry").headers["Location"].startswith(f"/quiz/{again}")
    perfect = take(student, app, right={0, 1, 2}, count="3", banks=["sample-bank"], tags=[])
    page = client.get(f"/quiz/{perfect}/results").get_data(as_text=True)
    assert "I missed" not in page and "Study these as flashcards" not in page
    refused = student.post(f"/quiz/{perfect}/retry")
    assert refused.headers["Location"] == f"/quiz/{perfect}/results"


def test_a_try_is_compared_with_the_last_one_of_the_same_quiz(student, client, app):
    first = take(student, app, right={0}, count="4")
    page = client.get(f"/quiz/{first}/results").get_data(as_text=True)
    assert 'id="compared"' not in page
    take(student, app, right={0, 1, 2, 3}, count="5")  # another selection: not compared
    second = take(student, app, right={0, 1, 2}, count="4")
    page = client.get(f"/quiz/{second}/results").get_data(as_text=True)
    assert "Up from 25% last time" in page
    third = take(student, app, right={0, 1, 2}, count="4")
    assert "The same as last time" in client.get(f"/quiz/{third}/results").get_data(as_text=True)


def test_a_quiz_of_several_banks_gives_a_score_per_bank(app, client, auth):
    """The results of a quiz drawn from two banks say how each bank went; a one-bank quiz
    says nothing more than its score."""
    load_banks(app, QUESTIONS)
    auth.register("twobanks")
    banks = {"surge-of-chinese-llms": "Surge of Chinese LLMs",
             "year-of-ai-unicorns": "The Year of AI Unicorns"}  # fmt: skip
    attempt = start(auth, banks=list(banks), count="20")  # both banks, surely
    items = items_of(app, attempt)
    with app.app_context():
        unicorn_bank = db.session.scalar(
            sa.select(Bank.id).where(Bank.slug == "year-of-ai-unicorns")
        )
    right = {item.position for item in items if item.question.bank_id == unicorn_bank}
    answer_and_submit(auth, app, attempt, right)
    page = client.get(f"/quiz/{attempt}/results").get_data(as_text=True)
    line = re.search(r'id="bank-scores">(.*?)</dd>', page).group(1)
    unicorns, surge = len(right), len(items) - len(right)
    assert f"The Year of AI Unicorns {unicorns}/{unicorns}" in line
    assert f"Surge of Chinese LLMs 0/{surge}" in line
    one_bank = take(auth, app, right=set(), banks=["surge-of-chinese-llms"], count="2")
    assert 'id="bank-scores"' not in client.get(f"/quiz/{one_bank}/results").get_data(as_text=True)
