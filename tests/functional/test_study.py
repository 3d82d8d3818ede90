"""Flashcard study over HTTP and through the study service with fixed clocks."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Card, CardState, Review, User
from quizapp.scheduling import Rating, day_end
from quizapp.services import study
from tests.conftest import SAMPLE_BANKS, Auth, csrf_token, load_banks
from tests.factories import first_card, make_review, sample_counts

CARDS = sample_counts()["cards"]

JSON = {"Accept": "application/json"}


@pytest.fixture
def learner(sample_app, client, auth):
    auth.register("learner")
    return auth


def user(app, name="learner") -> User:
    return db.session.scalar(sa.select(User).where(User.username == name))


def current(client, deck="sample-bank") -> dict:
    return client.get(f"/study/{deck}", headers=JSON).json


def grade(auth, payload, rating=3, deck="sample-bank", version=None):
    card = payload["card"]
    data = {
        "card_id": card["id"],
        "version": card["version"] if version is None else version,
        "rating": rating,
    }
    return auth.client.post(
        f"/study/{deck}/grade",
        data={"csrf_token": csrf(auth), **data},
        headers=JSON,
    )


def csrf(auth) -> str:
    return csrf_token(auth.client, "/study/")


def set_settings(auth, **changes):
    data = {
        "desired_retention": "0.90",
        "new_per_day": "20",
        "reviews_per_day": "200",
        "timezone": "UTC",
        "learning_steps": "y",
        **changes,
    }
    data = {k: v for k, v in data.items() if v is not None}
    return auth.post("/study/settings", data)


def test_deck_list_shows_counts_and_new_cards_come_in_bank_order(learner, client, app):
    html = client.get("/study/").get_data(as_text=True)
    assert 'data-deck="sample-bank"' in html and 'data-deck="all"' in html
    assert re.search(rf'data-deck="sample-bank".*?text-primary">{CARDS}<', html, re.S)
    payload = current(client)
    with app.app_context():
        first = db.session.scalar(sa.select(Card).order_by(Card.position).limit(1))
        assert payload["card"]["id"] == first.id
    assert payload["counts"] == {"new": CARDS, "learning": 0, "due": 0}
    assert payload["card"]["intervals"] == {"1": "1m", "2": "6m", "3": "10m", "4": "8d"}


def test_grading_moves_counts_and_records_the_review(learner, client, app):
    payload = current(client)
    response = grade(learner, payload, rating=3)
    assert response.status_code == 200 and response.json["ok"]
    assert response.json["counts"] == {"new": CARDS - 1, "learning": 1, "due": 0}
    assert response.json["card"]["id"] != payload["card"]["id"]
    with app.app_context():
        review = db.session.scalar(sa.select(Review))
        assert (review.rating, review.state_before, review.state_after) == (3, 0, 1)
        state = db.session.scalar(sa.select(CardState))
        assert state.version == 1 and state.step == 1


def test_a_double_or_stale_grade_is_recorded_once(learner, client, app):
    payload = current(client)
    assert grade(learner, payload).status_code == 200
    again = grade(learner, payload)  # the same POST again
    assert again.status_code == 409 and "already graded" in again.json["message"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Review)) == 1


def test_undo_restores_state_and_log_exactly(learner, client, app):
    first = current(client)
    grade(learner, first, rating=3)
    second = current(client)
    with app.app_context():
        before = db.session.scalar(
            sa.select(CardState).where(CardState.card_id == first["card"]["id"])
        )
        snapshot = (before.state, before.step, before.stability, before.due, before.reps)
    response = grade(learner, second, rating=1)
    review_id = response.json["review_id"]
    undone = learner.client.post(
        "/study/sample-bank/undo",
        data={"csrf_token": csrf(learner), "review_id": review_id},
        headers=JSON,
    )
    assert undone.status_code == 200
    assert undone.json["card"]["id"] == second["card"]["id"]  # the undone card comes back
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Review)) == 1
        state = db.session.scalar(
            sa.select(CardState).where(CardState.card_id == second["card"]["id"])
        )
        assert (state.state, state.reps, state.due, state.stability) == (0, 0, None, None)
        kept = db.session.scalar(
            sa.select(CardState).where(CardState.card_id == first["card"]["id"])
        )
        assert (kept.state, kept.step, kept.stability, kept.due, kept.reps) == snapshot
    repeat = learner.client.post(
        "/study/sample-bank/undo",
        data={"csrf_token": csrf(learner), "review_id": review_id},
        headers=JSON,
    )
    assert repeat.status_code == 409  # a repeated undo undoes nothing more


def test_daily_new_card_limit(learner, client):
    assert set_settings(learner, new_per_day="3").status_code == 302
    for _ in range(3):
        grade(learner, current(client), rating=4)  # Easy: straight to review, due in days
    payload = current(client)
    assert "card" not in payload
    assert payload["counts"] == {"new": 0, "learning": 0, "due": 0}
    html = client.get("/study/sample-bank").get_data(as_text=True)
    assert "Done for now" in html


def test_review_limit_counts_per_study_day(learner, app):
    with app.app_context():
        me = user(app)
        me.reviews_per_day = 2
        db.session.commit()
        evening = datetime(2026, 3, 1, 13, 0)
        for card in study.cram_order(db.session, "sample-bank", seed=1)[:3]:
            study.grade_card(db.session, me, card.id, 0, Rating.EASY, now=evening)
        later = max(s.due for s in db.session.scalars(sa.select(CardState))) + timedelta(days=1)
        queue = study.build_queue(db.session, me, "sample-bank", later)
        assert len(queue.reviews) == 2  # three are due; the limit is two a day
        reviewed = queue.reviews[0]
        version = db.session.scalar(
            sa.select(CardState.version).where(CardState.card_id == reviewed.id)
        )
        study.grade_card(db.session, me, reviewed.id, version, Rating.GOOD, now=later)
        assert len(study.build_queue(db.session, me, "sample-bank", later).reviews) == 1
        tomorrow = later + timedelta(days=1)
        assert len(study.build_queue(db.session, me, "sample-bank", tomorrow).reviews) == 2


def test_new_card_limit_resets_at_four_in_the_morning_local_time(learner, app):
    with app.app_context():
        me = user(app)
        me.timezone, me.new_per_day = "Asia/Shanghai", 1
        db.session.commit()

        def introduce(now):
            queue = study.build_queue(db.session, me, "sample-bank", now)
            if not queue.new:
                return False
            study.grade_card(db.session, me, queue.new[0].id, 0, Rating.EASY, now=now)
            return True

        assert introduce(datetime(2026, 3, 1, 18, 0))  # 02:00 on 2 March in Shanghai
        assert not introduce(datetime(2026, 3, 1, 19, 59))  # 03:59: still the same study day
        assert introduce(datetime(2026, 3, 1, 20, 0))  # 04:00: a new study day
        days = sorted(r.day.isoformat() for r in db.session.scalars(sa.select(Review)))
        assert days == ["2026-03-01", "2026-03-02"]


def test_suspend_and_bury(learner, client, app):
    payload = current(client)
    card_id = payload["card"]["id"]
    token = csrf(learner)
    response = client.post(
        f"/study/card/{card_id}/suspend?deck=sample-bank", data={"csrf_token": token}, headers=JSON
    )
    assert response.json["counts"]["new"] == CARDS - 1 and response.json["card"]["id"] != card_id
    buried = response.json["card"]["id"]
    response = client.post(
        f"/study/card/{buried}/bury?deck=sample-bank", data={"csrf_token": token}, headers=JSON
    )
    assert response.json["counts"]["new"] == CARDS - 2
    with app.app_context():
        me = user(app)
        # The first moment of the next study day, from what was stored (no wall clock).
        buried_until = db.session.scalar(
            sa.select(CardState.buried_until).where(CardState.card_id == buried)
        )
        tomorrow = day_end(buried_until, me.timezone)
        ids = {c.id for c in study.build_queue(db.session, me, "sample-bank", tomorrow).new}
        assert buried in ids and card_id not in ids  # buried comes back, suspended does not
    grade_suspended = grade(learner, {"card": {"id": card_id, "version": 1}})
    assert grade_suspended.status_code == 422
    info = client.get(f"/study/card/{card_id}").get_data(as_text=True)
    assert "suspended" in info and "Unsuspend" in info
    client.post(f"/study/card/{card_id}/unsuspend?back=info", data={"csrf_token": token})
    assert current(client)["counts"]["new"] == CARDS - 1


def test_plain_forms_work_without_javascript(learner, client):
    page = client.get("/study/sample-bank").get_data(as_text=True)
    assert re.search(r'id="back"[^>]* hidden', page)
    revealed = client.get("/study/sample-bank?reveal=1").get_data(as_text=True)
    card_id = re.search(r'name="card_id" value="(\d+)"', revealed).group(1)
    response = learner.post(
        "/study/sample-bank/grade", {"card_id": card_id, "version": "0", "rating": "3"}
    )
    assert response.status_code == 302 and "last=" in response.headers["Location"]
    after = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Undo last review" in after and 'Learning <strong id="count-learning">1' in after


def test_changing_retention_reschedules_from_the_log(learner, client, app):
    for _ in range(3):
        grade(learner, current(client), rating=4)
    with app.app_context():
        before = {s.card_id: s.due for s in db.session.scalars(sa.select(CardState))}
    response = set_settings(learner, desired_retention="0.97")
    assert response.status_code == 302
    assert "3 card(s) rescheduled" in client.get("/study/").get_data(as_text=True)
    with app.app_context():
        after = {s.card_id: s.due for s in db.session.scalars(sa.select(CardState))}
    assert all(after[card] < before[card] for card in before)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("desired_retention", "0.99", "between 0.7 and 0.97"),
        ("desired_retention", "lots", "Not a valid decimal"),
        ("new_per_day", "-1", "between 0 and 9999"),
        ("timezone", "Mars/Olympus", "Not a valid choice"),
    ],
)
def test_bad_settings_rerender_with_a_message(learner, field, value, message):
    response = set_settings(learner, **{field: value})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_time_zone_is_detected_once(learner, client, app):
    token = csrf(learner)
    first = client.post("/study/timezone", data={"csrf_token": token, "timezone": "Asia/Tokyo"})
    assert first.json == {"saved": True}
    second = client.post("/study/timezone", data={"csrf_token": token, "timezone": "Europe/Paris"})
    assert second.json == {"saved": False}
    bogus = Auth(app.test_client())
    bogus.register("other")
    with app.app_context():
        assert user(app).timezone == "Asia/Tokyo"


def test_retired_cards_stop_and_edited_questions_keep_progress(learner, app, tmp_path, clock):
    with app.app_context():
        card_id = first_card(app)
        make_review(app, user(app), card_id, Rating.EASY, now=clock.now())
    edited = tmp_path / "banks"
    edited.mkdir()
    text = (SAMPLE_BANKS / "sample.yaml").read_text()
    text = text.replace("Mercury orbits closest", "Mercury is the nearest planet")
    start = text.index("  - id: pi-numeric")
    end = text.index("  - id: range-numeric")
    (edited / "sample.yaml").write_text(text[:start] + text[end:])
    load_banks(app, edited)
    with app.app_context():
        state = db.session.scalar(sa.select(CardState))
        assert state.card_id == card_id and state.reps == 1
        assert "nearest planet" in state.card.back
        retired = db.session.scalar(sa.select(Card).where(Card.slug == "pi-numeric"))
        assert retired.retired_at is not None
        me = user(app)
        queue = study.build_queue(db.session, me, None, clock.advance(days=400))
        shown = {c.id for c in queue.new + queue.reviews}
        assert retired.id not in shown and state.card_id in shown


def test_one_user_cannot_see_or_grade_another_users_cards(learner, client, app):
    payload = current(client)
    grade(learner, payload, rating=4)
    with app.app_context():
        mine = db.session.scalar(sa.select(CardState))
        learner_id, my_version, review_id = (
            mine.user_id,
            mine.version,
            db.session.scalar(sa.select(Review.id)),
        )
    intruder = Auth(app.test_client())
    intruder.register("intruder")
    info = intruder.client.get(f"/study/card/{payload['card']['id']}").get_data(as_text=True)
    assert "Not reviewed yet" in info and 'id="history"' not in info
    undo = intruder.client.post(
        "/study/sample-bank/undo",
        data={"csrf_token": csrf(intruder), "review_id": review_id},
        headers=JSON,
    )
    assert undo.status_code == 409
    # Grading "that" card with the learner's version only touches the intruder's own state.
    theirs = grade(intruder, {"card": {"id": payload["card"]["id"], "version": my_version}})
    assert theirs.status_code == 409
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Review)) == 1
        mine = db.session.scalar(sa.select(CardState).where(CardState.user_id == learner_id))
        assert mine.version == my_version


def test_unknown_decks_and_cards_are_404(learner, client):
    assert client.get("/study/no-such-deck").status_code == 404
    assert client.get("/study/card/999999").status_code == 404
    assert client.get("/study/all").status_code == 200


def test_study_pages_need_login(sample_app):
    client = sample_app.test_client()
    assert client.get("/study/").headers["Location"].startswith("/login")


def test_activity_counters_follow_reviews_and_undo(learner, client, app):
    response = grade(learner, current(client), rating=3)
    with app.app_context():
        me = user(app)
        assert me.cards_studied == 1 and me.last_active_at is not None
    learner.client.post(
        "/study/sample-bank/undo",
        data={"csrf_token": csrf(learner), "review_id": response.json["review_id"]},
        headers=JSON,
    )
    with app.app_context():
        assert user(app).cards_studied == 0


def test_grade_and_undo_need_the_csrf_token(learner, client, app):
    payload = current(client)
    card = payload["card"]
    data = {"card_id": card["id"], "version": card["version"], "rating": 3}
    for headers in ({}, JSON):
        assert (
            client.post("/study/sample-bank/grade", data=data, headers=headers).status_code == 400
        )
        assert (
            client.post(
                "/study/sample-bank/undo", data={"review_id": 1}, headers=headers
            ).status_code
            == 400
        )
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Review)) == 0
    assert grade(learner, payload).json["ok"]  # with the token, the same grade goes through


def test_a_card_retired_after_its_first_grade_cannot_be_graded_again(learner, client, app):
    payload = current(client)
    assert grade(learner, payload).json["ok"]
    card_id = payload["card"]["id"]
    with app.app_context():
        card = db.session.get(Card, card_id)
        card.retired_at = datetime(2026, 1, 1)
        db.session.commit()
    retired = grade(learner, payload, version=1)
    assert retired.status_code == 422 and "not available" in retired.json["message"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Review)) == 1


def test_an_edited_card_shows_its_new_text(learner, client, app):
    shown = current(client)["card"]
    with app.app_context():
        card = db.session.get(Card, shown["id"])
        card.front, card.back = "Edited *front*", "Edited back"
        db.session.commit()
    again = current(client)["card"]
    assert again["id"] == shown["id"]
    assert (
        again["front"] == "<p>Edited <em>front</em></p>\n"
        and again["back"] == "<p>Edited back</p>\n"
    )
    page = client.get("/study/sample-bank?reveal=1").get_data(as_text=True)
    assert "Edited <em>front</em>" in page and "<p>Edited back</p>" in page
