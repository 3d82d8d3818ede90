"""B8: while a student's exam is open, no other page or JSON shows them its answers."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.markdown import render_markdown
from quizapp.models import Attempt, AttemptItem, Card, utcnow
from quizapp.services import study
from tests.conftest import Auth
from tests.factories import answer, answer_fields, items_of, sample_counts, start, user_named

EXAM_SIZE = 3
JSON = {"Accept": "application/json"}


@pytest.fixture
def student(sample_app, auth):
    auth.register("student1")
    return auth


def exam_cards(app, attempt_id: int) -> dict[int, str]:
    """The cards of an exam's questions: id -> the back as the pages would render it."""
    with app.app_context():
        question_ids = db.session.scalars(
            sa.select(AttemptItem.question_id).where(AttemptItem.attempt_id == attempt_id)
        ).all()
        cards = db.session.scalars(sa.select(Card).where(Card.question_id.in_(question_ids)))
        return {card.id: render_markdown(card.back) for card in cards}


def all_card_ids(app) -> list[int]:
    with app.app_context():
        return db.session.scalars(sa.select(Card.id).order_by(Card.position)).all()


def test_b8_card_info_and_study_json_keep_the_exams_answers(sample_app, student):
    exam = start(student, mode="exam", count=str(EXAM_SIZE))
    sealed = exam_cards(sample_app, exam)
    assert len(sealed) == EXAM_SIZE
    client = student.client
    for card_id, back in sealed.items():
        page = client.get(f"/study/card/{card_id}")
        assert page.status_code == 403
        body = page.get_data(as_text=True)
        assert "Paused while your exam is open" in body and back not in body
        payload = client.get(f"/study/sample-bank?show={card_id}", headers=JSON).get_json()
        assert payload["paused"]
        assert payload.get("card", {}).get("id") != card_id
        assert back not in str(payload)
    # The rest of the deck goes on as usual, and the review page says why cards are missing.
    other = next(card for card in all_card_ids(sample_app) if card not in sealed)
    assert client.get(f"/study/card/{other}").status_code == 200
    review = client.get("/study/sample-bank").get_data(as_text=True)
    assert 'id="exam-paused"' in review and f"/quiz/{exam}" in review
    with sample_app.app_context():
        every_deck = study.decks(db.session, user_named("student1"))[-1]
    assert every_deck.new == sample_counts()["cards"] - EXAM_SIZE


def test_b8_cram_leaves_the_exams_cards_out(sample_app, student):
    client = student.client
    # A cram started before the exam holds every card; once the exam is open its cards are
    # passed over, and a new cram leaves them out altogether.
    earlier = student.post("/study/sample-bank/cram").headers["Location"]
    exam = start(student, mode="exam", count=str(EXAM_SIZE))
    sealed = exam_cards(sample_app, exam)
    shown = sample_counts()["cards"] - EXAM_SIZE
    fresh = student.post("/study/sample-bank/cram", {"fresh": "1"}).headers["Location"]
    assert f"card 1 of {shown}</span>" in client.get(fresh).get_data(as_text=True)
    for url in (earlier, fresh):
        for _ in range(sample_counts()["cards"]):
            payload = client.get(url, headers=JSON).json
            assert not any(back in str(payload) for back in sealed.values())
            card = payload["card"]
            if card is None:
                break
            assert card["id"] not in sealed
            page = client.get(url + "?reveal=1").get_data(as_text=True)
            assert not any(back in page for back in sealed.values())
            data = {"at": payload["cram"]["at"], "card_id": card["id"], "known": "1"}
            assert student.post(url + "/mark", data).status_code == 302
        assert payload["result"] == {
            "round": 1, "known": shown, "learning": 0, "marked": shown, "finished": True
        }  # fmt: skip


def test_b8_practice_leaves_out_and_pauses_the_exams_questions(sample_app, student):
    everything = str(sample_counts()["questions"])
    earlier = start(student, count=everything)  # a practice attempt from before the exam
    exam = start(student, mode="exam", count=str(EXAM_SIZE))
    with sample_app.app_context():
        in_exam = set(
            db.session.scalars(
                sa.select(AttemptItem.question_id).where(AttemptItem.attempt_id == exam)
            )
        )
    # A new practice quiz draws only from the other questions.
    fresh = start(student, count=str(int(everything) - 1))  # not the same selection: no resume
    assert {item.question_id for item in items_of(sample_app, fresh)}.isdisjoint(in_exam)
    # Checking an exam question in the earlier practice attempt is refused; nothing is stored.
    item = next(i for i in items_of(sample_app, earlier) if i.question_id in in_exam)
    response = answer(student, sample_app, earlier, item.position, answer_fields(item))
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "paused" in body and 'id="feedback"' not in body
    stored = next(i for i in items_of(sample_app, earlier) if i.id == item.id)
    assert stored.response is None and stored.fraction is None


def test_b8_results_and_downloads_of_earlier_attempts_hide_the_key(sample_app, student):
    everything = str(sample_counts()["questions"])
    earlier = start(student, count=everything)
    for item in items_of(sample_app, earlier):
        answer(student, sample_app, earlier, item.position, answer_fields(item))
    student.post(f"/quiz/{earlier}/submit", {"step": "0"})
    exam = start(student, mode="exam", count=str(EXAM_SIZE))
    results = student.client.get(f"/quiz/{earlier}/results").get_data(as_text=True)
    assert results.count('data-verdict="paused"') == EXAM_SIZE
    assert results.count('data-verdict="correct"') == int(everything) - EXAM_SIZE
    assert student.client.get("/progress/export/attempts.csv").status_code == 409
    # Once the exam is submitted, everything comes back.
    student.post(f"/quiz/{exam}/submit", {"step": "0"})
    results = student.client.get(f"/quiz/{earlier}/results").get_data(as_text=True)
    assert 'data-verdict="paused"' not in results
    assert student.client.get("/progress/export/attempts.csv").status_code == 200
    for card_id in exam_cards(sample_app, exam):
        assert student.client.get(f"/study/card/{card_id}").status_code == 200


def test_b8_an_exam_whose_time_ran_out_seals_nothing(sample_app, student):
    exam = start(student, mode="exam", count=str(EXAM_SIZE), time_limit="5")
    card_id = next(iter(exam_cards(sample_app, exam)))
    assert student.client.get(f"/study/card/{card_id}").status_code == 403
    with sample_app.app_context():  # real time: the page compares the deadline with it
        db.session.get(Attempt, exam).deadline = utcnow() - timedelta(minutes=1)
        db.session.commit()
    assert student.client.get(f"/study/card/{card_id}").status_code == 200


def test_b8_another_students_exam_seals_nothing_for_me(sample_app, student):
    exam = start(student, mode="exam", count=str(EXAM_SIZE))
    card_id = next(iter(exam_cards(sample_app, exam)))
    other = sample_app.test_client()
    Auth(other).register("student2")
    assert other.get(f"/study/card/{card_id}").status_code == 200
