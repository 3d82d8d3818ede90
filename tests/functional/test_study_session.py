"""A flashcard session closes as Anki's does: a summary of cards studied, time spent, Again
count, when the next cards are due and the next deck with cards; a session progress bar, a
"True or false?" cue, focus on Show answer and a one-time explanation of the four grades."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Card, Question, QuestionVersion
from tests.conftest import QUESTIONS, csrf_token, load_banks

JSON = {"Accept": "application/json"}


@pytest.fixture
def learner(sample_app, auth):
    auth.register("sessioner")
    return auth


def grade(client, deck: str, payload: dict, rating: int, millis: int = 0):
    card = payload["card"]
    data = {"csrf_token": csrf_token(client, "/study/"), "card_id": card["id"],
            "version": card["version"], "rating": rating, "duration_ms": millis}  # fmt: skip
    response = client.post(f"/study/{deck}/grade", data=data, headers=JSON)
    assert response.status_code == 200
    return response.json


def progress_of(page: str) -> str:
    return re.search(r'id="study-progress"[^>]*aria-valuetext="([^"]+)"', page).group(1)


def test_the_first_card_focuses_show_answer_counts_progress_and_explains_the_grades(
    learner, client
):
    page = client.get("/study/sample-bank").get_data(as_text=True)
    assert re.search(r'id="show-answer"[^>]*autofocus', page)
    assert progress_of(page) == "0 reviewed, 10 left"
    # The explanation shows beside the grade buttons, once the answer is shown...
    assert 'id="grade-help"' in page and "Again</dt><dd>you forgot" in page
    revealed = client.get("/study/sample-bank?reveal=1").get_data(as_text=True)
    assert re.search(r'class="btn grade-3 btn-success" autofocus', revealed)
    # ... until the first grade: then never again.
    payload = grade(client, "sample-bank", client.get("/study/sample-bank", headers=JSON).json, 3)
    assert payload["progress"] == {"done": 1, "left": 10}  # Good on a new card: still learning
    page = client.get("/study/sample-bank").get_data(as_text=True)
    assert 'id="grade-help"' not in page and progress_of(page) == "1 reviewed, 10 left"
    # The key legend is marked to hide on phones.
    assert 'class="small text-body-secondary mt-4 key-hint">Keys:' in page


def test_a_true_or_false_card_says_so_on_its_front(learner, client, app):
    with app.app_context():
        card_id = db.session.scalar(
            sa.select(Card.id)
            .join(Question, Card.question_id == Question.id)
            .join(QuestionVersion, QuestionVersion.question_id == Question.id)
            .where(QuestionVersion.type == "true_false")
        )
        other = db.session.scalar(sa.select(Card.id).where(Card.id != card_id))
    page = client.get(f"/study/sample-bank?show={card_id}").get_data(as_text=True)
    assert '<p class="fw-semibold mb-2" id="card-cue" >True or false?</p>' in page
    payload = client.get(f"/study/sample-bank?show={card_id}", headers=JSON).json
    assert payload["card"]["cue"] == "True or false?"
    assert client.get(f"/study/sample-bank?show={other}", headers=JSON).json["card"]["cue"] is None


def test_the_end_of_a_session_sums_it_up_and_leads_to_the_next_deck(app, auth, client):
    load_banks(app, QUESTIONS)
    auth.register("finisher")
    html = client.get("/study/limits").get_data(as_text=True)
    fields = dict(re.findall(r'name="(decks-\d+-[a-z_]+)"[^>]*?value="([^"]*)"', html))
    fields.update(re.findall(r'name="(decks-\d+-deck)" type="hidden" value="([^"]*)"', html))
    first = fields["decks-0-deck"]
    fields["decks-0-new_per_day"] = "2"
    assert auth.post("/study/limits", fields).status_code == 302
    # Again on the first card, then Easy on everything: 2 cards, 3 reviews, 1 Again.
    payload = client.get(f"/study/{first}", headers=JSON).json
    ratings = iter([1] + [4] * 10)
    while "card" in payload:
        payload = grade(client, first, payload, next(ratings), millis=90_000)
    summary = payload["summary"]
    assert payload["progress"] == {"done": 3, "left": 0}
    # Time per answer counts up to a minute: 3 reviews are 3 min, not 4.5.
    assert "<strong>2 cards</strong> studied (3 reviews) in <strong>3 min</strong>" in summary
    assert "<strong>1</strong> Again" in summary
    assert re.search(r"Next: <strong>\d+ cards?</strong> (tomorrow|in \d+ days)", summary)
    second = re.search(r'id="next-deck" href="/study/([\w-]+)"', summary).group(1)
    assert second != first
    assert f'action="/quiz/quick/{first}"' in summary  # practise the bank as a quiz
    # Without JavaScript, the page says the same.
    page = client.get(f"/study/{first}").get_data(as_text=True)
    done = page.split('id="done"', 1)[1].split("</section>", 1)[0]
    assert "<strong>1</strong> Again" in done and f'href="/study/{second}"' in done
