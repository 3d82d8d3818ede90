"""Fair grading over HTTP (issue 13): close matches said in the feedback, "I was right" in practice
(recorded once, never in an exam, seen by instructors), and the instructor's response analysis
whose "accept" edits the bank file through upload, preview and confirm, then regrades."""

from __future__ import annotations

import re

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Attempt, AttemptItem, Upload
from quizapp.services import quizzes, responses
from tests.conftest import Auth
from tests.factories import (
    answer,
    answer_fields,
    confirm_form,
    exam_with,
    items_of,
    question_id,
    staff_client,
    start,
    step_of,
    upload_id_of,
    user_named,
)

TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def token_of(page: str) -> str:
    return TOKEN.search(page).group(1)


def item_of(app, attempt_id: int, slug: str) -> AttemptItem:
    return next(i for i in items_of(app, attempt_id) if i.question.slug == slug)


def fresh(app, item_id: int) -> AttemptItem:
    with app.app_context():
        item = db.session.get(AttemptItem, item_id)
        db.session.expunge(item)
        return item


def practice_with_a_wrong_short_answer(app, auth, response="Christopher Marlowe"):
    auth.register("pupil")
    attempt = start(auth)
    short = item_of(app, attempt, "author-short")
    page = answer(auth, app, attempt, short.position, {"answer": response})
    assert page.status_code == 302
    return attempt, short


def override(auth, attempt, position, **extra):
    return auth.post(f"/quiz/{attempt}/q/{position}/override", extra)


# ---- what the student is told ---------------------------------------------------------------


def test_a_close_match_is_accepted_and_the_feedback_says_so(sample_app, client, auth):
    attempt, short = practice_with_a_wrong_short_answer(sample_app, auth, "William Shakspeare")
    stored = fresh(sample_app, short.id)
    assert stored.fraction == 1
    assert stored.note == (
        "Accepted: you wrote 'William Shakspeare'; the answer is 'William Shakespeare'."
    )
    page = client.get(f"/quiz/{attempt}/q/{short.position}").get_data(as_text=True)
    assert "Accepted: you wrote &#39;William Shakspeare&#39;" in page
    assert 'id="override"' not in page  # nothing to overrule


# ---- "I was right" --------------------------------------------------------------------------


def test_override_counts_for_the_attempt_retry_and_mastery_once(sample_app, client, auth):
    attempt, short = practice_with_a_wrong_short_answer(sample_app, auth)
    page = client.get(f"/quiz/{attempt}/q/{short.position}").get_data(as_text=True)
    assert 'id="override"' in page and "I was right" in page
    with sample_app.app_context():
        pupil = user_named("pupil")
        assert short.question_id in quizzes.latest_mistakes(db.session, pupil)

    done = override(auth, attempt, short.position)
    assert done.status_code == 302 and done.headers["Location"].endswith(
        f"/quiz/{attempt}/q/{short.position}"
    )
    first = fresh(sample_app, short.id)
    assert (first.fraction, first.points, first.overridden_from) == (1.0, 1.0, 0.0)
    again = override(auth, attempt, short.position)  # a double post
    assert again.status_code == 302
    assert fresh(sample_app, short.id).overridden_at == first.overridden_at
    page = client.get(f"/quiz/{attempt}/q/{short.position}").get_data(as_text=True)
    assert "You marked this answer right" in page and 'id="override"' not in page
    with sample_app.app_context():
        pupil = user_named("pupil")
        assert short.question_id not in quizzes.latest_mistakes(db.session, pupil)

    for item in items_of(sample_app, attempt):
        if item.position != short.position:
            answer(auth, sample_app, attempt, item.position, answer_fields(item))
    auth.post(f"/quiz/{attempt}/submit", {"step": str(step_of(sample_app, attempt))})
    with sample_app.app_context():
        closed = db.session.get(Attempt, attempt)
        assert closed.score == closed.max_score  # the overruled answer counts
    results = client.get(f"/quiz/{attempt}/results").get_data(as_text=True)
    assert "You marked this answer right" in results


def test_override_after_submitting_a_practice_updates_the_score(sample_app, client, auth):
    attempt, short = practice_with_a_wrong_short_answer(sample_app, auth)
    auth.post(f"/quiz/{attempt}/submit", {"step": str(step_of(sample_app, attempt))})
    with sample_app.app_context():
        before = db.session.get(Attempt, attempt).score
    results = client.get(f"/quiz/{attempt}/results").get_data(as_text=True)
    assert "override-button" in results
    done = override(auth, attempt, short.position)
    assert done.headers["Location"].endswith(f"/quiz/{attempt}/results#result-{short.position}")
    with sample_app.app_context():
        assert db.session.get(Attempt, attempt).score == before + 1


def test_override_is_refused_without_csrf_for_others_and_for_right_or_choice_answers(
    sample_app, client, auth
):
    attempt, short = practice_with_a_wrong_short_answer(sample_app, auth)
    bare = client.post(f"/quiz/{attempt}/q/{short.position}/override")
    assert bare.status_code == 400
    single = item_of(sample_app, attempt, "capital-single")
    answer(auth, sample_app, attempt, single.position, {"answer": "Venus"})
    assert override(auth, attempt, single.position).status_code == 403  # not a typed answer
    cloze = item_of(sample_app, attempt, "colour-cloze")
    answer(auth, sample_app, attempt, cloze.position, answer_fields(cloze))
    assert override(auth, attempt, cloze.position).status_code == 403  # already right
    assert override(auth, attempt, 999).status_code == 404

    other = sample_app.test_client()
    Auth(other).register("intruder")
    assert Auth(other).post(f"/quiz/{attempt}/q/{short.position}/override").status_code == 404
    assert fresh(sample_app, short.id).overridden_at is None


def test_override_never_applies_to_exams(sample_app, client, auth):
    auth.register("examinee")
    attempt = start(auth, mode="exam")
    short = item_of(sample_app, attempt, "author-short")
    answer(auth, sample_app, attempt, short.position, {"answer": "Marlowe"}, action="save")
    assert override(auth, attempt, short.position).status_code == 403  # in progress
    auth.post(f"/quiz/{attempt}/submit", {"step": str(step_of(sample_app, attempt))})
    results = client.get(f"/quiz/{attempt}/results").get_data(as_text=True)
    assert "override-button" not in results
    assert override(auth, attempt, short.position).status_code == 403  # submitted
    stored = fresh(sample_app, short.id)
    assert (stored.fraction, stored.overridden_at) == (0.0, None)


def test_instructors_see_the_override_and_count_it(sample_app, client, auth):
    attempt, short = practice_with_a_wrong_short_answer(sample_app, auth)
    override(auth, attempt, short.position)
    auth.post(f"/quiz/{attempt}/submit", {"step": str(step_of(sample_app, attempt))})
    teacher = staff_client(sample_app, "admin")
    with sample_app.app_context():
        pupil = user_named("pupil").id
    view = teacher.get(f"/class/students/{pupil}/attempts/{attempt}").get_data(as_text=True)
    assert "The student marked this answer right" in view and "override-button" not in view
    page = teacher.get(f"/class/questions/{short.question_id}").get_data(as_text=True)
    row = re.search(r'<tr class="response-row" data-response="Christopher Marlowe">(.*?)</tr>',
                    page, re.S).group(1)  # fmt: skip
    assert '<td class="text-end override-count">1</td>' in row
    assert "0%" in row  # the mark grading gave it, not the override


# ---- response analysis and the instructor's verdict ------------------------------------------


def test_response_analysis_lists_normalised_responses_with_filters(editable_app):
    app, _ = editable_app
    first = exam_with(app, Auth(app.test_client()), "ann", {"author-short": {"answer": "Marlowe"}})
    exam_with(app, Auth(app.test_client()), "bob", {"author-short": {"answer": " marlowe."}})
    exam_with(
        app,
        Auth(app.test_client()),
        "cyd",
        {"colour-cloze": {"blank-0": "Blue", "blank-1": "emerald"}},
    )
    with app.app_context():
        short = question_id(app, "author-short")
        report = responses.response_report(db.session, short)
        rows = {row.normalised: row for row in report.rows}
        assert rows["marlowe"].count == 2 and rows["marlowe"].scores == {0.0}
        assert len(rows["marlowe"].spellings) == 2 and not rows["marlowe"].right_now
        assert rows["william shakespeare"].right_now
        only_ann = responses.response_report(db.session, short, attempt_ids={first})
        assert sum(row.count for row in only_ann.rows) == 1
        nobody = responses.response_report(db.session, short, user_ids=set())
        assert nobody.rows == []
        cloze = responses.response_report(db.session, question_id(app, "colour-cloze"))
        by_part = {(row.part, row.normalised): row for row in cloze.rows}
        assert by_part[("2", "emerald")].scores == {0.0}
        assert by_part[("1", "blue")].scores == {1.0}
        numeric = responses.response_report(db.session, question_id(app, "pi-numeric"))
        assert numeric.rows and not numeric.editable
        single = responses.response_report(db.session, question_id(app, "capital-single"))
        assert [(row.shown, row.right_now) for row in single.rows][:1] == [("Mercury", True)]
        assert {row.shown for row in single.rows} == {"Mercury", "Venus", "Earth", "Mars"}


def test_accepting_a_response_edits_the_file_previews_confirms_and_regrades(editable_app):
    app, bank_file = editable_app
    before_text = bank_file.read_text()
    student = Auth(app.test_client())
    attempt = exam_with(app, student, "ann", {"author-short": {"answer": "Marlowe"}})
    with app.app_context():
        first_score = db.session.get(Attempt, attempt).score
    teacher = staff_client(app, "admin")
    short = question_id(app, "author-short")
    page = teacher.get(f"/class/questions/{short}").get_data(as_text=True)
    assert 'aria-label="Accept Marlowe"' in page
    verdict = {"csrf_token": token_of(page), "part": "", "response": "Marlowe"}
    assert teacher.post(f"/class/questions/{short}/responses", data=verdict).status_code == 400
    made = teacher.post(
        f"/class/questions/{short}/responses", data={**verdict, "verdict": "accept"}
    )
    assert made.status_code == 302 and "/authoring/uploads/" in made.headers["Location"]
    assert bank_file.read_text() == before_text  # nothing written before the confirmation

    preview = teacher.get(made.headers["Location"]).get_data(as_text=True)
    assert "sample-bank/author-short" in preview and "+- Marlowe" in preview
    assert "Made from your verdict on a student" in preview
    confirm_url = made.headers["Location"] + "/confirm"
    fields = confirm_form(teacher, upload_id_of(made))
    done = teacher.post(confirm_url, data=fields, follow_redirects=True)
    page = done.get_data(as_text=True)
    assert "Wrote sample.yaml." in page and "Regraded 1 answer(s)" in page

    after_text = bank_file.read_text()
    changed = [
        (old, new)
        for old, new in zip(before_text.splitlines(), after_text.splitlines(), strict=True)
        if old != new
    ]
    assert changed == [
        (
            "    answers: [William Shakespeare, Shakespeare]",
            "    answers: [William Shakespeare, Shakespeare, Marlowe]",
        )
    ]
    with app.app_context():
        regraded = db.session.get(Attempt, attempt)
        assert regraded.original_score == first_score and regraded.score == first_score + 1
    again = teacher.post(confirm_url, data=fields)
    assert again.status_code == 302  # confirmed once: no second import or regrade
    with app.app_context():
        assert db.session.get(Attempt, attempt).score == first_score + 1


def test_accepting_a_blank_and_rejecting_a_close_match(editable_app):
    app, bank_file = editable_app
    exam_with(
        app,
        Auth(app.test_client()),
        "ann",
        {
            "colour-cloze": {"blank-0": "blue", "blank-1": "emerald"},
            "author-short": {"answer": "William Shakespear"},  # accepted by the pattern
        },
    )
    teacher = staff_client(app, "admin")
    cloze = question_id(app, "colour-cloze")
    page = teacher.get(f"/class/questions/{cloze}").get_data(as_text=True)
    made = teacher.post(
        f"/class/questions/{cloze}/responses",
        data={
            "csrf_token": token_of(page),
            "part": "2",
            "response": "emerald",
            "verdict": "accept",
        },
    )
    fields = confirm_form(teacher, upload_id_of(made))  # read from the preview page
    teacher.post(made.headers["Location"] + "/confirm", data=fields)
    assert "grass is [[green|verdant|emerald]]." in bank_file.read_text()

    short = question_id(app, "author-short")
    page = teacher.get(f"/class/questions/{short}").get_data(as_text=True)
    assert 'aria-label="Reject William Shakespear"' in page
    made = teacher.post(
        f"/class/questions/{short}/responses",
        data={
            "csrf_token": token_of(page),
            "part": "",
            "response": "William Shakespear",
            "verdict": "reject",
        },
    )
    fields = confirm_form(teacher, upload_id_of(made))  # read from the preview page
    teacher.post(made.headers["Location"] + "/confirm", data=fields)
    assert "    reject: [William Shakespear]\n" in bank_file.read_text()
    with app.app_context():
        item = db.session.scalar(sa.select(AttemptItem).where(AttemptItem.question_id == short))
        assert (item.original_points, item.points) == (1.0, 0.0)


def test_a_verdict_the_bank_cannot_take_is_refused_with_a_message(editable_app):
    app, bank_file = editable_app
    exam_with(app, Auth(app.test_client()), "ann", {"author-short": {"answer": "Marlowe"}})
    teacher = staff_client(app, "admin")
    short = question_id(app, "author-short")
    page = teacher.get(f"/class/questions/{short}").get_data(as_text=True)
    refused = teacher.post(
        f"/class/questions/{short}/responses",
        data={
            "csrf_token": token_of(page),
            "part": "",
            "response": "Shakespeare",  # an accepted answer cannot be rejected
            "verdict": "reject",
        },
        follow_redirects=True,
    )
    assert "The bank cannot take this change" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Upload)) == 0
    missing = teacher.post("/class/questions/99999/responses", data={"csrf_token": token_of(page)})
    assert missing.status_code == 404
