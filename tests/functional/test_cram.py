"""Cram over HTTP: Know / Still learning, the cards still being learnt again, a score, the
marks kept per session, and the FSRS schedule untouched; as plain forms and as JSON."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Card, CardState, CramSession, Review
from tests.conftest import csrf_token
from tests.factories import answer, answer_fields, items_of, sample_counts, start

CARDS = sample_counts()["cards"]
JSON = {"Accept": "application/json"}


@pytest.fixture
def crammer(sample_app, auth):
    auth.register("crammer")
    return auth


def go_through(auth, url: str, still_learning: set[int] = frozenset(), json: bool = False):
    """Mark every card of the round (Still learning for the cards named); returns the ids."""
    seen = []
    client = auth.client
    while (payload := client.get(url, headers=JSON).json)["card"] is not None:
        card = payload["card"]["id"]
        seen.append(card)
        known = "0" if card in still_learning else "1"
        data = {"at": payload["cram"]["at"], "card_id": card, "known": known}
        if json:
            data["csrf_token"] = csrf_token(client, url)
            response = client.post(url + "/mark", data=data, headers=JSON)
            assert response.status_code == 200 and response.json["ok"]
        else:
            assert auth.post(url + "/mark", data).status_code == 302
    return seen, payload


def test_a_cram_goes_round_until_every_card_is_known_and_keeps_its_marks(crammer, app):
    client = crammer.client
    start_page = client.get("/study/sample-bank/cram").get_data(as_text=True)
    assert "Start cramming" in start_page  # a GET writes nothing: starting is a POST
    url = crammer.post("/study/sample-bank/cram").headers["Location"]
    assert re.fullmatch(r"/study/cram/\d+", url)
    page = client.get(url).get_data(as_text=True)
    assert f"card 1 of {CARDS}</span>" in page and 'id="show-answer"' in page
    assert re.search(r'id="mark-form"[^>]* hidden', page)  # marked once the answer is seen
    revealed = client.get(url + "?reveal=1").get_data(as_text=True)
    assert "Still learning" in revealed and not re.search(r'id="mark-form"[^>]* hidden', revealed)

    first = client.get(url, headers=JSON).json["card"]["id"]
    missed = {first}
    order, payload = go_through(crammer, url, missed)
    assert len(order) == CARDS and order[0] == first
    assert payload["result"] == {
        "round": 1, "known": CARDS - 1, "learning": 1, "marked": CARDS, "finished": False
    }  # fmt: skip
    summary = client.get(url).get_data(as_text=True)
    assert f"Score: {CARDS - 1} of {CARDS} known the first time through" in summary
    assert 'Go through the <span data-field="learning">1</span> still learning' in summary

    assert crammer.post(url + "/round", {"round": "1"}).status_code == 302
    assert crammer.post(url + "/round", {"round": "1"}).status_code == 302  # a repeat: once
    again, payload = go_through(crammer, url, json=True)
    assert again == [first]
    assert payload["result"]["finished"] and payload["cram"]["score"] == [CARDS - 1, CARDS]
    assert "You know every card" in client.get(url).get_data(as_text=True)
    with app.app_context():
        cram = db.session.scalar(sa.select(CramSession))
        assert cram.round == 2 and cram.finished_at is not None
        assert len(cram.marks) == CARDS + 1 and cram.marks[-1] == [2, first, True]
        # The schedule is untouched.
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CardState)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Review)) == 0


def test_a_double_mark_counts_once_and_an_old_page_changes_nothing(crammer, app):
    url = crammer.post("/study/sample-bank/cram").headers["Location"]
    card = crammer.client.get(url, headers=JSON).json["card"]["id"]
    mark = {"at": "0", "card_id": card, "known": "1"}
    assert crammer.post(url + "/mark", mark).status_code == 302
    assert crammer.post(url + "/mark", {**mark, "known": "0"}).status_code == 302  # a repeat
    stale = crammer.post(url + "/mark", {"at": "0", "card_id": card + 1000, "known": "1"})
    assert stale.status_code == 302
    assert crammer.post(url + "/mark", {"at": "x", "card_id": card}).status_code == 302
    with app.app_context():
        cram = db.session.scalar(sa.select(CramSession))
        assert cram.marks == [[1, card, True]] and cram.position == 1


def test_crams_belong_to_their_student_and_resume(crammer, client, auth, app):
    url = crammer.post("/study/sample-bank/cram").headers["Location"]
    # "Cram" on the same deck carries on the unfinished session; "Start over" does not.
    assert crammer.post("/study/sample-bank/cram").headers["Location"] == url
    assert client.get("/study/sample-bank/cram").headers["Location"] == url
    fresh = crammer.post("/study/sample-bank/cram", {"fresh": "1"}).headers["Location"]
    assert fresh != url
    auth.logout()
    auth.register("someone-else")
    assert client.get(url).status_code == 404
    assert auth.post(url + "/mark", {"at": "0", "card_id": "1", "known": "1"}).status_code == 404
    assert auth.post(url + "/round", {"round": "1"}).status_code == 404


def test_study_the_questions_a_quiz_missed_as_flashcards(crammer, app):
    attempt = start(crammer, count="4")
    items = items_of(app, attempt)
    for n, item in enumerate(items):
        answer(crammer, app, attempt, item.position, answer_fields(item, right=n % 2 == 0))
    crammer.post(f"/quiz/{attempt}/submit", {"step": "4"})
    results = crammer.client.get(f"/quiz/{attempt}/results").get_data(as_text=True)
    assert "Retry the 2 I missed" in results and "Study these as flashcards" in results
    url = crammer.post(f"/study/missed/{attempt}").headers["Location"]
    order, _ = go_through(crammer, url)
    with app.app_context():
        cram = db.session.get(CramSession, int(url.rsplit("/", 1)[1]))
        assert cram.attempt_id == attempt and cram.title.startswith("Missed in ")
        questions = set(
            db.session.scalars(sa.select(Card.question_id).where(Card.id.in_(order))).all()
        )
    assert questions == {item.question_id for n, item in enumerate(items) if n % 2}
    # A quiz still running has no misses to study yet.
    running = start(crammer, count="2")
    refused = crammer.post(f"/study/missed/{running}")
    assert refused.headers["Location"] == f"/quiz/{running}/results"
