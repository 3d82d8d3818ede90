"""`quizapp demo`: realistic fake students with months of quizzes and reviews.

Answers are graded by the real grader and reviews scheduled by the real FSRS wrapper, so every
chart and the item analysis show what real use would. Students differ in ability and questions
in difficulty (a logistic model); everything follows from the seed.

Students study first, then take quizzes: a question whose card they have studied is answered
right about as often as they would recall the card at that moment, so each attempt keeps the
score their memory predicted (as a real start does) and the instructors' calibration check has
something true to compare.
"""

from __future__ import annotations

import bisect
import hashlib
import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from faker import Faker
from sqlalchemy.orm import Session

from .. import qtypes, scheduling
from ..database import write_transaction
from ..models import (
    Attempt,
    AttemptItem,
    Card,
    CardState,
    Question,
    QuestionVersion,
    User,
    utcnow,
)
from ..passwords import hash_password
from ..scheduling import Memory, Preferences, Rating
from ..vocab import AttemptStatus, Mode, Role
from . import retention
from .demo_classes import add_classes
from .queries import active_cards_query, current_versions_query
from .quizzes import item_values
from .readiness import PREDICTION
from .report_cache import answers_changed
from .study import review_values, state_values

DEMO_PASSWORD = "demo students all share this"
QUESTIONS_PER_ATTEMPT = 10


@dataclass
class DemoReport:
    students: int = 0
    attempts: int = 0
    answers: int = 0
    reviews: int = 0
    classes: int = 0
    assignments: int = 0
    instructors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"created {self.students} students, {self.attempts} attempts "
            f"({self.answers} answers) and {self.reviews} reviews; {self.classes} classes "
            f"with {self.assignments} assignments, taught by {', '.join(self.instructors)}"
        )


def _difficulty(key: str, seed: int) -> float:
    """A stable difficulty per question (about -1.5 .. 1.5)."""
    digest = hashlib.sha256(f"{seed}:{key}".encode()).digest()
    return (int.from_bytes(digest[:4], "big") / 2**32 - 0.5) * 3


def _p_right(ability: float, difficulty: float) -> float:
    return 1 / (1 + math.exp(-1.4 * (ability - difficulty)))


@dataclass
class Studied:
    """One demo student's reviews as they happened: each card's memory after each review, and
    when each card was first seen and whether it was recalled then."""

    prefs: Preferences
    memories: dict[int, list[tuple[datetime, Memory]]] = field(default_factory=dict)
    firsts: list[tuple[datetime, bool]] = field(default_factory=list)

    def memory_at(self, card_id: int | None, moment: datetime) -> Memory | None:
        history = self.memories.get(card_id, [])
        index = bisect.bisect_right([at for at, _ in history], moment)
        return history[index - 1][1] if index else None

    def first_try_recall(self, moment: datetime) -> float | None:
        seen = [recalled for at, recalled in self.firsts if at <= moment]
        return sum(seen) / len(seen) if seen else None


def _unique_name(fake: Faker, taken: set[str]) -> str:
    base = fake.user_name().lower().replace(".", "").replace("_", "")[:30] or "student"
    name, n = base, 1
    while name in taken or len(name) < 3:
        n += 1
        name = f"{base}{n}"
    taken.add(name)
    return name


def history_end(day: datetime | date | None) -> datetime | None:
    """When a history that ends on `day` ends: the last second of that day (UTC). The same
    day and seed give the same data whenever the demo runs; None: now."""
    if day is None:
        return None
    return datetime.combine(day if type(day) is date else day.date(), time(23, 59, 59))


def generate(
    session: Session, students: int, days: int, seed: int, now: datetime | None = None
) -> DemoReport:
    """Add `students` students with `days` days of history ending `now` (default: now)."""
    now = now or utcnow()
    rng = random.Random(seed)
    fake = Faker()
    fake.seed_instance(seed)
    report = DemoReport()
    versions = session.execute(current_versions_query(Question.bank_id)).all()
    if not versions:
        raise ValueError("No questions loaded: run `quizapp questions import` first.")
    by_bank: dict[int, list[QuestionVersion]] = {}
    for version, bank_id in versions:
        by_bank.setdefault(bank_id, []).append(version)
    cards = session.execute(active_cards_query(None, Card.id, Card.bank_id)).all()
    card_of = dict(
        session.execute(
            active_cards_query(None, Card.question_id, Card.id).where(Card.question_id.is_not(None))
        ).all()
    )
    difficulty = {v.id: _difficulty(str(v.question_id), seed) for v, _ in versions}
    password_hash = hash_password(DEMO_PASSWORD)
    taken = set(session.scalars(sa.select(User.username)))
    start = now - timedelta(days=days)

    made: list[tuple[User, float]] = []
    with write_transaction(session):
        for _ in range(students):
            ability = rng.gauss(0.3, 1.0)
            user = User(
                username=_unique_name(fake, taken),
                password_hash=password_hash,
                role=Role.STUDENT,
                timezone=rng.choice(["UTC", "Asia/Shanghai", "Europe/London", "America/New_York"]),
                timezone_set=True,
                created_at=start,
            )
            session.add(user)
            session.flush()
            report.students += 1
            last_review, studied = _reviews(session, user, ability, cards, start, now, rng, report)
            last_attempt = _attempts(
                session, user, ability, by_bank, difficulty, (start, now), rng, report,
                (studied, card_of),
            )  # fmt: skip
            user.cards_studied = len(studied.memories)
            moments = [m for m in (last_attempt, last_review) if m is not None]
            user.last_active_at = max(moments) if moments else None
            made.append((user, ability))

        def take(user, chosen, mode, started, submitted, ability, title, assignment_id):
            return graded_attempt(session, user, chosen, mode, started, submitted, ability,
                                  difficulty, rng, title, assignment_id)  # fmt: skip

        taught = add_classes(session, made, by_bank, take, now, rng, fake, password_hash, taken)
        for user, _ in made:
            latest = taught.last_active.get(user.id)
            if latest is not None and (user.last_active_at or latest) <= latest:
                user.last_active_at = latest
        mark_first_tries(session)
        answers_changed(session)
    report.attempts += taught.attempts
    report.answers += taught.answers
    report.classes, report.assignments = taught.classes, taught.assignments
    report.instructors = taught.instructors
    return report


def graded_attempt(
    session,
    user,
    chosen,
    mode,
    started,
    submitted,
    ability,
    difficulty,
    rng,
    title,
    assignment_id=None,
    recall=None,
    prediction=None,
) -> list[dict]:
    """One submitted attempt of `chosen` questions, answered as a student of `ability` would
    (a studied question as well as its card is recalled then: `recall`, by version id) and
    graded by the real grader, keeping the score its start predicted; returns its answers'
    rows (inserted by the caller in bulk; first tries are marked once everything is in:
    mark_first_tries)."""  # fmt: skip
    settings = {"banks": [], "tags": [], "count": len(chosen)}
    if prediction is not None:
        settings[PREDICTION] = prediction
    attempt = Attempt(
        user_id=user.id,
        assignment_id=assignment_id,
        mode=mode,
        status=AttemptStatus.SUBMITTED,
        title=title,
        settings=settings,
        started_at=started,
        submitted_at=submitted,
        step=len(chosen) + 1,
        current=len(chosen) - 1,
        max_score=float(sum(v.data.get("points", 1) for v in chosen)),
    )
    session.add(attempt)
    session.flush()
    rows, score = [], 0.0
    for position, version in enumerate(chosen):
        qtype = qtypes.get(version.type)
        presentation = qtype.present(version.data, rng)
        known = (recall or {}).get(version.id)
        p_right = (
            _p_right(ability, difficulty[version.id])
            if known is None
            else min(0.99, known + 0.05 * ability)
        )
        right = rng.random() < p_right
        response = qtype.sample(version.data, presentation, right, rng)
        fraction = qtype.grade(version.data, response).fraction
        row = item_values(version, position, presentation)
        points = fraction * row["max_points"]
        score += points
        rows.append(
            {
                **row,
                "attempt_id": attempt.id,
                "response": response,
                "answered_at": started + timedelta(seconds=30 * (position + 1)),
                "fraction": fraction,
                "points": points,
            }
        )
    attempt.score = score
    return rows


def mark_first_tries(session) -> None:
    """Each student's first finished try at each question, in time order, whatever order the
    demo made the rows in (item analysis counts these)."""
    ranked = (
        sa.select(
            AttemptItem.id,
            sa.func.row_number()
            .over(
                partition_by=(Attempt.user_id, AttemptItem.question_id),
                order_by=(Attempt.submitted_at, Attempt.id),
            )
            .label("rank"),
        )
        .join(Attempt, AttemptItem.attempt_id == Attempt.id)
        .where(Attempt.status == AttemptStatus.SUBMITTED)
        .subquery()
    )
    firsts = sa.select(ranked.c.id).where(ranked.c.rank == 1)
    session.execute(sa.update(AttemptItem).values(first_try=AttemptItem.id.in_(firsts)))


def _attempts(session, user, ability, by_bank, difficulty, period, rng, report, memory):
    """Add the student's attempts, each with the score its start predicted; returns when the
    last one was submitted."""
    start, now = period
    studied, card_of = memory
    count = max(1, int(rng.gauss(6, 3)))
    moments = sorted(start + (now - start) * rng.random() for _ in range(count))
    items_rows = []
    submitted = None
    for moment in moments:
        bank_ids = rng.sample(sorted(by_bank), k=min(len(by_bank), rng.choice([1, 1, 1, 2, 3])))
        pool = [v for b in bank_ids for v in by_bank[b]]
        chosen = rng.sample(pool, k=min(QUESTIONS_PER_ATTEMPT, len(pool)))
        mode = Mode.EXAM if rng.random() < 0.3 else Mode.PRACTICE
        # A student improves a little with practice.
        ability += 0.05
        recall = {v.id: _recall(studied, card_of.get(v.question_id), moment) for v in chosen}
        unseen = studied.first_try_recall(moment)
        prediction = None
        if unseen is not None:
            chances = [unseen if recall[v.id] is None else recall[v.id] for v in chosen]
            prediction = sum(chances) / len(chances)
        submitted = moment + timedelta(minutes=rng.randint(3, 20))
        title = f"{'Exam' if mode == Mode.EXAM else 'Practice'}: demo"
        items_rows += graded_attempt(
            session,
            user,
            chosen,
            mode,
            moment,
            submitted,
            ability,
            difficulty,
            rng,
            title,
            recall=recall,
            prediction=prediction,
        )
        report.attempts += 1
    if items_rows:
        session.execute(sa.insert(AttemptItem), items_rows)
        report.answers += len(items_rows)
    return submitted


def _recall(studied: Studied, card_id: int | None, moment: datetime) -> float | None:
    memory = studied.memory_at(card_id, moment)
    return None if memory is None else scheduling.retrievability(memory, moment, studied.prefs)


def _reviews(session, user, ability, cards, start, now, rng, report):
    """Study on most days: reviews of due cards, then a few new cards in bank order.
    Returns (time of the last review, what was studied when)."""
    prefs = Preferences(desired_retention=user.desired_retention or 0.9)
    studied = Studied(prefs)
    memories: dict[int, Memory] = {}
    new_cards = [card_id for card_id, _ in cards]
    per_day = rng.randint(3, 12)
    diligence = rng.uniform(0.3, 0.95)
    rows = []
    day = start.replace(hour=0, minute=0, second=0, microsecond=0)
    while day < now:
        if rng.random() < diligence:
            moment = day + timedelta(hours=rng.uniform(7, 22))
            if moment >= now:
                break
            due = [c for c, m in memories.items() if m.due <= moment]
            fresh = [c for c in new_cards[:per_day] if c not in memories]
            for card_id in due + fresh:
                memory = memories.get(card_id, Memory())
                r = scheduling.retrievability(memory, moment, prefs)
                recall = _p_right(ability, 0.0) if r is None else min(0.99, r + 0.05 * ability)
                rating = (
                    Rating.AGAIN
                    if rng.random() > recall
                    else rng.choices([Rating.HARD, Rating.GOOD, Rating.EASY], [1, 6, 1])[0]
                )
                scheduled = scheduling.review(memory, rating, moment, card_id, prefs)
                duration = rng.randint(1500, 15000)
                rows.append(
                    review_values(user, card_id, rating, moment, duration, memory, scheduled)
                )
                memories[card_id] = scheduled.memory
                studied.memories.setdefault(card_id, []).append((moment, scheduled.memory))
                if memory.is_new:
                    studied.firsts.append((moment, rating != Rating.AGAIN))
                moment += timedelta(seconds=rng.randint(4, 20))
            new_cards = [c for c in new_cards if c not in memories]
        day += timedelta(days=1)
    if rows:
        retention.add_reviews(session, rows)
        report.reviews += len(rows)
    if memories:
        session.execute(
            sa.insert(CardState),
            [
                {
                    "user_id": user.id,
                    "card_id": card_id,
                    **state_values(m),
                    "suspended": False,
                    "version": m.reps,
                }
                for card_id, m in memories.items()
            ],
        )
    return (rows[-1]["reviewed_at"] if rows else None), studied
