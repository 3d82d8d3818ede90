"""Reports from finished answers (item analysis, the class overview's attempt figures, the
calibration of predictions) are kept between views, and worked out again after every change to
the answers they summarise: a submission, a regrade, "I was right", a reopened attempt, a role."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event

from quizapp import qtypes
from quizapp.attempt_rules import Override
from quizapp.extensions import db
from quizapp.models import Attempt, User
from quizapp.services import (
    accounts,
    analysis,
    classes,
    overview,
    overview_figures,
    quizzes,
    readiness,
    report_cache,
)
from quizapp.services.classes import EVERYONE
from tests.conftest import SAMPLE_BANKS, dispose, load_banks, make_app
from tests.factories import (
    answer_fields,
    enrol,
    getter,
    items_of,
    make_attempt,
    make_course,
    make_quiz_assignment,
    make_user,
    question_id,
    sample_counts,
    take_assignment,
)


def figures(app, scope=EVERYONE):
    """What the reports say now: responses counted, the bank's mean as a test, the attempts
    and calibration counted for the class."""
    with app.app_context():
        report = analysis.bank_analysis(db.session, "sample-bank", scope)
        attempts = sum(row[1] for row in overview.attempt_figures(db.session, scope))
        calibration = readiness.class_calibration(
            db.session, scope.attempt_clauses(), key=scope
        ).count
        responses = sum(q.item.responses for q in report.questions)
        return responses, report.test.mean, attempts, calibration


def bank_means(app, scope=EVERYONE):
    """The class overview's per-bank means of the students' averages."""
    with app.app_context():
        return overview_figures.bank_means(db.session, scope, overview.EVERYTHING)


def fresh(app, report, scope=EVERYONE):
    """report(app, scope) worked out afresh: another app on the same database keeps nothing
    yet."""
    other = make_app(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        return report(other, scope)
    finally:
        dispose(other)


def kept(app, scope=EVERYONE):
    """figures(), checked against figures worked out afresh (and the bank means too)."""
    found = figures(app, scope)
    assert found == fresh(app, figures, scope)
    assert bank_means(app, scope) == fresh(app, bank_means, scope)
    return found


def answer_wrong_but_venus(app, user, attempt_id) -> None:
    """Every question answered wrong; the capital question with 'Venus' (right once fixed)."""
    for item in items_of(app, attempt_id):
        fields = answer_fields(item, right=False)
        if item.question.slug == "capital-single":
            fields = {"answer": "Venus"}
        with app.app_context():
            owner = db.session.get(User, user.id)
            step = db.session.get(Attempt, attempt_id).step
            quizzes.record_answer(
                db.session, owner, attempt_id, item.position, step, getter(fields), "save"
            )
    with app.app_context():
        quizzes.submit(db.session, db.session.get(Attempt, attempt_id))


def test_reports_follow_submissions_overrides_regrades_and_roles(sample_app, tmp_path):
    questions = sample_counts()["questions"]
    ada = make_user(sample_app, "ada")
    assert kept(sample_app) == (0, None, 0, 0)
    attempt_id = make_attempt(sample_app, ada, count=questions)
    answer_wrong_but_venus(sample_app, ada, attempt_id)
    responses, mean, attempts, _ = kept(sample_app)
    assert (responses, attempts) == (questions, 1)

    # "I was right" on a typed answer of the finished practice: the attempt's marks change.
    typed = next(
        i
        for i in items_of(sample_app, attempt_id)
        if qtypes.get(i.version.type).overridable and i.fraction == 0
    )
    with sample_app.app_context():
        owner = db.session.get(User, ada.id)
        outcome, _ = quizzes.override(db.session, owner, attempt_id, typed.position)
        assert outcome is Override.RECORDED
    overruled = kept(sample_app)[1]
    assert overruled > mean

    # A corrected key, then a regrade: the regraded mark counts at once.
    fixed = tmp_path / "banks"
    fixed.mkdir()
    text = (SAMPLE_BANKS / "sample.yaml").read_text()
    (fixed / "sample.yaml").write_text(text.replace("answer: Mercury\n", "answer: Venus\n"))
    load_banks(sample_app, fixed)
    assert kept(sample_app)[1] == overruled
    with sample_app.app_context():
        regraded = analysis.regrade(db.session, question_id(sample_app, "capital-single"))
    assert regraded == 1 and kept(sample_app)[1] > overruled

    # Another student's submission, then a role: only students' answers count.
    make_attempt(sample_app, make_user(sample_app, "bob"), count=3, answers="right", submit=True)
    assert kept(sample_app)[0] == questions + 3
    with sample_app.app_context():
        accounts.set_role(db.session, "ada", "instructor")
    assert kept(sample_app)[0] == 3


def test_reports_follow_a_reopened_attempt_and_keep_scopes_apart(sample_app, clock):
    teacher = make_user(sample_app, "teacher", "instructor")
    course_id = make_course(sample_app, teacher)
    ada, bob = make_user(sample_app, "ada"), make_user(sample_app, "bob")
    enrol(sample_app, course_id, ada)
    now = clock.now()
    assignment_id = make_quiz_assignment(sample_app, course_id, closes_at=now + timedelta(days=1))
    attempt_id = take_assignment(sample_app, ada, assignment_id, now=now)
    make_attempt(sample_app, bob, count=2, answers="right", submit=True)
    with sample_app.app_context():
        in_class = classes.scope_for(db.session, teacher, course_id)
        assignment = classes.scope_for(db.session, teacher, course_id, assignment_id)
    assert kept(sample_app, EVERYONE)[0] == 5
    assert kept(sample_app, in_class)[0] == 3
    assert kept(sample_app, assignment)[0] == 3
    with sample_app.app_context():
        classes.reopen(db.session, attempt_id, now=now + timedelta(hours=1))
    assert kept(sample_app, EVERYONE)[0] == 2
    assert kept(sample_app, in_class)[0] == 0 and kept(sample_app, assignment)[0] == 0


def test_a_report_is_not_worked_out_again_while_nothing_changes(demo_app):
    with demo_app.app_context():
        admin = make_user(demo_app, "auditor", "admin")
        scope = classes.scope_for(db.session, db.session.get(User, admin.id))
        reads: list[str] = []

        def count(_conn, _cursor, statement, *_):
            if "attempt_item" in statement or "FROM attempt" in statement:
                reads.append(statement)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            first = analysis.bank_analysis(db.session, "surge-of-chinese-llms", scope)
            analysis.class_overview(db.session, scope=scope)
            assert reads  # worked out from the answers once...
            reads.clear()
            again = analysis.bank_analysis(db.session, "surge-of-chinese-llms", scope)
            analysis.class_overview(db.session, scope=scope)
            assert reads == []  # ...then read from what was kept
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
    assert [q.item for q in again.questions] == [q.item for q in first.questions]


def test_kept_reports_belong_to_their_database(migrated_database, new_database):
    apps = [make_app(new_database(migrated_database)) for _ in range(2)]
    try:
        values = []
        for number, app in enumerate(apps):
            with app.app_context():
                values.append(report_cache.cached(db.session, ("same key",), lambda n=number: n))
        assert values == [0, 1]
    finally:
        for app in apps:
            dispose(app)


def test_a_submission_gives_its_banks_a_new_stamp_and_saving_an_answer_does_not(sample_app):
    def stamps():
        with sample_app.app_context():
            return dict(report_cache.all_stamps(db.session))

    before = stamps()
    attempt_id = make_attempt(sample_app, make_user(sample_app, "ada"), answers="right")
    assert stamps() == before  # a running attempt's answers are in no report yet
    with sample_app.app_context():
        quizzes.submit(db.session, db.session.get(Attempt, attempt_id))
    assert stamps() != before
