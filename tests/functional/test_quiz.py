"""Taking quizzes over HTTP: building, answering, integrity, timers, results."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.grading import cloze_blanks
from quizapp.models import Attempt, AttemptItem, Question, utcnow
from tests.conftest import SAMPLE_BANKS, Auth, csrf_token, load_banks


@pytest.fixture
def student(sample_app, client, auth):
    auth.register("student1")
    return auth


def start(auth, **fields) -> int:
    data = {"count": "9", "mode": "practice", "banks": ["sample-bank"], **fields}
    response = auth.post("/quiz/new", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/quiz/(\d+)", response.headers["Location"]).group(1))


def items_of(app, attempt_id: int) -> list[AttemptItem]:
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        items = list(attempt.items)
        for item in items:
            _ = item.version.data, item.question.slug
        return items


def step_of(app, attempt_id: int) -> int:
    with app.app_context():
        return db.session.get(Attempt, attempt_id).step


def right_answer(item: AttemptItem) -> dict:
    """Form fields that answer an item correctly, built from the key (tests only)."""
    data, shown = item.version.data, item.presentation
    match item.version.type:
        case "single":
            return {"answer": data["answer"]}
        case "multiple":
            return {"answer": data["answers"]}
        case "true_false":
            return {"answer": "true" if data["answer"] else "false"}
        case "short":
            return {"answer": data["answers"][0].upper() + "."}
        case "numeric":
            return {"answer": str(data.get("answer", data.get("range", [0])[0]))}
        case "ordering":
            return {f"order-{i}": item for i, item in enumerate(data["items"])}
        case "matching":
            pairs = dict(data["pairs"])
            return {f"match-{i}": pairs[left] for i, left in enumerate(shown["lefts"])}
        case "cloze":
            return {f"blank-{i}": alts[0] for i, alts in enumerate(cloze_blanks(data["text"]))}
    raise AssertionError(item.version.type)


def answer(auth, app, attempt_id, position, fields, action="check", step=None):
    step = step_of(app, attempt_id) if step is None else step
    return auth.post(
        f"/quiz/{attempt_id}/q/{position}", {"step": str(step), "action": action, **fields}
    )


def test_two_clicks_from_home_to_a_running_quiz(student, client):
    home = client.get("/").get_data(as_text=True)
    assert 'action="/quiz/quick/sample-bank"' in home
    response = student.post("/quiz/quick/sample-bank")
    assert re.fullmatch(r"/quiz/\d+", response.headers["Location"])
    page = client.get(response.headers["Location"], follow_redirects=True)
    assert "Question 1 of 9" in page.get_data(as_text=True)


def test_questions_are_drawn_without_repeats_and_unseen_first(student, app):
    first = start(student, count="5")
    second = start(student, count="4")
    seen_first = {i.question_id for i in items_of(app, first)}
    seen_second = {i.question_id for i in items_of(app, second)}
    assert len(seen_first) == 5 and len(seen_second) == 4
    assert not seen_first & seen_second  # never-seen questions came first


def test_tags_filter_and_bad_form_rerenders(student, client):
    attempt = start(student, tags=["numbers"], count="10")
    assert client.get(f"/quiz/{attempt}/q/1").status_code == 200  # 2 questions tagged numbers
    assert client.get(f"/quiz/{attempt}/q/2").status_code == 404
    bad = student.post("/quiz/new", {"count": "0", "mode": "practice"})
    assert bad.status_code == 422 and "between 1 and 100" in bad.get_data(as_text=True)
    late = student.post("/quiz/new", {"count": "3", "mode": "practice", "time_limit": "5"})
    assert late.status_code == 422 and "exams only" in late.get_data(as_text=True)
    odd = student.post("/quiz/new", {"count": "3", "mode": "nonsense"})
    assert odd.status_code == 422


def test_choice_order_is_stored_and_stable_across_reloads(student, client, app):
    attempt = start(student)
    single = next(i for i in items_of(app, attempt) if i.version.type == "single")
    url = f"/quiz/{attempt}/q/{single.position}"
    first = client.get(url).get_data(as_text=True)
    order = re.findall(r'name="answer" id="choice-\d+" value="([^"]+)"', first)
    assert order == single.presentation["choices"]
    assert sorted(order) == sorted(single.version.data["choices"])
    again = client.get(url).get_data(as_text=True)
    assert re.findall(r'name="answer" id="choice-\d+" value="([^"]+)"', again) == order


def test_practice_reveals_key_only_after_answering(student, client, app):
    attempt = start(student)
    for item in items_of(app, attempt):
        url = f"/quiz/{attempt}/q/{item.position}"
        before = client.get(url).get_data(as_text=True)
        explanation = item.version.data["explanation"]
        assert explanation not in before
        assert "Correct answer" not in before and "feedback" not in before
        response = answer(student, app, attempt, item.position, right_answer(item))
        assert response.status_code == 302
        after = client.get(url).get_data(as_text=True)
        assert "Correct: 1 of 1 point" in after, item.question.slug
        assert explanation.split()[0] in after
    finish = student.post(f"/quiz/{attempt}/submit", {"step": str(step_of(app, attempt))})
    results = client.get(finish.headers["Location"]).get_data(as_text=True)
    assert "<strong>9 / 9</strong> (100%)" in results


def test_wrong_and_partial_answers_get_feedback(student, client, app):
    attempt = start(student)
    items = {i.version.type: i for i in items_of(app, attempt)}
    multiple = items["multiple"]
    answer(student, app, attempt, multiple.position, {"answer": ["2", "3"]})
    page = client.get(f"/quiz/{attempt}/q/{multiple.position}").get_data(as_text=True)
    assert "Incorrect: 0 of 1 point" in page  # one right, one wrong: floored at 0
    ordering = items["ordering"]
    fields = {"order-0": "one", "order-1": "three", "order-2": "two", "order-3": "four"}
    answer(student, app, attempt, ordering.position, fields)
    page = client.get(f"/quiz/{attempt}/q/{ordering.position}").get_data(as_text=True)
    assert "Partly correct: 0.5 of 1 point" in page


def test_invalid_responses_rerender_with_a_message_and_record_nothing(student, app):
    attempt = start(student)
    items = {i.version.type: i for i in items_of(app, attempt)}
    numeric = items["numeric"]
    step = step_of(app, attempt)
    response = answer(student, app, attempt, numeric.position, {"answer": "about three"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "is not a number" in html and 'value="about three"' in html
    forged = answer(student, app, attempt, items["single"].position, {"answer": "Pluto"})
    assert forged.status_code == 422
    twice = {"order-0": "one", "order-1": "one", "order-2": "", "order-3": ""}
    assert answer(student, app, attempt, items["ordering"].position, twice).status_code == 422
    empty = answer(student, app, attempt, items["short"].position, {"answer": "  "})
    assert empty.status_code == 422 and "Give an answer first" in empty.get_data(as_text=True)
    assert step_of(app, attempt) == step
    assert all(i.response is None for i in items_of(app, attempt))


def test_exam_reveals_nothing_until_submitted(student, client, app):
    attempt = start(student, mode="exam")
    items = items_of(app, attempt)
    for item in items:
        response = answer(student, app, attempt, item.position, right_answer(item), action="next")
        assert response.status_code == 302
        html = client.get(f"/quiz/{attempt}/q/{item.position}").get_data(as_text=True)
        assert item.version.data["explanation"] not in html
        assert "Correct answer" not in html and "text-bg-success" not in html
    with app.app_context():
        assert all(i.fraction is None for i in db.session.get(Attempt, attempt).items)
    assert client.get(f"/quiz/{attempt}/results").status_code == 302  # not before submitting
    student.post(f"/quiz/{attempt}/submit", {"step": str(step_of(app, attempt))})
    results = client.get(f"/quiz/{attempt}/results").get_data(as_text=True)
    assert "<strong>9 / 9</strong> (100%)" in results
    assert items[0].version.data["explanation"].split()[0] in results
    assert "Summary of Sample Bank" in results


def test_exam_answers_survive_a_reload_and_resume_where_left(student, client, app):
    attempt = start(student, mode="exam")
    items = items_of(app, attempt)
    answer(student, app, attempt, 0, right_answer(items[0]), action="next")
    answer(student, app, attempt, 1, right_answer(items[1]), action="goto-4")
    home = client.get("/").get_data(as_text=True)
    assert f'href="/quiz/{attempt}"' in home and "question 5 of 9" in home
    assert client.get(f"/quiz/{attempt}").headers["Location"] == f"/quiz/{attempt}/q/4"
    page = client.get(f"/quiz/{attempt}/q/0").get_data(as_text=True)
    assert "✓" in page  # answered questions are marked in the navigation


def test_autosave_saves_and_answers_json(student, client, app):
    attempt = start(student, mode="exam")
    item = next(i for i in items_of(app, attempt) if i.version.type == "short")
    data = {"step": str(step_of(app, attempt)), "position": str(item.position), "answer": "x"}
    response = student.post(f"/quiz/{attempt}/autosave", data)
    assert response.status_code == 200 and response.json["ok"] is True
    assert response.json["step"] == step_of(app, attempt)
    stale = student.post(f"/quiz/{attempt}/autosave", {**data, "step": "0", "answer": "y"})
    assert stale.status_code == 409
    with app.app_context():
        assert db.session.get(AttemptItem, item.id).response == "x"


def test_stale_step_cannot_overwrite_and_a_repeat_is_recorded_once(student, client, app):
    attempt = start(student, mode="exam")
    short = next(i for i in items_of(app, attempt) if i.version.type == "short")
    old_step = step_of(app, attempt)
    answer(student, app, attempt, short.position, {"answer": "first"}, action="save")
    # The same request again (double click, retry): accepted once, nothing else changes.
    step_after = step_of(app, attempt)
    repeat = answer(
        student, app, attempt, short.position, {"answer": "first"}, action="save", step=old_step
    )
    assert repeat.status_code == 302
    assert step_of(app, attempt) == step_after
    # An old tab with a different answer is refused and shows the latest state.
    stale = answer(
        student, app, attempt, short.position, {"answer": "older"}, action="save", step=old_step
    )
    assert stale.status_code == 409
    assert "another tab" in stale.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(AttemptItem, short.id).response == "first"


def test_submitted_attempt_is_closed_and_double_submit_counts_once(student, client, app):
    attempt = start(student, mode="exam", count="3")
    step = str(step_of(app, attempt))
    first = student.post(f"/quiz/{attempt}/submit", {"step": step})
    with app.app_context():
        submitted = db.session.get(Attempt, attempt)
        when, final_step = submitted.submitted_at, submitted.step
    second = student.post(f"/quiz/{attempt}/submit", {"step": step})
    assert first.headers["Location"] == second.headers["Location"]
    with app.app_context():
        again = db.session.get(Attempt, attempt)
        assert (again.submitted_at, again.step) == (when, final_step)
    item = items_of(app, attempt)[0]
    late = answer(student, app, attempt, 0, right_answer(item), action="save")
    assert late.status_code == 302 and late.headers["Location"].endswith("/results")
    assert "submitted" in client.get(late.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(AttemptItem, item.id).response is None


def test_time_limit_is_enforced_on_the_server(student, client, app):
    attempt = start(student, mode="exam", time_limit="10", count="3")
    items = items_of(app, attempt)
    answer(student, app, attempt, 0, right_answer(items[0]), action="next")
    page = client.get(f"/quiz/{attempt}/q/1").get_data(as_text=True)
    assert 'id="countdown" data-deadline="' in page
    with app.app_context():
        # The deadline passes (beyond the grace period) while the student still types.
        db.session.get(Attempt, attempt).deadline = utcnow() - timedelta(seconds=30)
        db.session.commit()
    late = answer(student, app, attempt, 1, right_answer(items[1]), action="next")
    assert late.headers["Location"].endswith(f"/quiz/{attempt}/results")
    results = client.get(late.headers["Location"]).get_data(as_text=True)
    assert "submitted automatically" in results
    assert "<strong>1 / 3</strong>" in results  # only the answer saved in time counts


def test_answers_within_the_grace_period_count(student, app):
    attempt = start(student, mode="exam", time_limit="10", count="2")
    items = items_of(app, attempt)
    with app.app_context():
        db.session.get(Attempt, attempt).deadline = utcnow() - timedelta(seconds=2)
        db.session.commit()
    response = answer(student, app, attempt, 0, right_answer(items[0]), action="submit")
    assert response.headers["Location"].endswith("/results")
    with app.app_context():
        assert db.session.get(Attempt, attempt).score == 1


def test_expired_attempt_is_submitted_when_next_seen(student, client, app):
    attempt = start(student, mode="exam", time_limit="1", count="2")
    with app.app_context():
        db.session.get(Attempt, attempt).deadline = utcnow() - timedelta(minutes=5)
        db.session.commit()
    assert f'href="/quiz/{attempt}"' not in client.get("/").get_data(as_text=True)
    with app.app_context():
        closed = db.session.get(Attempt, attempt)
        assert closed.finished and closed.auto_submitted
        assert closed.submitted_at == closed.deadline


def test_another_user_gets_404_everywhere(student, app, client):
    attempt = start(student, mode="exam")
    other = app.test_client()
    intruder = Auth(other)
    intruder.register("intruder")
    step = str(step_of(app, attempt))
    for url in (f"/quiz/{attempt}", f"/quiz/{attempt}/q/0", f"/quiz/{attempt}/results"):
        assert other.get(url).status_code == 404, url
    for url, data in (
        (f"/quiz/{attempt}/q/0", {"step": step, "action": "save", "answer": "x"}),
        (f"/quiz/{attempt}/autosave", {"step": step, "position": "0", "answer": "x"}),
        (f"/quiz/{attempt}/submit", {"step": step}),
    ):
        assert intruder.post(url, data).status_code == 404, url
    assert step_of(app, attempt) == int(step)
    assert client.get("/quiz/999999").status_code == 404


def test_anonymous_users_are_sent_to_log_in(client, sample_app):
    response = client.get("/quiz/new")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_retry_my_mistakes(student, app):
    attempt = start(student, count="9")
    items = items_of(app, attempt)
    wrong = [i for i in items if i.version.type in ("single", "true_false", "cloze")]
    for item in items:
        fields = wrong_answer(item) if item in wrong else right_answer(item)
        answer(student, app, attempt, item.position, fields)
    student.post(f"/quiz/{attempt}/submit", {"step": str(step_of(app, attempt))})
    retry = student.post("/quiz/retry", {"count": "10"})
    retry_id = int(re.search(r"/quiz/(\d+)", retry.headers["Location"]).group(1))
    assert {i.question_id for i in items_of(app, retry_id)} == {i.question_id for i in wrong}


def wrong_answer(item: AttemptItem) -> dict:
    data = item.version.data
    match item.version.type:
        case "single":
            return {"answer": next(c for c in data["choices"] if c != data["answer"])}
        case "true_false":
            return {"answer": "false" if data["answer"] else "true"}
        case "cloze":
            return {"blank-0": "nothing"}
    raise AssertionError(item.version.type)


def test_retry_with_no_mistakes_says_so(student):
    response = student.post("/quiz/retry", {"count": "5"})
    assert response.headers["Location"] == "/quiz/new"


def test_results_keep_the_version_the_student_saw(student, client, app, runner, tmp_path):
    attempt = start(student, count="9")
    for item in items_of(app, attempt):
        answer(student, app, attempt, item.position, right_answer(item))
    student.post(f"/quiz/{attempt}/submit", {"step": str(step_of(app, attempt))})
    edited = tmp_path / "banks"
    edited.mkdir()
    text = (SAMPLE_BANKS / "sample.yaml").read_text()
    text = text.replace("answer: Mercury\n", "answer: Venus\n").replace(
        "Mercury orbits closest", "Venus, say the editors"
    )
    (edited / "sample.yaml").write_text(text)
    load_banks(app, edited)
    results = client.get(f"/quiz/{attempt}/results").get_data(as_text=True)
    assert "Mercury orbits closest" in results and "say the editors" not in results
    assert "<strong>9 / 9</strong>" in results
    with app.app_context():
        question = db.session.scalar(sa.select(Question).where(Question.slug == "capital-single"))
        assert question.version == 2


def test_csrf_token_is_required_for_answers(student, client, app):
    attempt = start(student)
    response = client.post(f"/quiz/{attempt}/q/0", data={"step": "0", "answer": "x"})
    assert response.status_code == 400
    assert csrf_token(client)  # the session itself is fine
