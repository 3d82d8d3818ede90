"""Random and hostile input to every form and upload: never a 500, never another user's data."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizapp.extensions import db
from quizapp.models import Attempt, AttemptItem, CardState, Review, User
from quizapp.services.accounts import create_user
from tests.conftest import Auth, csrf_token
from tests.factories import start, step_of

HOSTILE = st.sampled_from(
    ["' OR 1=1 --", "<script>alert(1)</script>", "\x00", "9" * 400, "-1", "1e309", "NaN",
     "../../etc/passwd", "{{7*7}}", "%s%s%s", "\u202e\u0000x", "", " ", "0", "999999999999"]
)  # fmt: skip
VALUE = st.one_of(HOSTILE, st.text(max_size=60))
SETTINGS = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def victim_data(app) -> list:
    with app.app_context():
        victim = db.session.scalar(sa.select(User).where(User.username == "victim"))
        rows = [(victim.password_hash, victim.session_version, victim.desired_retention)]
        for model, column in (
            (Attempt, Attempt.user_id),
            (CardState, CardState.user_id),
            (Review, Review.user_id),
        ):
            for row in db.session.scalars(sa.select(model).where(column == victim.id)):
                rows.append(tuple(getattr(row, c.key) for c in model.__table__.columns))
        items = db.session.scalars(
            sa.select(AttemptItem).join(Attempt).where(Attempt.user_id == victim.id)
        )
        rows.extend((i.id, i.response, i.fraction) for i in items)
        return rows


@pytest.fixture
def world(sample_app):
    """A victim with an attempt and a review, an attacker (student) and an instructor."""
    app = sample_app
    victim = Auth(app.test_client())
    victim.register("victim")
    victim_attempt = start(victim, count="3")
    html = victim.client.get("/study/sample-bank?reveal=1").get_data(as_text=True)
    card_id = re.search(r'name="card_id" value="(\d+)"', html).group(1)
    victim.post("/study/sample-bank/grade", {"card_id": card_id, "version": "0", "rating": "3"})
    attacker = Auth(app.test_client())
    attacker.register("attacker")
    own_attempt = start(attacker, count="3", mode="exam")
    with app.app_context():
        create_user(db.session, "teacher", "marking essays all night", "instructor")
    staff = Auth(app.test_client())
    staff.login("teacher", "marking essays all night")
    before = victim_data(app)
    yield {
        "app": app,
        "attacker": attacker,
        "staff": staff,
        "victim_attempt": victim_attempt,
        "own_attempt": own_attempt,
        "card_id": card_id,
    }
    assert victim_data(app) == before


def post_all(auth: Auth, url: str, fields: dict) -> int:
    data = {"csrf_token": csrf_token(auth.client, "/"), **fields}
    return auth.client.post(url, data=data).status_code


FORM_ENDPOINTS = [
    ("/register", ["username", "password", "confirm"]),
    ("/login", ["username", "password", "remember"]),
    ("/account/password", ["current", "password", "confirm"]),
    ("/quiz/new", ["banks", "tags", "count", "mode", "time_limit"]),
    ("/quiz/retry", ["count"]),
    ("/quiz/quick/{slug}", []),
    ("/quiz/{own}/q/{position}", ["step", "action", "answer", "order-0", "match-0", "blank-0"]),
    ("/quiz/{victim}/q/0", ["step", "action", "answer"]),
    ("/quiz/{own}/autosave", ["step", "position", "answer"]),
    ("/quiz/{victim}/submit", ["step"]),
    ("/study/{deck}/grade", ["card_id", "version", "rating", "duration_ms"]),
    ("/study/{deck}/undo", ["review_id"]),
    ("/study/card/{card}/{action}", []),
    ("/study/settings", ["desired_retention", "new_per_day", "reviews_per_day", "timezone"]),
    ("/study/timezone", ["timezone"]),
    ("/study/limits", ["decks-0-deck", "decks-0-new_per_day", "decks-0-reviews_per_day",
                       "decks-9-deck"]),
    ("/study/retention", ["desired_retention"]),
    ("/study/workload", []),
    ("/study/optimise", []),
    ("/study/optimise/defaults", []),
    ("/quiz/{victim}/discard", []),
    ("/quiz/{victim}/fresh", []),
    ("/quiz/{own}/fresh", []),
]  # fmt: skip


@pytest.mark.parametrize(("template", "fields"), FORM_ENDPOINTS, ids=[e[0] for e in FORM_ENDPOINTS])
def test_student_forms_never_fail(world, template, fields):
    @SETTINGS
    @given(
        values=st.fixed_dictionaries(dict.fromkeys(fields, VALUE)),
        slug=VALUE,
        position=st.integers(-2, 5),
        deck=st.sampled_from(["sample-bank", "all", "nope"]),
        action=st.sampled_from(["suspend", "unsuspend", "bury", "explode"]),
        card=st.sampled_from([world["card_id"], "0", "999999"]),
    )
    def run(values, slug, position, deck, action, card):
        url = template.format(
            slug=slug.replace("/", "") or "x",
            own=world["own_attempt"],
            victim=world["victim_attempt"],
            position=max(position, 0),
            deck=deck,
            card=card,
            action=action,
        )
        status = post_all(world["attacker"], url, values)
        assert status < 500, (url, values)
        if "{victim}" in template:
            assert status in (400, 404)  # refused either way, never served

    run()


@SETTINGS
@given(bank=VALUE, mode=VALUE, since=VALUE, until=VALUE, page=VALUE, sort=VALUE, direction=VALUE)
def test_query_strings_never_fail(world, bank, mode, since, until, page, sort, direction):
    attacker, staff = world["attacker"].client, world["staff"].client
    query = {"bank": bank, "mode": mode, "since": since, "until": until, "page": page}
    assert attacker.get("/progress/attempts", query_string=query).status_code < 500
    assert staff.get("/class/", query_string={"sort": sort, "dir": direction}).status_code < 500
    assert staff.get("/class/items", query_string={"bank": bank}).status_code < 500
    assert attacker.get("/study/all", query_string={"show": page, "reveal": mode}).status_code < 500


@SETTINGS
@given(
    name=st.text(max_size=40),
    content=st.one_of(st.binary(max_size=400), st.text(max_size=400).map(str.encode)),
)
def test_uploads_never_fail(world, name, content):
    staff = world["staff"]
    filename = (name or "x") + ".yaml" if len(name) % 2 else (name or "x") + ".gift"
    data = {
        "csrf_token": csrf_token(staff.client, "/authoring/"),
        "files": [(io.BytesIO(content), filename)],
    }
    response = staff.client.post("/authoring/upload", data=data, content_type="multipart/form-data")
    assert response.status_code < 500


def test_staff_actions_with_odd_ids(world):
    staff = world["staff"]
    for url in ("/authoring/uploads/999999/confirm", "/class/questions/999999/regrade"):
        assert post_all(staff, url, {}) == 404


def test_huge_ids_in_urls_are_not_found(world):
    attacker = world["attacker"].client
    huge = 10**30
    for url in (
        f"/quiz/{huge}",
        f"/quiz/{huge}/q/{huge}",
        f"/study/card/{huge}",
        f"/quiz/{huge}/results",
    ):
        assert attacker.get(url).status_code == 404, url


def test_inputs_found_by_review_are_refused_not_crashed(world):
    """Each case once made the server fail; now each is a clear refusal."""
    attacker, staff = world["attacker"], world["staff"]
    own = world["own_attempt"]
    cases = [
        (attacker, f"/quiz/{own}/q/0", {"step": "²", "action": "save"}),
        (attacker, f"/quiz/{own}/q/0", {"step": "9" * 5000, "action": "save"}),
        (attacker, f"/quiz/{own}/autosave", {"step": "²", "position": "0"}),
        (attacker, f"/quiz/{own}/autosave", {"step": "1", "position": "9" * 30}),
        (attacker, "/study/all/grade", {"card_id": "²", "version": "0", "rating": "3"}),
        (attacker, "/study/all/grade", {"card_id": "9" * 30, "version": "²", "rating": "3"}),
        (attacker, "/study/settings", {"desired_retention": "sNaN", "new_per_day": "1",
                                       "reviews_per_day": "1", "timezone": "UTC"}),
    ]  # fmt: skip
    for auth, url, data in cases:
        assert post_all(auth, url, data) < 500, (url, data)
    step = str(step_of(world["app"], own))
    goto = post_all(attacker, f"/quiz/{own}/q/0", {"step": step, "action": "goto-²"})
    assert goto == 302  # saved; an unreadable destination just stays on the question
    assert attacker.client.get("/progress/attempts?until=9999-12-31").status_code == 200
    assert attacker.client.get("/banks/%00").status_code == 400
    nested = ("[" * 5000 + "]" * 5000).encode()
    data = {
        "csrf_token": csrf_token(staff.client, "/authoring/"),
        "files": [(io.BytesIO(nested), "deep.yaml")],
    }
    response = staff.client.post("/authoring/upload", data=data, content_type="multipart/form-data")
    assert response.status_code == 422 and "nested too deeply" in response.get_data(as_text=True)
