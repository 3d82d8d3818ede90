"""Test data in one line each, made through the services (as CTFd's test helpers do):
users, banks, attempts, answers, cards and reviews, with Faker for what needs no meaning.

HTTP journeys that several test modules take (start a quiz, answer, read the step) are here
too, so no test module imports another.
"""

from __future__ import annotations

import io
import random
import re
from collections import Counter
from datetime import datetime

import sqlalchemy as sa
from faker import Faker

from quizapp import qtypes, scheduling
from quizapp.banks.cards import bank_flashcards
from quizapp.banks.loader import load_paths
from quizapp.extensions import db
from quizapp.models import (
    Assignment,
    Attempt,
    AttemptItem,
    Bank,
    Card,
    CardState,
    Course,
    Question,
    QuestionVersion,
    User,
)
from quizapp.scheduling import Memory, Rating
from quizapp.services import classes, quizzes, retention, study
from quizapp.services.accounts import create_user
from quizapp.services.classes import CourseDetails, GoalSettings, QuizSettings
from quizapp.services.quizzes import QuizRequest
from tests.conftest import SAMPLE_BANKS, Auth, csrf_token

PASSWORD = "correct horse battery"
STAFF_PASSWORD = "marking essays all night"
_fake = Faker()


# ---- what the sample bank holds, derived from the file ----------------------------------


def sample_bank():
    (bank,) = load_paths([SAMPLE_BANKS]).banks
    return bank


def sample_counts() -> dict[str, int]:
    """How many questions, cards, questions of each type and questions per tag it has."""
    bank = sample_bank()
    tags = Counter(tag for question in bank.questions for tag in question.tags)
    types = Counter(question.type for question in bank.questions)
    return {
        "questions": len(bank.questions),
        "cards": len(bank_flashcards(bank)),
        **{f"type:{key}": n for key, n in types.items()},
        **{f"tag:{key}": n for key, n in tags.items()},
    }


# ---- round trips through Moodle's formats (GIFT, Moodle XML) ---------------------------------

# A key the exporter names as lost, and the keys of the question it changes.
AFFECTS = {
    "prompt": {"prompt", "text"},  # joined to a cloze's text
    "type": {"type", "prompt", "text", "answers"},  # a cloze that reads back as a short answer
    "range": {"range", "answer", "tolerance"},  # written as answer ± tolerance
}


def lost_keys(names: list[str]) -> set[str]:
    keys = {name.split(" ")[0] for name in names}
    return keys | {k for key in keys for k in AFFECTS.get(key, ())}


def assert_round_trip(original, export, again, skipped_because) -> dict[str, dict]:
    """Every question comes back the same, except exactly what the exporter named: a
    skipped question (with the reason `skipped_because` expects) or a lost key."""
    assert again.errors == [], [str(p) for p in again.errors]
    before = {f"{b.id}/{q.id}": q.to_data() for b in original.banks for q in b.questions}
    after = {f"{b.id}/{q.id}": q.to_data() for b in again.banks for q in b.questions}
    skipped = dict(export.skipped)
    assert set(before) == set(after) | set(skipped)
    assert all(skipped_because(before[key], why) for key, why in skipped.items()), skipped
    lossy = dict(export.lossy)
    for key, data in after.items():
        lost = lost_keys(lossy.get(key, []))
        assert {k: v for k, v in data.items() if k not in lost} == {
            k: v for k, v in before[key].items() if k not in lost
        }, key
        named = {name.split(" ")[0] for name in lossy.get(key, [])}
        assert all(name in before[key] for name in named), (key, named)  # never named idly
    return after


# ---- rows through the services ------------------------------------------------------------


def make_user(app, username: str | None = None, role: str = "student", password=PASSWORD):
    """A real account (argon2 and all); returns the User."""
    username = username or _fake.unique.user_name()[:30].replace(".", "")
    with app.app_context():
        return create_user(db.session, username, password, role)


def user_named(username: str) -> User:
    """The account of that name (call inside an app context)."""
    return db.session.scalar(sa.select(User).where(User.username == username))


def make_attempt(
    app,
    user: User,
    count: int = 3,
    mode: str = "practice",
    answers: str | None = None,
    submit: bool = False,
    seed: int = 1,
) -> int:
    """An attempt of the sample bank; `answers` "right" or "wrong" answers every question
    through the answer service; `submit` closes it. Returns its id."""
    with app.app_context():
        owner = db.session.get(User, user.id)
        request = QuizRequest(banks=["sample-bank"], count=count, mode=mode)
        attempt = quizzes.start_quiz(db.session, owner, request, rng=random.Random(seed))
        attempt_id = attempt.id
        if answers is not None:
            for item in items_of(app, attempt_id):
                fields = answer_fields(item, right=answers == "right")
                step = db.session.get(Attempt, attempt_id).step
                quizzes.record_answer(
                    db.session, owner, attempt_id, item.position, step, getter(fields), "save"
                )
        if submit:
            quizzes.submit(db.session, db.session.get(Attempt, attempt_id))
        return attempt_id


def first_card(app, bank: str = "sample-bank") -> int:
    """The id of the first card of a bank, in study order."""
    with app.app_context():
        return db.session.scalar(
            sa.select(Card.id)
            .join(Bank, Card.bank_id == Bank.id)
            .where(Bank.slug == bank)
            .order_by(Card.position)
            .limit(1)
        )


def make_review(app, user: User, card_id: int, rating=Rating.GOOD, now: datetime | None = None):
    """One rating of a card through the study service; returns the review id."""
    with app.app_context():
        owner = db.session.get(User, user.id)
        state = study.card_info(db.session, owner, card_id)
        version = state.state.version if state.state else 0
        return study.grade_card(db.session, owner, card_id, version, rating, now=now).id


def study_history(app, user: User, records) -> dict[int, int]:
    """Store a review log (quizapp.memory ReviewRecords, e.g. a simulated student's) as the
    study service would have: reviews and card states, scheduled with the user's preferences.
    The log's card ids are mapped in order onto the loaded cards; returns that mapping."""
    with app.app_context():
        owner = db.session.get(User, user.id)
        prefs = study.preferences(owner)
        cards = db.session.scalars(
            sa.select(Card.id).join(Bank, Card.bank_id == Bank.id).order_by(Bank.id, Card.position)
        ).all()
        mapping = dict(zip(sorted({r.card_id for r in records}), cards, strict=False))
        assert len(mapping) == len({r.card_id for r in records}), "not enough cards loaded"
        memories, rows = {}, []
        for record in sorted(records, key=lambda r: r.reviewed_at):
            card_id = mapping[record.card_id]
            before = memories.get(card_id, Memory())
            scheduled = scheduling.review(
                before, Rating(record.rating), record.reviewed_at, card_id, prefs
            )
            rows.append(
                study.review_values(
                    owner, card_id, Rating(record.rating), record.reviewed_at,
                    record.duration_ms, before, scheduled,
                )
            )  # fmt: skip
            memories[card_id] = scheduled.memory
        retention.add_reviews(db.session, rows)
        db.session.execute(
            sa.insert(CardState),
            [
                {"user_id": owner.id, "card_id": card_id, **study.state_values(memory),
                 "suspended": False, "version": memory.reps}
                for card_id, memory in memories.items()
            ],
        )  # fmt: skip
        owner.cards_studied = len(memories)
        db.session.commit()
        return mapping


def staff_client(app, role: str = "instructor"):
    """A test client logged in as a new instructor (or admin) called "teacher"."""
    make_user(app, "teacher", role, STAFF_PASSWORD)
    client = app.test_client()
    Auth(client).login("teacher", STAFF_PASSWORD)
    return client


# ---- classes ------------------------------------------------------------------------------


def make_course(app, instructor: User, name: str = "Physics 101", timezone="Europe/Paris") -> int:
    """A class taught by `instructor`; returns its id."""
    with app.app_context():
        owner = db.session.get(User, instructor.id)
        return classes.create_course(db.session, owner, CourseDetails(name, "", timezone)).id


def enrol(app, course_id: int, *students: User) -> None:
    """Students join the class with its code."""
    with app.app_context():
        code = db.session.get(Course, course_id).join_code
        for student in students:
            classes.join(db.session, db.session.get(User, student.id), code)


def make_quiz_assignment(app, course_id: int, now=None, **settings) -> int:
    """An assigned exam of the sample bank (3 questions, in bank order, one attempt, Moodle's
    review defaults) changed by `settings`; returns its id."""
    fields = {"title": "Unit test", "banks": ["sample-bank"], "count": 3, "shuffle": False,
              **settings}  # fmt: skip
    with app.app_context():
        return classes.save_quiz(db.session, course_id, QuizSettings(**fields), now=now).id


def make_goal(app, course_id: int, **settings) -> int:
    fields = {"title": "Review the deck", "deck": "sample-bank", **settings}
    with app.app_context():
        return classes.save_goal(db.session, course_id, GoalSettings(**fields)).id


def take_assignment(
    app, student: User, assignment_id: int, answers="right", submit=True, now=None
) -> int:
    """Start the assigned quiz through the service, answer every question (`answers` "right"
    or "wrong"; None answers nothing) and submit it; returns the attempt id."""
    with app.app_context():
        owner = db.session.get(User, student.id)
        assignment = db.session.get(Assignment, assignment_id)
        attempt_id = classes.start_assignment(db.session, owner, assignment, now=now).id
    if answers is not None:
        for item in items_of(app, attempt_id):
            with app.app_context():
                owner = db.session.get(User, student.id)
                step = db.session.get(Attempt, attempt_id).step
                fields = getter(answer_fields(item, right=answers == "right"))
                quizzes.record_answer(
                    db.session, owner, attempt_id, item.position, step, fields, now=now
                )
    if submit:
        with app.app_context():
            quizzes.submit(db.session, db.session.get(Attempt, attempt_id), now=now)
    return attempt_id


# ---- answers built from the key (tests only) ----------------------------------------------


def getter(fields: dict):
    """Form fields as the answer services read them (like MultiDict.getlist)."""

    def getlist(name):
        value = fields.get(name)
        if value is None:
            return []
        return value if isinstance(value, list) else [value]

    return getlist


def answer_fields(item: AttemptItem, right: bool = True) -> dict:
    """Form fields that answer an item right (or wrong), from its type's own sample answer."""
    qtype = qtypes.get(item.version.type)
    response = qtype.sample(item.version.data, item.presentation, right, random.Random(0))
    return qtype.form_values(response, item.presentation)


# ---- HTTP journeys ------------------------------------------------------------------------


def start(auth: Auth, **fields) -> int:
    """Start a quiz through the form (all of the sample bank by default); returns its id."""
    data = {"count": str(sample_counts()["questions"]), "mode": "practice",
            "banks": ["sample-bank"], **fields}  # fmt: skip
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


def answer(auth: Auth, app, attempt_id, position, fields, action="check", step=None):
    """Post one answer page as a browser would."""
    step = step_of(app, attempt_id) if step is None else step
    return auth.post(
        f"/quiz/{attempt_id}/q/{position}", {"step": str(step), "action": action, **fields}
    )


def answer_and_submit(auth: Auth, app, attempt_id: int, right: set[int]) -> int:
    """Answer every question of an attempt through its pages, right at the positions `right`
    ("I don't know" elsewhere), and submit it; returns its id."""
    items = items_of(app, attempt_id)
    for item in items:
        if item.position in right:
            answer(auth, app, attempt_id, item.position, answer_fields(item))
        else:
            answer(auth, app, attempt_id, item.position, {}, action="dont-know")
    auth.post(f"/quiz/{attempt_id}/submit", {"step": str(len(items))})
    return attempt_id


def take_practice(auth: Auth, app, right: set[int], **fields) -> int:
    """A practice started through the form (the sample bank unless `fields` say otherwise),
    right at the positions `right`, submitted; returns its id."""
    fields = {
        name: str(value) if isinstance(value, int) else value for name, value in fields.items()
    }
    return answer_and_submit(auth, app, start(auth, **fields), right)


def exam_with(app, auth, username: str, responses_by_slug: dict[str, dict]) -> int:
    """A new student takes an exam of the whole sample bank over HTTP: the given form fields
    for some questions (by slug), right answers elsewhere; returns the attempt id."""
    make_user(app, username)
    auth.login(username)
    attempt = start(auth, mode="exam")
    for item in items_of(app, attempt):
        fields = responses_by_slug.get(item.question.slug) or answer_fields(item)
        answer(auth, app, attempt, item.position, fields, action="save")
    auth.post(f"/quiz/{attempt}/submit", {"step": str(step_of(app, attempt))})
    return attempt


def upload(client, *files, token=None):
    data = {
        "csrf_token": token or csrf_token(client, "/authoring/"),
        "files": [(io.BytesIO(content), name) for name, content in files],
    }
    return client.post("/authoring/upload", data=data, content_type="multipart/form-data")


def confirm_form(client, upload_id) -> dict:
    """The confirm form's fields, read from the preview page as a browser sends them."""
    html = client.get(f"/authoring/uploads/{upload_id}").get_data(as_text=True)
    assert f'action="/authoring/uploads/{upload_id}/confirm"' in html
    fields = dict(re.findall(r'<input id="\w+" name="(\w+)" type="hidden" value="([^"]*)"', html))
    return {**fields, "csrf_token": csrf_token(client, "/authoring/")}


def upload_id_of(response) -> int:
    return int(re.search(r"/authoring/uploads/(\d+)", response.headers["Location"]).group(1))


def question_id(app, slug: str) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(Question.id).where(Question.slug == slug))


def snapshot(app, ignore: frozenset[str] = frozenset()) -> dict:
    """Everything an import may touch, to compare before and after."""
    with app.app_context():
        return {
            model.__tablename__: sorted(
                tuple(getattr(row, c.key) for c in model.__table__.columns if c.key not in ignore)
                for row in db.session.scalars(sa.select(model))
            )
            for model in (Bank, Question, QuestionVersion, Card)
        }
