"""The rules of assignments without a database: Moodle's review phases and options, a
student's window with an override, starting, grading methods, statuses, flashcard goals,
join codes and class time zones."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from quizapp.assignment_rules import (
    DEFAULT_REVIEW,
    EVERYTHING,
    NOTHING,
    AssignedReview,
    AssignmentStatus,
    AttemptFacts,
    Extension,
    Finished,
    GoalProgress,
    ReviewPhase,
    Shown,
    Window,
    attempt_deadline,
    clean_review,
    counted_attempt,
    goal_progress,
    goal_status,
    grade,
    local_label,
    local_to_utc,
    new_join_code,
    normalise_code,
    review_phase,
    status,
    utc_to_local,
    what_may_be_shown,
    why_not_start,
    window_problem,
    with_override,
)

T = datetime(2026, 3, 2, 12, 0)  # naive UTC, as stored
CLOSE = T + timedelta(days=2)


def at(**delta) -> datetime:
    return T + timedelta(**delta)


# ---- review phases and options ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("finished", "now", "phase"),
    [
        (None, at(), ReviewPhase.DURING),
        (at(), at(seconds=119), ReviewPhase.IMMEDIATELY_AFTER),
        (at(), at(seconds=120), ReviewPhase.LATER_WHILE_OPEN),
        (at(), at(days=1), ReviewPhase.LATER_WHILE_OPEN),
        (at(), CLOSE, ReviewPhase.AFTER_CLOSE),
        # Submitted a minute before the close: after the close wins, as in Moodle.
        (CLOSE - timedelta(minutes=1), CLOSE, ReviewPhase.AFTER_CLOSE),
    ],
)
def test_review_phase_follows_moodles_order(finished, now, phase):
    assert review_phase(finished, CLOSE, now) is phase


def test_without_a_close_date_it_stays_later_while_open():
    assert review_phase(at(), None, at(days=400)) is ReviewPhase.LATER_WHILE_OPEN


OPTIONS = {
    "during": ["score", "answers", "feedback"],
    "immediately_after": ["score"],
    "later_while_open": [],
    "after_close": ["score", "answers", "feedback"],
}


@pytest.mark.parametrize(
    ("mode", "finished", "now", "expected"),
    [
        ("exam", None, at(), (False, False, False)),  # an exam shows nothing while it runs
        ("practice", None, at(), (True, True, True)),  # "during": checked practice answers
        ("exam", at(), at(minutes=1), (True, False, False)),
        ("exam", at(), at(hours=1), (False, False, False)),
        ("exam", at(), CLOSE, (True, True, True)),
    ],
)
def test_what_may_be_shown_follows_the_options_of_each_phase(mode, finished, now, expected):
    shown = what_may_be_shown(AttemptFacts(mode, finished), AssignedReview(OPTIONS, CLOSE), now)
    assert (shown.score, shown.answers, shown.feedback) == expected


def test_an_exam_never_shows_anything_during_even_if_ticked():
    review = AssignedReview({"during": ["score", "answers", "feedback"]}, None)
    assert not what_may_be_shown(AttemptFacts("exam", None), review, at()).anything


def test_a_student_override_moves_the_close_the_review_waits_for():
    early, late = AssignedReview(OPTIONS, CLOSE), AssignedReview(OPTIONS, CLOSE + timedelta(days=3))
    facts = AttemptFacts("exam", at())
    assert what_may_be_shown(facts, early, at(days=3)).answers
    assert not what_may_be_shown(facts, late, at(days=3)).answers


def test_attempts_outside_assignments_keep_todays_behaviour():
    assert what_may_be_shown(AttemptFacts("exam", None), None, at()) == Shown(
        False, False, False, ReviewPhase.DURING
    )
    for mode in ("exam", "practice"):
        shown = what_may_be_shown(AttemptFacts(mode, at()), None, at(days=9))
        assert (shown.score, shown.answers, shown.feedback) == (True, True, True)
    assert what_may_be_shown(AttemptFacts("practice", None), None, at()).anything


def test_review_options_are_stored_clean_and_default_as_moodle():
    assert clean_review({"during": ["feedback", "score", "bogus"], "nope": ["score"]}) == {
        "during": ["score", "feedback"],
        "immediately_after": [],
        "later_while_open": [],
        "after_close": [],
    }
    assert DEFAULT_REVIEW["during"] == [] and DEFAULT_REVIEW["after_close"] == [
        "score",
        "answers",
        "feedback",
    ]
    assert EVERYTHING.anything and not NOTHING.anything


# ---- one student's window ---------------------------------------------------------------------


BASE = Window(opens_at=at(), due_at=at(days=1), closes_at=CLOSE, time_limit_minutes=30,
              attempts_allowed=2)  # fmt: skip


def test_an_override_moves_close_and_due_and_adds_time_and_attempts():
    mine = with_override(BASE, Extension(CLOSE + timedelta(days=1), 15, 1))
    assert mine.closes_at == CLOSE + timedelta(days=1) and mine.due == mine.closes_at
    assert (mine.time_limit_minutes, mine.attempts_allowed) == (45, 3)
    assert with_override(BASE, None) == BASE


def test_extra_time_and_attempts_add_nothing_to_no_limit():
    open_ended = Window(None, None, None, None, 0)
    assert with_override(open_ended, Extension(None, 20, 2)) == open_ended


@pytest.mark.parametrize(
    ("now", "used", "reason"),
    [
        (at(minutes=-1), 0, "not open yet"),
        (at(), 0, None),
        (at(), 1, None),
        (at(), 2, "used every attempt"),
        (CLOSE, 0, "closed"),
    ],
)
def test_why_not_start(now, used, reason):
    found = why_not_start(BASE, used, now)
    assert (found is None) if reason is None else (reason in found)


def test_unlimited_attempts_never_run_out():
    assert why_not_start(Window(None, None, None, None, 0), 10_000, at()) is None


def test_the_deadline_is_the_time_limit_or_the_close_whichever_comes_first():
    assert attempt_deadline(BASE, at()) == at(minutes=30)
    assert attempt_deadline(BASE, CLOSE - timedelta(minutes=10)) == CLOSE
    assert attempt_deadline(Window(None, None, None), at()) is None


@pytest.mark.parametrize(
    ("opens", "due", "closes", "problem"),
    [
        (at(), at(days=1), at(days=2), None),
        (at(), None, at(), "close date must come after the open"),
        (at(), at(), None, "due date must come after the open"),
        (None, at(days=2), at(days=1), "cannot come before the due"),
        (None, at(days=2), at(days=2), None),
    ],
)
def test_window_problems(opens, due, closes, problem):
    found = window_problem(Window(opens, due, closes))
    assert (found is None) if problem is None else (problem in found)


# ---- grades and statuses ----------------------------------------------------------------------

TRIES = [Finished(at(hours=3), 40.0), Finished(at(hours=1), 70.0), Finished(at(hours=2), 70.0)]


@pytest.mark.parametrize(
    ("method", "value", "index"),
    [("highest", 70.0, 1), ("first", 70.0, 1), ("last", 40.0, 0), ("average", 60.0, None)],
)
def test_grading_methods(method, value, index):
    assert grade(method, TRIES) == pytest.approx(value)
    assert counted_attempt(method, TRIES) == index
    assert grade(method, []) is None and counted_attempt(method, []) is None


def test_status_of_a_quiz():
    due = BASE.due
    assert status(BASE, [], False, at()) is AssignmentStatus.NOT_STARTED
    assert status(BASE, [], True, at()) is AssignmentStatus.IN_PROGRESS
    assert status(BASE, [due], False, at()) is AssignmentStatus.SUBMITTED
    assert status(BASE, [due + timedelta(seconds=1)], False, CLOSE) is AssignmentStatus.LATE
    # The first submission decides: a later retry does not make it late.
    assert (
        status(BASE, [due + timedelta(hours=1), at()], False, CLOSE) is AssignmentStatus.SUBMITTED
    )
    assert status(BASE, [], False, CLOSE) is AssignmentStatus.MISSED


def test_an_extension_is_not_late():
    mine = with_override(BASE, Extension(CLOSE + timedelta(days=1)))
    assert status(mine, [CLOSE + timedelta(hours=1)], False, CLOSE) is AssignmentStatus.SUBMITTED


# ---- flashcard goals --------------------------------------------------------------------------


def test_goal_every_card_seen_completes_at_the_last_new_card():
    reviews = [(at(minutes=3), 2, 1), (at(minutes=1), 1, 3), (at(minutes=2), 1, 1), (at(), 9, 3)]
    progress = goal_progress("seen", [1, 2], reviews)
    assert progress == GoalProgress(2, 2, at(minutes=3))
    assert progress.share == 1.0


def test_goal_recalled_counts_each_cards_latest_rating():
    reviews = [(at(minutes=1), 1, 3), (at(minutes=2), 2, 1), (at(minutes=3), 1, 1)]
    assert goal_progress("recalled", [1, 2], reviews) == GoalProgress(0, 2, None)
    more = [*reviews, (at(minutes=4), 1, 4), (at(minutes=5), 2, 3)]
    assert goal_progress("recalled", [1, 2], more) == GoalProgress(2, 2, at(minutes=5))


def test_goal_status():
    window = Window(None, at(days=1), None)
    done = GoalProgress(3, 3, at(hours=1))
    assert goal_status(done, window, at(days=5), True) is AssignmentStatus.SUBMITTED
    late = GoalProgress(3, 3, at(days=2))
    assert goal_status(late, window, at(days=5), True) is AssignmentStatus.LATE
    halfway = GoalProgress(1, 3, None)
    assert goal_status(halfway, window, at(), True) is AssignmentStatus.IN_PROGRESS
    assert goal_status(halfway, window, at(days=1), True) is AssignmentStatus.MISSED
    assert (
        goal_status(GoalProgress(0, 3, None), window, at(), False) is AssignmentStatus.NOT_STARTED
    )
    assert GoalProgress(0, 0, None).share == 0.0


# ---- codes and time zones ---------------------------------------------------------------------


def test_join_codes_are_unambiguous_and_read_as_typed():
    code = new_join_code()
    assert len(code) == 8 and not set(code) & set("01OIL")
    assert normalise_code(" abcd-2345 ") == "ABCD2345"
    assert normalise_code(None) == "" and len(normalise_code("x" * 500)) == 32


def test_class_times_convert_across_daylight_saving():
    # Paris: UTC+1 in winter, UTC+2 from the last Sunday of March.
    assert local_to_utc(datetime(2026, 3, 2, 9, 0), "Europe/Paris") == datetime(2026, 3, 2, 8, 0)
    assert local_to_utc(datetime(2026, 4, 2, 9, 0), "Europe/Paris") == datetime(2026, 4, 2, 7, 0)
    assert utc_to_local(datetime(2026, 4, 2, 7, 0), "Europe/Paris").hour == 9
    assert local_label(datetime(2026, 3, 2, 8, 0), "Europe/Paris") == "Mon 02 Mar 2026, 09:00 CET"
    assert local_label(None, "UTC", "never") == "never" and local_to_utc(None, "UTC") is None
