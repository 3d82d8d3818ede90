"""Every rule of classes, through the services on a real database and a fixed clock:
membership, starting an assigned quiz with its own settings, dates and attempts enforced on
the server, overrides, reopening, grades by method, statuses, flashcard goals, and the review
options on every figure a student sees."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from quizapp.assignment_rules import AssignmentStatus
from quizapp.extensions import db
from quizapp.models import Attempt, Course, CourseMember, User
from quizapp.services import classes, progress, quizzes, review
from quizapp.services.classes import ClassError, CourseDetails, QuizSettings
from quizapp.services.demo import DEMO_PASSWORD
from quizapp.services.quizzes import QuizError
from quizapp.vocab import AttemptStatus
from tests.conftest import Auth
from tests.factories import (
    enrol,
    first_card,
    make_attempt,
    make_course,
    make_goal,
    make_quiz_assignment,
    make_review,
    make_user,
    take_assignment,
)

EVERYTHING_AFTER_CLOSE = {
    "during": [],
    "immediately_after": ["score"],
    "later_while_open": [],
    "after_close": ["score", "answers", "feedback"],
}


@pytest.fixture
def course(sample_app):
    """A class in Paris time with one instructor and two students."""
    teacher = make_user(sample_app, "teacher", "instructor")
    course_id = make_course(sample_app, teacher)
    ada, bob = make_user(sample_app, "ada"), make_user(sample_app, "bob")
    enrol(sample_app, course_id, ada, bob)
    return sample_app, course_id, ada, bob


def get(app, model, row_id):
    with app.app_context():
        return db.session.get(model, row_id)


def user(app, name):
    with app.app_context():
        return db.session.scalar(sa.select(User).where(User.username == name))


# ---- classes and members ----------------------------------------------------------------------


def test_joining_twice_changes_nothing_and_codes_are_read_as_typed(course):
    app, course_id, ada, _ = course
    with app.app_context():
        code = db.session.get(Course, course_id).join_code
        typed = f" {code[:4].lower()}-{code[4:]} "
        joined, new = classes.join(db.session, db.session.get(User, ada.id), typed)
        assert joined.id == course_id and new is False
        with pytest.raises(ClassError, match="No open class"):
            classes.join(db.session, db.session.get(User, ada.id), "NOPE2345")
        members = db.session.scalars(
            sa.select(CourseMember.user_id).where(CourseMember.course_id == course_id)
        ).all()
    assert sorted(members).count(ada.id) == 1


def test_new_code_and_archive_close_the_door(course):
    app, course_id, _, _ = course
    carol = make_user(app, "carol")
    with app.app_context():
        old = db.session.get(Course, course_id).join_code
        new = classes.regenerate_code(db.session, course_id)
        assert new != old and classes.course_by_code(db.session, old) is None
        classes.set_archived(db.session, course_id, True)
        with pytest.raises(ClassError):
            classes.join(db.session, db.session.get(User, carol.id), new)
        classes.set_archived(db.session, course_id, False)
        assert classes.join(db.session, db.session.get(User, carol.id), new)[1] is True


def test_a_student_can_be_in_several_classes(course, clock):
    app, course_id, ada, _ = course
    other = make_course(app, user(app, "teacher"), name="Chemistry", timezone="Asia/Tokyo")
    enrol(app, other, ada)
    make_quiz_assignment(app, other, title="Acids", closes_at=clock.now() + timedelta(days=1))
    make_quiz_assignment(app, course_id, title="Forces", closes_at=clock.now() + timedelta(hours=1))
    with app.app_context():
        student = db.session.get(User, ada.id)
        cards = classes.student_classes(db.session, student, clock.now())
        assert [c.course.name for c in cards] == ["Chemistry", "Physics 101"]
        due = classes.due_next(db.session, student, clock.now())
        assert [a.title for _, a, _ in due] == ["Forces", "Acids"]  # soonest due first


def test_a_scope_names_the_students_and_attempts_a_report_covers(course, clock):
    app, course_id, ada, bob = course
    first = make_quiz_assignment(app, course_id)
    second = make_quiz_assignment(app, course_id, title="Second")
    ada_first = take_assignment(app, ada, first, now=clock.now())
    take_assignment(app, ada, second, now=clock.now())
    outsider = make_user(app, "outsider")
    make_attempt(app, outsider, submit=True)
    with app.app_context():
        teacher = user(app, "teacher")
        whole = classes.scope_for(db.session, teacher)
        assert classes.user_ids(db.session, whole) == sorted([ada.id, bob.id])
        narrowed = classes.scope_for(db.session, teacher, assignment_id=first)
        assert narrowed.course_id == course_id
        assert classes.attempt_ids(db.session, narrowed) == [ada_first]
        assert len(classes.attempt_ids(db.session, whole)) == 2  # never the outsider's
        assert classes.scope_for(db.session, db.session.get(User, ada.id), course_id) is None
        assert classes.scope_for(db.session, teacher, course_id, 10_000) is None


def test_class_details_are_checked(sample_app):
    teacher = make_user(sample_app, "teacher", "instructor")
    with sample_app.app_context():
        owner = db.session.get(User, teacher.id)
        for details, message in [
            (CourseDetails("  ", "", "UTC"), "name"),
            (CourseDetails("A" * 101, "", "UTC"), "100"),
            (CourseDetails("Maths", "", "Mars/Olympus"), "time zone"),
        ]:
            with pytest.raises(ClassError, match=message):
                classes.create_course(db.session, owner, details)


def test_co_instructors_must_be_staff_and_admins_teach_everything(course):
    app, course_id, ada, _ = course
    make_user(app, "second", "instructor")
    boss = make_user(app, "boss", "admin")
    with app.app_context():
        with pytest.raises(ClassError):
            classes.add_instructor(db.session, course_id, "ada")
        classes.add_instructor(db.session, course_id, "second")
        second = user(app, "second")
        assert classes.teaching(db.session, second, course_id) is not None
        assert classes.teaching(db.session, db.session.get(User, boss.id), course_id) is not None
        assert classes.teaching(db.session, db.session.get(User, ada.id), course_id) is None
        assert classes.taught_student_ids(db.session, second) == {ada.id, user(app, "bob").id}
        assert classes.taught_student_ids(db.session, db.session.get(User, boss.id)) is None


# ---- starting with the assignment's settings ------------------------------------------------


def test_an_assigned_exam_uses_its_own_settings(course, clock):
    app, course_id, ada, _ = course
    assignment = make_quiz_assignment(
        app, course_id, mode="exam", count=2, time_limit_minutes=20,
        opens_at=clock.now() - timedelta(hours=1), closes_at=clock.now() + timedelta(days=1),
    )  # fmt: skip
    attempt_id = take_assignment(app, ada, assignment, answers=None, submit=False, now=clock.now())
    attempt = get(app, Attempt, attempt_id)
    assert (attempt.assignment_id, attempt.mode, attempt.title) == (assignment, "exam", "Unit test")
    assert attempt.deadline == clock.now() + timedelta(minutes=20)
    with app.app_context():
        slugs = [i.question.slug for i in db.session.get(Attempt, attempt_id).items]
    assert len(slugs) == 2
    # Not shuffled: the first two questions in bank order, for everyone.
    bob_attempt = take_assignment(app, user(app, "bob"), assignment, None, False, clock.now())
    with app.app_context():
        assert [i.question.slug for i in db.session.get(Attempt, bob_attempt).items] == slugs


def test_specific_questions_only(course, clock):
    app, course_id, ada, _ = course
    with app.app_context():
        wanted = [qid for _, qid, _ in classes.question_choices(db.session)][-2:]
    assignment = make_quiz_assignment(app, course_id, banks=[], question_ids=wanted, count=10)
    attempt_id = take_assignment(app, ada, assignment, answers=None, submit=False, now=clock.now())
    with app.app_context():
        got = sorted(i.question_id for i in db.session.get(Attempt, attempt_id).items)
    assert got == sorted(wanted)


def test_dates_and_attempts_are_enforced_on_the_server(course, clock):
    app, course_id, ada, _ = course
    now = clock.now()
    assignment = make_quiz_assignment(
        app, course_id, opens_at=now + timedelta(hours=1), closes_at=now + timedelta(days=1),
        attempts_allowed=1,
    )  # fmt: skip
    with pytest.raises(QuizError, match="not open yet"):
        take_assignment(app, ada, assignment, now=now)
    take_assignment(app, ada, assignment, now=now + timedelta(hours=2))
    with pytest.raises(QuizError, match="every attempt"):
        take_assignment(app, ada, assignment, now=now + timedelta(hours=3))
    with pytest.raises(QuizError, match="closed"):
        take_assignment(app, user(app, "bob"), assignment, now=now + timedelta(days=1))


def test_a_running_attempt_is_resumed_not_doubled(course, clock):
    app, course_id, ada, _ = course
    assignment = make_quiz_assignment(app, course_id, attempts_allowed=0)
    first = take_assignment(app, ada, assignment, answers=None, submit=False, now=clock.now())
    with pytest.raises(classes.ResumeAttempt) as resumed:
        take_assignment(app, ada, assignment, now=clock.now())
    assert resumed.value.attempt_id == first


def test_outsiders_and_archived_classes_cannot_start(course, clock):
    app, course_id, ada, _ = course
    assignment = make_quiz_assignment(app, course_id)
    outsider = make_user(app, "outsider")
    with pytest.raises(QuizError, match="not a student"):
        take_assignment(app, outsider, assignment, now=clock.now())
    with app.app_context():
        classes.set_archived(db.session, course_id, True)
    with pytest.raises(QuizError, match="archived"):
        take_assignment(app, ada, assignment, now=clock.now())


def test_the_close_date_ends_a_running_attempt(course, clock):
    app, course_id, ada, _ = course
    close = clock.now() + timedelta(minutes=10)
    assignment = make_quiz_assignment(app, course_id, closes_at=close, time_limit_minutes=60)
    attempt_id = take_assignment(app, ada, assignment, answers=None, submit=False, now=clock.now())
    assert get(app, Attempt, attempt_id).deadline == close  # not start + 60 minutes
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        result = quizzes.record_answer(
            db.session, db.session.get(User, ada.id), attempt_id, 0, attempt.step,
            lambda name: [], now=close + timedelta(minutes=1),
        )  # fmt: skip
    assert result.outcome == quizzes.Outcome.EXPIRED
    assert get(app, Attempt, attempt_id).status == AttemptStatus.SUBMITTED


# ---- overrides and reopening ------------------------------------------------------------------


def test_an_override_gives_later_close_extra_time_and_an_extra_attempt(course, clock):
    app, course_id, ada, bob = course
    now = clock.now()
    close = now + timedelta(hours=1)
    assignment_id = make_quiz_assignment(
        app, course_id, closes_at=close, time_limit_minutes=30, attempts_allowed=1
    )
    running = take_assignment(app, ada, assignment_id, answers=None, submit=False, now=now)
    later = close + timedelta(days=1)
    with app.app_context():
        assignment = classes.assignment_in(db.session, course_id, assignment_id)
        classes.save_override(db.session, assignment, ada.id, later, 15, 1, now=now)
    # The running attempt follows at once: 30 + 15 minutes from its start.
    assert get(app, Attempt, running).deadline == now + timedelta(minutes=45)
    with app.app_context():
        quizzes.submit(db.session, db.session.get(Attempt, running), now=now)
    take_assignment(app, ada, assignment_id, now=close + timedelta(hours=2))  # the extra one
    with pytest.raises(QuizError):
        take_assignment(app, bob, assignment_id, now=close + timedelta(hours=2))
    with app.app_context():
        assignment = classes.assignment_in(db.session, course_id, assignment_id)
        marks = classes.marks(db.session, [assignment], [ada.id, bob.id], close + timedelta(days=2))
        assert marks[ada.id, assignment_id].status is AssignmentStatus.SUBMITTED  # not late
        assert marks[ada.id, assignment_id].overridden
        assert marks[bob.id, assignment_id].status is AssignmentStatus.MISSED
        assert classes.delete_override(db.session, assignment, ada.id)
        assert not classes.delete_override(db.session, assignment, ada.id)


def test_reopen_gives_the_attempt_back_with_its_answers(course, clock):
    app, course_id, ada, _ = course
    now = clock.now()
    close = now + timedelta(days=1)
    assignment_id = make_quiz_assignment(app, course_id, closes_at=close, time_limit_minutes=20)
    attempt_id = take_assignment(app, ada, assignment_id, answers="wrong", now=now)
    before = get(app, Attempt, attempt_id)
    with app.app_context():
        reopened = classes.reopen(db.session, attempt_id, now=now + timedelta(hours=1))
        assert reopened.status == AttemptStatus.IN_PROGRESS and reopened.submitted_at is None
        assert reopened.deadline == now + timedelta(hours=1, minutes=20)
        assert reopened.step > before.step
        assert all(i.response is not None and i.fraction is None for i in reopened.items)
        with pytest.raises(ClassError, match="still running"):
            classes.reopen(db.session, attempt_id, now=now + timedelta(hours=1))
    # Answer right this time, then submit: marked again.
    take_again = get(app, Attempt, attempt_id)
    assert take_again.score == 0
    with app.app_context():
        quizzes.submit(
            db.session, db.session.get(Attempt, attempt_id), now=now + timedelta(hours=1)
        )
        assert db.session.get(Attempt, attempt_id).finished
        with pytest.raises(ClassError, match="closed for this student"):
            classes.reopen(db.session, attempt_id, now=close)


def test_a_later_close_date_follows_an_edit_of_the_assignment(course, clock):
    app, course_id, ada, _ = course
    now = clock.now()
    assignment_id = make_quiz_assignment(app, course_id, closes_at=now + timedelta(hours=1))
    attempt_id = take_assignment(app, ada, assignment_id, answers=None, submit=False, now=now)
    with app.app_context():  # the same settings, closing a day later
        settings = QuizSettings(title="Unit test", banks=["sample-bank"], count=3, shuffle=False,
                                closes_at=now + timedelta(days=1))  # fmt: skip
        classes.save_quiz(db.session, course_id, settings, assignment_id, now=now)
    assert get(app, Attempt, attempt_id).deadline == now + timedelta(days=1)


# ---- grades, statuses and goals ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "expected"), [("highest", 100.0), ("first", 0.0), ("last", 100.0), ("average", 50.0)]
)
def test_the_grade_follows_the_grading_method(course, clock, method, expected):
    app, course_id, ada, _ = course
    assignment_id = make_quiz_assignment(app, course_id, attempts_allowed=3, grading_method=method)
    take_assignment(app, ada, assignment_id, answers="wrong", now=clock.now())
    take_assignment(app, ada, assignment_id, answers="right", now=clock.advance(minutes=10))
    with app.app_context():
        assignment = classes.assignment_in(db.session, course_id, assignment_id)
        mark = classes.marks(db.session, [assignment], [ada.id], clock.now())[ada.id, assignment_id]
    assert mark.grade == pytest.approx(expected) and len(mark.attempts) == 2


def test_statuses_through_an_assignments_life(course, clock):
    app, course_id, ada, bob = course
    carol = make_user(app, "carol")
    enrol(app, course_id, carol)
    now = clock.now()
    due, close = now + timedelta(hours=1), now + timedelta(hours=2)
    assignment_id = make_quiz_assignment(app, course_id, due_at=due, closes_at=close)
    take_assignment(app, ada, assignment_id, now=now)
    take_assignment(app, bob, assignment_id, now=due + timedelta(minutes=5))
    take_assignment(app, carol, assignment_id, answers=None, submit=False, now=due)

    def statuses(moment):
        with app.app_context():
            assignment = classes.assignment_in(db.session, course_id, assignment_id)
            found = classes.marks(db.session, [assignment], [ada.id, bob.id, carol.id], moment)
            return [found[uid, assignment_id].status.value for uid in (ada.id, bob.id, carol.id)]

    assert statuses(due + timedelta(minutes=10)) == ["submitted", "late", "in_progress"]
    # Carol's attempt ran into the close date: it counts, as submitted then (late).
    assert statuses(close + timedelta(minutes=1)) == ["submitted", "late", "late"]


def test_a_flashcard_goal_counts_reviews_since_it_opened(course, clock):
    app, course_id, ada, bob = course
    card = first_card(app)
    make_review(app, ada, card, now=clock.now() - timedelta(days=1))  # before the goal: not counted
    goal_id = make_goal(
        app, course_id, opens_at=clock.now(), due_at=clock.now() + timedelta(days=2)
    )
    make_review(app, ada, card, now=clock.now() + timedelta(hours=1))
    with app.app_context():
        goal = classes.assignment_in(db.session, course_id, goal_id)
        marks = classes.marks(
            db.session, [goal], [ada.id, bob.id], clock.now() + timedelta(hours=2)
        )
        cards = marks[ada.id, goal_id].progress.total
        assert marks[ada.id, goal_id].progress.done == 1 and cards > 1
        assert marks[ada.id, goal_id].status is AssignmentStatus.IN_PROGRESS
        assert marks[bob.id, goal_id].status is AssignmentStatus.NOT_STARTED
        later = classes.marks(db.session, [goal], [bob.id], clock.now() + timedelta(days=3))
        assert later[bob.id, goal_id].status is AssignmentStatus.MISSED


def test_goal_settings_are_checked(course):
    app, course_id, _, _ = course
    with pytest.raises(ClassError, match="due date"):
        make_goal(app, course_id, due_at=None)
    with pytest.raises(ClassError, match="deck"):
        make_goal(app, course_id, deck="nope", due_at=datetime(2030, 1, 1))


# ---- what the student sees --------------------------------------------------------------------


def test_review_options_hide_the_score_everywhere_until_released(course, clock):
    app, course_id, ada, _ = course
    now = clock.now()
    close = now + timedelta(days=1)
    assignment_id = make_quiz_assignment(
        app, course_id, closes_at=close, review=EVERYTHING_AFTER_CLOSE
    )
    attempt_id = take_assignment(app, ada, assignment_id, answers="wrong", now=now)
    attempt = get(app, Attempt, attempt_id)
    with app.app_context():
        student = db.session.get(User, ada.id)
        soon, later = now + timedelta(minutes=1), now + timedelta(hours=1)
        assert review.shown(db.session, attempt, soon).score  # immediately after: score
        assert not review.shown(db.session, attempt, soon).answers
        assert not review.shown(db.session, attempt, later).anything
        assert review.hidden_attempt_ids(db.session, student, later) == {attempt_id}
        assert review.hidden_attempt_ids(db.session, student, close) == set()
        # Hidden marks are left out of the dashboard and of "retry my mistakes".
        hidden = review.hidden_attempt_ids(db.session, student, later)
        board = progress.dashboard(db.session, student, later, hidden)
        assert board.scores == []
        assert all(m.questions_right == 0 for m in board.mastery)
        assert quizzes.latest_mistakes(db.session, student, hidden) == []
        with pytest.raises(QuizError, match="No mistakes"):
            quizzes.start_retry(db.session, student, now=later)
        assert len(quizzes.latest_mistakes(db.session, student)) == 3  # what staff would see
        rows = list(csv.DictReader(io.StringIO(progress.attempts_csv(db.session, student, hidden))))
        assert len(rows) == 3 and {(r["score"], r["points"]) for r in rows} == {("", "")}
        shown = list(csv.DictReader(io.StringIO(progress.attempts_csv(db.session, student))))
        assert {(r["score"], r["points"]) for r in shown} == {("0.0", "0.0")}


def test_a_practice_assignment_shows_during_only_what_is_ticked(course, clock):
    app, course_id, ada, _ = course
    options = {"during": ["score"], "immediately_after": [], "later_while_open": [],
               "after_close": []}  # fmt: skip
    assignment_id = make_quiz_assignment(app, course_id, mode="practice", review=options)
    attempt_id = take_assignment(
        app, ada, assignment_id, answers=None, submit=False, now=clock.now()
    )
    with app.app_context():
        shown = review.shown(db.session, db.session.get(Attempt, attempt_id), clock.now())
    assert (shown.score, shown.answers, shown.feedback) == (True, False, False)


def test_unassigned_attempts_are_never_hidden(course, clock):
    app, _, ada, _ = course
    make_attempt(app, ada, answers="wrong", submit=True)
    with app.app_context():
        assert review.hidden_attempt_ids(db.session, db.session.get(User, ada.id)) == set()


# ---- the demo ---------------------------------------------------------------------------------


def test_demo_classes_are_consistent_with_their_assignments(demo_app_at_clock, clock):
    demo_app, now = demo_app_at_clock, clock.now()
    with demo_app.app_context():
        courses = db.session.scalars(sa.select(Course)).all()
        assert len(courses) == 2
        seen_statuses = set()
        for course in courses:
            book = classes.gradebook(db.session, course, now)
            assert book.students and classes.members(db.session, course.id, "instructor")
            for assignment in book.assignments:
                if assignment.opens_at > now:
                    assert not any(book.mark(s.id, assignment.id).attempts for s in book.students)
                for student in book.students:
                    mark = book.mark(student.id, assignment.id)
                    seen_statuses.add(mark.status.value)
                    window = mark.window
                    if window.attempts_allowed:
                        assert len(mark.attempts) <= window.attempts_allowed
                    for attempt in mark.attempts:
                        assert window.opens_at <= attempt.started_at
                        assert attempt.submitted_at <= min(window.closes_at, now)
                        if window.time_limit_minutes:
                            taken = attempt.submitted_at - attempt.started_at
                            assert taken <= timedelta(minutes=window.time_limit_minutes)
        assert {"submitted", "late", "not_started"} <= seen_statuses
        # Every assigned attempt belongs to a student of the assignment's class.
        for attempt in db.session.scalars(
            sa.select(Attempt).where(Attempt.assignment_id.is_not(None))
        ):
            assert classes.is_student_of(db.session, attempt.assignment.course_id, attempt.user_id)
        instructor = db.session.scalar(sa.select(User).where(User.role == "instructor"))
    client = demo_app.test_client()
    Auth(client).login(instructor.username, DEMO_PASSWORD)
    taught = client.get("/classes/").get_data(as_text=True)
    assert "AI industry in 2023" in taught  # the first instructor's class
