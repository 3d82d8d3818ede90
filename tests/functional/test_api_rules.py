"""The API applies the pages' rules, because it calls the same services: steps, time limits,
closed attempts, exam secrecy, review options, assignments, located bank errors and the
preview/confirm steps of an upload."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
import sqlalchemy as sa

from quizapp import qtypes
from quizapp.extensions import db
from quizapp.models import Card, User, utcnow
from quizapp.services import quizzes
from quizapp.services.quizzes import QuizRequest
from tests.api_client import ApiClient, make_token
from tests.factories import (
    answer_fields,
    enrol,
    items_of,
    make_course,
    make_quiz_assignment,
    make_user,
    sample_counts,
    snapshot,
    take_assignment,
)

AFTER_CLOSE_ONLY = {"during": [], "immediately_after": [], "later_while_open": [],
                    "after_close": ["score", "answers", "feedback"]}  # fmt: skip


@pytest.fixture
def ada(sample_app):
    user = make_user(sample_app, "ada")
    return user, ApiClient(sample_app, make_token(sample_app, user))


def start(api, **body):
    answer = api.post("/quizzes", json={"banks": ["sample-bank"], **body})
    assert answer.status_code in (200, 201), answer.get_data(as_text=True)
    return answer.get_json()


def answer(api, attempt, position, fields, action="save", step=None):
    step = attempt["step"] if step is None else step
    body = {"step": step, "values": fields, "action": action}
    return api.post(f"/attempts/{attempt['id']}/questions/{position}/answer", json=body)


def test_answers_carry_the_step_a_repeat_counts_once_and_a_stale_one_is_refused(sample_app, ada):
    _, api = ada
    attempt = start(api, count=3, mode="exam")
    first, second = items_of(sample_app, attempt["id"])[:2]
    saved = answer(api, attempt, 0, answer_fields(first))
    assert saved.status_code == 200 and saved.get_json()["outcome"] == "saved"
    assert saved.get_json()["feedback"] is None  # an exam says nothing before it is submitted
    again = answer(api, attempt, 0, answer_fields(first))  # the same post again (step 0)
    assert again.get_json()["outcome"] == "repeat"
    stale = answer(api, attempt, 1, answer_fields(second))  # made on step 0: step is 1 now
    assert stale.status_code == 409
    problem = stale.get_json()
    assert problem["type"] == "/api/problems/stale" and problem["step"] == 1
    state = api.get(f"/attempts/{attempt['id']}").get_json()
    assert state["step"] == 1 and state["answered"] == [True, False, False]


def test_an_exam_question_shows_no_key_until_submitted(sample_app, ada):
    _, api = ada
    attempt = start(api, count=sample_counts()["questions"], mode="exam")
    items = items_of(sample_app, attempt["id"])
    keys = {i.position: qtypes.get(i.version.type).answer_text(i.version.data) for i in items}
    for item in items:
        page = api.get(f"/attempts/{attempt['id']}/questions/{item.position}")
        assert page.get_json()["feedback"] is None
        assert item.version.data["explanation"] not in page.get_data(as_text=True)
    submitted = api.post(f"/attempts/{attempt['id']}/submit").get_json()
    assert submitted["status"] == "submitted" and submitted["over"]
    results = api.get(f"/attempts/{attempt['id']}/results").get_json()
    shown = {q["position"]: q["feedback"]["correct_answer"] for q in results["questions"]}
    assert shown == keys


def test_a_closed_attempt_takes_no_more_answers(sample_app, ada):
    _, api = ada
    attempt = start(api, count=2, mode="exam")
    item = items_of(sample_app, attempt["id"])[0]
    assert api.post(f"/attempts/{attempt['id']}/submit").status_code == 200
    closed = answer(api, attempt, 0, answer_fields(item), step=attempt["step"] + 1)
    assert closed.status_code == 409
    assert closed.get_json()["type"] == "/api/problems/attempt-closed"
    assert api.get(f"/attempts/{attempt['id']}/questions/0").status_code == 409
    assert api.post(f"/attempts/{attempt['id']}/submit").status_code == 200  # changes nothing


def test_the_server_ends_an_exam_whose_time_ran_out(sample_app, ada):
    user, api = ada
    with sample_app.app_context():
        owner = db.session.get(User, user.id)
        request = QuizRequest(banks=["sample-bank"], count=2, mode="exam", time_limit_minutes=5)
        began = utcnow() - timedelta(minutes=10)  # real time: the API ends it by the real now
        attempt_id = quizzes.start_quiz(db.session, owner, request, random.Random(1), began).id
    item = items_of(sample_app, attempt_id)[0]
    state = api.get(f"/attempts/{attempt_id}").get_json()
    assert state["over"] and state["status"] == "in_progress"  # a GET never writes
    late = answer(api, state, 0, answer_fields(item))
    assert late.status_code == 409
    assert late.get_json()["type"] == "/api/problems/attempt-closed"
    results = api.get(f"/attempts/{attempt_id}/results").get_json()
    assert results["auto_submitted"] and results["attempt"]["status"] == "submitted"
    assert all(q["feedback"]["response"] == "*(no answer)*" for q in results["questions"])


def test_practice_checks_answers_and_refuses_what_is_not_one(sample_app, ada):
    _, api = ada
    attempt = start(api, count=sample_counts()["questions"])
    items = items_of(sample_app, attempt["id"])
    empty = answer(api, attempt, 0, {}, action="check")
    assert empty.status_code == 422 and empty.get_json()["type"] == "/api/problems/invalid-answer"
    choice = next(i for i in items if "choices" in i.presentation)
    wrong = answer(api, attempt, choice.position, {"answer": "not one of them"}, "check")
    assert wrong.status_code == 422 and "options" in wrong.get_json()["detail"]
    checked = answer(api, attempt, choice.position, answer_fields(choice), "check")
    assert checked.status_code == 200
    feedback = checked.get_json()["feedback"]
    assert feedback["verdict"] == "correct" and feedback["correct_answer"]


def test_exam_secrecy_holds_in_practice_cards_and_results(sample_app, ada):
    user, api = ada
    everything = sample_counts()["questions"]
    earlier = start(api, count=everything)
    exam = start(api, count=3, mode="exam")
    in_exam = {item.question_id for item in items_of(sample_app, exam["id"])}
    item = next(i for i in items_of(sample_app, earlier["id"]) if i.question_id in in_exam)
    paused = answer(api, earlier, item.position, answer_fields(item), "check")
    assert paused.status_code == 409
    assert paused.get_json()["type"] == "/api/problems/exam-secrecy"
    with sample_app.app_context():
        sealed = set(db.session.scalars(sa.select(Card.id).where(Card.question_id.in_(in_exam))))
    shown = set()
    for _ in range(sample_counts()["cards"]):
        payload = api.get("/decks/all/next").get_json()
        assert payload["paused"]
        if payload["card"] is None:
            break
        card = payload["card"]
        shown.add(card["id"])
        graded = api.post(f"/cards/{card['id']}/grade", json={"version": card["version"],
                                                               "rating": "easy"})  # fmt: skip
        assert graded.status_code == 200
    assert shown and shown.isdisjoint(sealed)
    api.post(f"/attempts/{earlier['id']}/submit")
    results = api.get(f"/attempts/{earlier['id']}/results").get_json()
    assert sum(q["paused"] for q in results["questions"]) == len(in_exam)
    api.post(f"/attempts/{exam['id']}/submit")
    results = api.get(f"/attempts/{earlier['id']}/results").get_json()
    assert not any(q["paused"] for q in results["questions"])


def test_a_grade_counts_once_and_undo_undoes_only_the_latest(sample_app, ada):
    _, api = ada
    card = api.get("/decks/sample-bank/next").get_json()["card"]
    body = {"version": card["version"], "rating": "good", "duration_ms": 4000.0}
    first = api.post(f"/cards/{card['id']}/grade", json=body)
    assert first.status_code == 200
    repeat = api.post(f"/cards/{card['id']}/grade", json=body)
    assert repeat.status_code == 409 and repeat.get_json()["type"] == "/api/problems/stale"
    review_id = first.get_json()["review_id"]
    undone = api.post(f"/reviews/{review_id}/undo")
    assert undone.get_json() == {"card_id": card["id"], "last_review_id": None}
    assert api.post(f"/reviews/{review_id}/undo").status_code == 409
    assert api.post(f"/cards/{card['id']}/grade", json=body).status_code == 409  # stale copy
    shown = api.get("/decks/sample-bank/next").get_json()["card"]
    assert shown["id"] == card["id"] and shown["version"] > card["version"]
    body["version"] = shown["version"]
    assert api.post(f"/cards/{card['id']}/grade", json=body).status_code == 200


def test_assigned_quizzes_keep_their_settings_attempts_and_review_options(sample_app, ada):
    user, api = ada
    teacher = make_user(sample_app, "teacher", "instructor")
    course = make_course(sample_app, teacher)
    closes = utcnow() + timedelta(days=1)  # real time: the API opens it by the real now
    assignment = make_quiz_assignment(sample_app, course, closes_at=closes, review=AFTER_CLOSE_ONLY)
    path = f"/classes/{course}/assignments/{assignment}/start"
    assert api.post(path).status_code == 404  # not a student of the class
    enrol(sample_app, course, user)
    started = api.post(path)
    assert started.status_code == 201
    attempt = started.get_json()
    assert attempt["assignment_id"] == assignment and attempt["mode"] == "exam"
    again = api.post(path)
    assert again.status_code == 200 and again.get_json()["id"] == attempt["id"]  # carried on
    api.post(f"/attempts/{attempt['id']}/submit")
    refused = api.post(path)
    assert refused.status_code == 422 and refused.get_json()["type"] == "/api/problems/refused"
    results = api.get(f"/attempts/{attempt['id']}/results").get_json()
    assert results["score"] is None and results["shown"] == dict.fromkeys(
        ("score", "answers", "feedback"), False
    )
    assert all(q["feedback"]["points"] is None for q in results["questions"])
    listed = api.get("/attempts").get_json()["attempts"]
    assert [a["score"] for a in listed if a["id"] == attempt["id"]] == [None]
    standing = api.get("/classes").get_json()["classes"][0]["assignments"][0]
    assert standing["status"] == "submitted" and standing["grade"] is None


BROKEN = b"""bank:
  id: broken
  title: Broken
questions:
  - id: q1
    type: single
    prompt: Pick one.
    choices: [a, b]
    answer: c
"""


def test_bank_problems_are_located_and_change_nothing(sample_app):
    teacher = make_user(sample_app, "teacher", "instructor")
    api = ApiClient(sample_app, make_token(sample_app, teacher, "author"))
    before = snapshot(sample_app)
    files = {"files": [{"name": "broken.yaml", "text": BROKEN.decode()}]}
    for path in ("/banks/check", "/uploads"):
        refused = api.post(path, json=files)
        assert refused.status_code == 422
        problem = refused.get_json()
        assert problem["type"] == "/api/problems/invalid-banks"
        located = [e for e in problem["errors"] if e["severity"] == "error"]
        assert located and located[0]["file"] == "upload/broken.yaml"
        assert located[0]["line"] == 9 and located[0]["column"] >= 1
    assert snapshot(sample_app) == before


def test_an_upload_is_previewed_then_confirmed_once_with_the_previews_state(sample_app):
    teacher = make_user(sample_app, "teacher", "instructor")
    api = ApiClient(sample_app, make_token(sample_app, teacher, "author"))
    text = BROKEN.decode().replace("answer: c", "answer: a")
    checked = api.post("/banks/check", json={"files": [{"name": "b.yaml", "text": text}]})
    assert checked.status_code == 200
    assert checked.get_json()["banks"] == [{"id": "broken", "title": "Broken", "questions": 1,
                                            "cards": 1}]  # fmt: skip
    before = snapshot(sample_app)
    uploaded = api.post("/uploads", json={"files": [{"name": "b.yaml", "text": text}]})
    assert uploaded.status_code == 201
    preview = uploaded.get_json()
    assert preview["added"] == ["broken/q1"] and preview["state"] and not preview["applied"]
    assert api.get(uploaded.headers["Location"].removeprefix("/api/v1")).get_json() == preview
    assert snapshot(sample_app) == before  # previews only read
    confirm = f"/uploads/{preview['id']}/confirm"
    stale = api.post(confirm, json={"state": "0" * 32})
    assert stale.status_code == 409 and stale.get_json()["type"] == "/api/problems/stale"
    done = api.post(confirm, json={"state": preview["state"]}).get_json()
    assert done["imported"] and done["added"] == 1
    assert api.post(confirm, json={"state": preview["state"]}).get_json()["imported"] is False
    assert {b["id"] for b in api.get("/banks").get_json()["banks"]} == {"sample-bank", "broken"}
    assert api.get(f"/uploads/{preview['id']}").get_json()["applied"]


def test_instructors_read_only_their_own_classes(sample_app):
    teacher = make_user(sample_app, "teacher", "instructor")
    stranger = make_user(sample_app, "stranger", "instructor")
    ada, bob = make_user(sample_app, "ada"), make_user(sample_app, "bob")
    course = make_course(sample_app, teacher)
    enrol(sample_app, course, ada)
    assignment = make_quiz_assignment(sample_app, course)
    take_assignment(sample_app, ada, assignment)
    other_course = make_course(sample_app, stranger, "Other class")
    enrol(sample_app, other_course, bob)
    take_assignment(sample_app, bob, make_quiz_assignment(sample_app, other_course))
    mine = ApiClient(sample_app, make_token(sample_app, teacher, "author"))
    students = mine.get("/reports/students").get_json()["students"]
    assert [s["username"] for s in students] == ["ada"]
    items = mine.get("/reports/items?bank=sample-bank").get_json()
    assert max(q["responses"] for q in items["questions"]) == 1  # ada's answers only
    assert mine.get(f"/teaching/{course}/gradebook").status_code == 200
    theirs = ApiClient(sample_app, make_token(sample_app, stranger, "author"))
    assert theirs.get(f"/teaching/{course}/gradebook").status_code == 404
    assert theirs.get(f"/reports/items?bank=sample-bank&course={course}").status_code == 404
    assert theirs.get(f"/reports/students?assignment={assignment}").status_code == 404
