"""The practice loop over HTTP: feedback marked on each part of the answer, "I don't know",
Skip, a refused empty check shown by the controls, and an exam's summary before submitting."""

from __future__ import annotations

import re

import pytest

from quizapp.extensions import db
from quizapp.models import Attempt
from tests.factories import answer, answer_fields, items_of, start, step_of

MARK = re.compile(
    r'<span class="mark mark-(\w+)" id="([\w-]+)-mark">'
    r'<span aria-hidden="true">. </span>([^<]+)</span>'
)


@pytest.fixture
def student(sample_app, client, auth):
    auth.register("looper")
    return auth


def marks_on(page: str) -> dict[str, str]:
    """Each marked control's id -> the words beside it."""
    return {control: words for _, control, words in MARK.findall(page)}


def item_of(app, attempt: int, kind: str):
    return next(i for i in items_of(app, attempt) if i.version.type == kind)


def test_each_part_of_a_wrong_answer_is_marked_where_it_is(student, client, app):
    attempt = start(student)
    cases = {
        # type: (form fields, what the page must say beside which control)
        "multiple": (
            {"answer": ["2", "3"]},
            {"Right": 1, "Wrong": 1, "Missed: this one is right too": 1},
        ),
        "true_false": ({"answer": "false"}, {"Wrong": 1, "Right answer": 1}),
        "matching": (None, {"Right": 1, "Wrong": 2}),
        "ordering": (None, {"Right": 2, "Wrong": 2}),
        "cloze": ({"blank-0": "blue", "blank-1": "red"}, {"Right": 1, "Wrong": 1}),
        "short": ({"answer": "Marlowe"}, {"Wrong": 1}),
    }
    for kind, (fields, expected) in cases.items():
        item = item_of(app, attempt, kind)
        if fields is None:  # swap two rows of the right answer
            fields = answer_fields(item)
            names = sorted(fields)
            if kind == "matching":
                first, second = names[0], names[1]
            else:
                first, second = names[0], names[-1]
            fields[first], fields[second] = fields[second], fields[first]
        response = answer(student, app, attempt, item.position, fields)
        assert response.status_code == 302
        page = client.get(f"/quiz/{attempt}/q/{item.position}").get_data(as_text=True)
        words = list(marks_on(page).values())
        assert {w: words.count(w) for w in set(words)} == expected, kind
        # The marks name the control they describe, for screen readers.
        for control in marks_on(page):
            assert f'aria-describedby="{control}-mark' in page


def test_partial_credit_reads_as_people_write_it(student, client, app):
    attempt = start(student)
    item = item_of(app, attempt, "matching")
    fields = answer_fields(item)
    names = sorted(fields)
    fields[names[0]], fields[names[1]] = fields[names[1]], fields[names[0]]  # 1 of 3 right
    answer(student, app, attempt, item.position, fields)
    page = client.get(f"/quiz/{attempt}/q/{item.position}").get_data(as_text=True)
    assert "Partly correct: 0.33 of 1 point" in page
    assert "0.333" not in page
    assert "Right answer: <strong>" in page  # each wrong row says what it should be


def test_i_dont_know_counts_as_wrong_shows_the_answer_and_is_recorded_once(student, client, app):
    attempt = start(student)
    item = item_of(app, attempt, "single")
    first = answer(student, app, attempt, item.position, {"answer": "Paris"}, action="dont-know")
    again = answer(student, app, attempt, item.position, {}, action="dont-know", step=0)
    assert first.status_code == again.status_code == 302
    page = client.get(f"/quiz/{attempt}/q/{item.position}").get_data(as_text=True)
    assert "Incorrect: 0 of 1 point" in page
    assert "You chose “I don't know”: it counts as wrong" in page
    assert "Correct answer" in page and "Right answer" in page
    with app.app_context():
        saved = next(i for i in db.session.get(Attempt, attempt).items if i.id == item.id)
        assert saved.response is None and saved.fraction == 0 and saved.points == 0
        assert db.session.get(Attempt, attempt).step == 1  # the repeat wrote nothing


def test_skip_leaves_a_question_for_the_end(student, client, app):
    attempt = start(student, count="3")
    page = client.get(f"/quiz/{attempt}/q/0").get_data(as_text=True)
    assert f'id="skip" href="/quiz/{attempt}/q/1"' in page
    items = items_of(app, attempt)
    for item in items[1:]:
        answer(student, app, attempt, item.position, answer_fields(item))
    last = client.get(f"/quiz/{attempt}/q/2").get_data(as_text=True)
    # The skipped question comes back before the results are offered.
    assert f'id="next-question" href="/quiz/{attempt}/q/0"' in last
    assert "Back to question 1" in last and 'id="finish"' not in last
    answer(student, app, attempt, 0, answer_fields(items[0]))
    done = client.get(f"/quiz/{attempt}/q/0").get_data(as_text=True)
    assert 'id="finish"' in done and 'id="skip"' not in done


def test_an_empty_check_is_refused_beside_the_controls(student, client, app):
    attempt = start(student)
    response = answer(student, app, attempt, 0, {})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    error = re.search(r'<p id="answer-error"[^>]*>([^<]*)</p>', page)
    assert error and error.group(1) == "Give an answer first, then check it."
    assert 'aria-describedby="answer-error"' in page
    assert 'class="alert alert-danger"' not in page  # not a flash at the top of the page


def test_an_exam_lists_what_is_unanswered_before_it_is_submitted(student, client, app):
    attempt = start(student, mode="exam", count="4", time_limit="5")
    page = client.get(f"/quiz/{attempt}/q/0").get_data(as_text=True)
    # The time left is written by the server: it shows without JavaScript.
    timer = re.search(r'id="countdown"[^>]*>([^<]+)<span class="ends"> \(ends ([^)]+)\)', page)
    assert timer and timer.group(1) in ("about 5 min left", "about 4 min left")
    assert re.fullmatch(r"\d\d:\d\d UTC", timer.group(2))
    assert 'data-warn="60"' in page and "timer warning" not in page
    item = items_of(app, attempt)[1]
    response = answer(student, app, attempt, 1, answer_fields(item), action="summary")
    assert response.headers["Location"] == f"/quiz/{attempt}/summary"
    summary = client.get(f"/quiz/{attempt}/summary").get_data(as_text=True)
    assert "3 of 4 questions not answered</strong>: 1, 3, 4." in summary
    assert summary.count('data-answered="false"') == 3
    assert f'href="/quiz/{attempt}/q/2">Answer<span class="visually-hidden"> question 3' in summary
    submitted = student.post(f"/quiz/{attempt}/submit", {"step": "2"})
    assert submitted.headers["Location"] == f"/quiz/{attempt}/results"
    assert client.get(f"/quiz/{attempt}/summary").headers["Location"] == (
        f"/quiz/{attempt}/results"
    )


def test_a_short_exam_warns_for_its_last_fifth_not_its_whole_length(student, client, app):
    attempt = start(student, mode="exam", count="2", time_limit="1")
    page = client.get(f"/quiz/{attempt}/q/0").get_data(as_text=True)
    assert 'data-warn="12"' in page and "timer warning" not in page


@pytest.mark.parametrize("mode", ["practice", "exam"])
def test_a_short_answer_lists_its_other_accepted_wordings_once_answers_show(
    student, client, app, mode
):
    """Feedback names every wording the key accepts ("Also accepted: Shakespeare"), not only
    the first; an exam shows none of it before it is submitted."""
    attempt = start(student, mode=mode)
    item = item_of(app, attempt, "short")
    answer(student, app, attempt, item.position, {"answer": "Marlowe"})
    page = client.get(f"/quiz/{attempt}/q/{item.position}").get_data(as_text=True)
    assert ("Also accepted: Shakespeare" in page) is (mode == "practice")
    assert (
        student.post(f"/quiz/{attempt}/submit", {"step": str(step_of(app, attempt))}).status_code
        == 302
    )
    results = client.get(f"/quiz/{attempt}/results").get_data(as_text=True)
    assert "Also accepted: Shakespeare" in results
