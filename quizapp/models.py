"""Typed models: the data and its invariants. Behaviour lives in services/ and the pure modules."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db
from .vocab import AttemptStatus, JobStatus, Role


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Retirable:
    """Rows that are never deleted, only retired: kept for history, out of new quizzes."""

    retired_at: Mapped[datetime | None]

    @property
    def active(self) -> bool:
        return self.retired_at is None


class BankItem(Retirable):
    """Questions and cards (each has `bank` and `slug`): addressed as "<bank id>/<slug>"."""

    @property
    def key(self) -> str:
        return f"{self.bank.slug}/{self.slug}"


class Bank(Retirable, db.Model):
    """A question bank, loaded from one file; its questions and cards hang off it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(100), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    position: Mapped[int] = mapped_column(default=0)
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    source_path: Mapped[str | None] = mapped_column(sa.String(500))
    # "file" (questions import) or "upload" (the browser): only files are retired by folder.
    source_kind: Mapped[str] = mapped_column(sa.String(10), default="file", server_default="file")
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Replaced by every write that changes the finished answers to the bank's questions: the
    # reports computed from them are kept under it (services/report_cache.py).
    answers_stamp: Mapped[str] = mapped_column(
        sa.String(16), default=lambda: secrets.token_hex(8), server_default=""
    )

    questions: Mapped[list[Question]] = relationship(
        back_populates="bank", order_by="Question.position"
    )
    cards: Mapped[list[Card]] = relationship(back_populates="bank", order_by="Card.position")


class Question(BankItem, db.Model):
    """A question's identity (bank + slug); its content lives in versions."""

    __table_args__ = (sa.UniqueConstraint("bank_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(sa.ForeignKey("bank.id"), index=True)
    slug: Mapped[str] = mapped_column(sa.String(100))
    position: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(default=1)
    source_line: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    bank: Mapped[Bank] = relationship(back_populates="questions")
    versions: Mapped[list[QuestionVersion]] = relationship(
        back_populates="question", order_by="QuestionVersion.number"
    )


class QuestionVersion(db.Model):
    """One immutable content of a question; answers stay linked to the version a student saw."""

    __table_args__ = (sa.UniqueConstraint("question_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("question.id"), index=True)
    number: Mapped[int]
    type: Mapped[str] = mapped_column(sa.String(20))
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    data: Mapped[dict] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    question: Mapped[Question] = relationship(back_populates="versions")


class Card(BankItem, db.Model):
    """A flashcard: derived from a question (question_id set) or an extra card of the bank."""

    __table_args__ = (sa.UniqueConstraint("bank_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(sa.ForeignKey("bank.id"), index=True)
    slug: Mapped[str] = mapped_column(sa.String(100))
    question_id: Mapped[int | None] = mapped_column(sa.ForeignKey("question.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    front: Mapped[str] = mapped_column(sa.Text)
    back: Mapped[str] = mapped_column(sa.Text)
    tags: Mapped[list] = mapped_column(sa.JSON, default=list)
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    source_line: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    bank: Mapped[Bank] = relationship(back_populates="cards")
    question: Mapped[Question | None] = relationship()


ROLES = tuple(role.value for role in Role)  # plain strings: click shows enum names


class User(db.Model):
    """An account. `session_version` is part of the login token: bumping it ends every session."""

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(40), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[str] = mapped_column(sa.String(20), default=Role.STUDENT)
    session_version: Mapped[int] = mapped_column(default=1)
    timezone: Mapped[str] = mapped_column(sa.String(64), default="UTC")
    timezone_set: Mapped[bool] = mapped_column(default=False)
    desired_retention: Mapped[float] = mapped_column(sa.Float, default=0.9)
    new_per_day: Mapped[int] = mapped_column(default=20)
    reviews_per_day: Mapped[int] = mapped_column(default=200)
    learning_steps: Mapped[bool] = mapped_column(default=True)
    # The reviewer offers Again and Good only (Quizlet's "Still learning" / "Know it").
    two_buttons: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Personal FSRS parameters fitted to the student's reviews; None: FSRS's defaults.
    fsrs_parameters: Mapped[list | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Kept up to date by each review and submission, so the class page reads one row per
    # student instead of scanning every review.
    cards_studied: Mapped[int] = mapped_column(default=0)
    last_active_at: Mapped[datetime | None]

    # Flask-Login protocol
    is_active = True
    is_anonymous = False

    @property
    def is_authenticated(self) -> bool:
        return True

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.INSTRUCTOR, Role.ADMIN)


class LoginFailure(db.Model):
    """One counted attempt, kept in the database so throttling holds across processes: a
    failed password check (`kind` "login"; written before the check and removed when it
    succeeds) or a registration (`kind` "register"). Rows older than the window are pruned."""

    __table_args__ = (
        sa.Index("ix_login_failure_username_at", "username", "at"),
        sa.Index("ix_login_failure_address_at", "address", "at"),
        sa.Index("ix_login_failure_at", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(40))
    address: Mapped[str] = mapped_column(sa.String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(sa.String(16), default="login", server_default="login")


class Attempt(db.Model):
    """One quiz taken by one student; `step` counts saves so a stale tab cannot overwrite."""

    __table_args__ = (
        sa.Index("ix_attempt_user_id_status", "user_id", "status"),
        sa.Index("ix_attempt_assignment_id_user_id", "assignment_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    # Set when the attempt was started from a class assignment (its settings, dates, review).
    assignment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("assignment.id"))
    mode: Mapped[str] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(20), default=AttemptStatus.IN_PROGRESS)
    title: Mapped[str] = mapped_column(sa.String(200))
    settings: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    step: Mapped[int] = mapped_column(default=0)
    current: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    auto_submitted: Mapped[bool] = mapped_column(default=False)
    score: Mapped[float] = mapped_column(sa.Float, default=0.0)
    max_score: Mapped[float] = mapped_column(sa.Float, default=0.0)
    original_score: Mapped[float | None] = mapped_column(sa.Float)  # before the first regrade

    user: Mapped[User] = relationship()
    assignment: Mapped[Assignment | None] = relationship()
    items: Mapped[list[AttemptItem]] = relationship(
        back_populates="attempt", order_by="AttemptItem.position"
    )

    @property
    def finished(self) -> bool:
        return self.status == AttemptStatus.SUBMITTED

    @property
    def open(self) -> bool:
        """Still taking answers: neither submitted nor closed as abandoned."""
        return self.status == AttemptStatus.IN_PROGRESS


class AttemptItem(db.Model):
    """A question as shown in one attempt: its version, its shuffled order, the answer given."""

    __table_args__ = (
        sa.UniqueConstraint("attempt_id", "position"),
        sa.Index("ix_attempt_item_question_id_answered_at", "question_id", "answered_at"),
        sa.Index("ix_attempt_item_question_id_first_try", "question_id", "first_try"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(sa.ForeignKey("attempt.id"))
    position: Mapped[int]
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("question.id"))
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("question_version.id"))
    presentation: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    response: Mapped[dict | None] = mapped_column(sa.JSON)
    answered_at: Mapped[datetime | None]
    fraction: Mapped[float | None] = mapped_column(sa.Float)
    points: Mapped[float] = mapped_column(sa.Float, default=0.0)
    max_points: Mapped[float] = mapped_column(sa.Float, default=1.0)
    # Regrading keeps the first mark and records which corrected version graded it again.
    original_points: Mapped[float | None] = mapped_column(sa.Float)
    regraded_at: Mapped[datetime | None]
    regraded_version_id: Mapped[int | None] = mapped_column(sa.ForeignKey("question_version.id"))
    # Set when the attempt is submitted: this was the student's first finished try at the
    # question, the answers item analysis is computed over.
    first_try: Mapped[bool] = mapped_column(default=False)
    # What grading told the student besides the mark ("Accepted: you wrote ...").
    note: Mapped[str | None] = mapped_column(sa.Text)
    # "I was right" in practice: when the student overruled the grade, and the grade before.
    overridden_at: Mapped[datetime | None]
    overridden_from: Mapped[float | None] = mapped_column(sa.Float)

    attempt: Mapped[Attempt] = relationship(back_populates="items")
    question: Mapped[Question] = relationship()
    version: Mapped[QuestionVersion] = relationship(foreign_keys=[version_id])
    regraded_version: Mapped[QuestionVersion | None] = relationship(
        foreign_keys=[regraded_version_id]
    )


class CardState(db.Model):
    """One user's memory of one card, as FSRS sees it, plus suspend and bury.

    `version` goes up with every change: a grade must carry the version it was shown, so a
    double-submitted or stale grade is recorded once or refused.
    """

    __table_args__ = (
        sa.UniqueConstraint("user_id", "card_id"),
        sa.Index("ix_card_state_user_id_due", "user_id", "due"),
        # The class overview's overdue cards: a range of `due`, read from the index alone.
        sa.Index("ix_card_state_overdue", "due", "user_id", "state", "suspended", "card_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    card_id: Mapped[int] = mapped_column(sa.ForeignKey("card.id"), index=True)
    state: Mapped[int] = mapped_column(default=0)
    step: Mapped[int | None]
    stability: Mapped[float | None] = mapped_column(sa.Float)
    difficulty: Mapped[float | None] = mapped_column(sa.Float)
    due: Mapped[datetime | None]
    last_review: Mapped[datetime | None]
    reps: Mapped[int] = mapped_column(default=0)
    lapses: Mapped[int] = mapped_column(default=0)
    suspended: Mapped[bool] = mapped_column(default=False)
    buried_until: Mapped[date | None]
    version: Mapped[int] = mapped_column(default=1)

    card: Mapped[Card] = relationship()


class Review(db.Model):
    """One grade given to a card; `before` is the memory it replaced, so undo is exact."""

    __table_args__ = (
        sa.Index("ix_review_user_id_reviewed_at", "user_id", "reviewed_at"),
        sa.Index("ix_review_user_id_day", "user_id", "day"),
        sa.Index("ix_review_user_id_card_id", "user_id", "card_id"),
        # A student's first reviews (from NEW) and their ratings, without reading the rest.
        sa.Index("ix_review_first_tries", "user_id", "state_before", "rating"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    card_id: Mapped[int] = mapped_column(sa.ForeignKey("card.id"))
    rating: Mapped[int]
    reviewed_at: Mapped[datetime]
    day: Mapped[date]  # the user's study day, for daily limits and the calendar
    duration_ms: Mapped[int | None]
    state_before: Mapped[int]
    state_after: Mapped[int]
    interval_days: Mapped[float] = mapped_column(sa.Float)
    stability: Mapped[float | None] = mapped_column(sa.Float)
    difficulty: Mapped[float | None] = mapped_column(sa.Float)
    before: Mapped[dict] = mapped_column(sa.JSON)

    card: Mapped[Card] = relationship()


class DeckLimit(db.Model):
    """A student's own daily limits for one deck (bank). None: only the all-decks limit
    applies; the all-decks limit (on User) caps every deck's own."""

    __table_args__ = (sa.UniqueConstraint("user_id", "bank_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    bank_id: Mapped[int] = mapped_column(sa.ForeignKey("bank.id"))
    new_per_day: Mapped[int | None]
    reviews_per_day: Mapped[int | None]


class OptimiserRun(db.Model):
    """One "Optimise my schedule": queued, running (steps done of total), then done (with what
    it found in `result`) or failed. `updated_at` moves with each step, so a run whose process
    died shows as interrupted."""

    __table_args__ = (sa.Index("ix_optimiser_run_user_id_created_at", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    status: Mapped[str] = mapped_column(sa.String(20), default=JobStatus.QUEUED)
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    result: Mapped[dict] = mapped_column(sa.JSON, default=dict)


class WorkloadEstimate(db.Model):
    """The workload simulator's table for one student (`result`: deck size, days and a row per
    retention), shown until what it was computed from (`key`: parameters, deck size, limits,
    steps) changes."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), unique=True)
    key: Mapped[str] = mapped_column(sa.String(64))
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
    result: Mapped[dict] = mapped_column(sa.JSON)


class Upload(db.Model):
    """Bank files an instructor uploaded, kept between the preview and the confirmation."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    files: Mapped[list] = mapped_column(sa.JSON)  # [{"name": ..., "text": ...}]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    applied_at: Mapped[datetime | None]
    summary: Mapped[str | None] = mapped_column(sa.String(200))
    # Made from an instructor's verdict on a response: the questions to regrade once it is
    # confirmed, and the bank file to write ({"questions": [...], "path": ..., "sha256": ...}).
    origin: Mapped[dict | None] = mapped_column(sa.JSON)


# The class models have their own module (this one would pass 400 lines); importing them here
# maps every model whenever one is used.
from .course_models import Assignment, AssignmentOverride, Course, CourseMember  # noqa: E402, F401
from .study_models import CramSession, RetentionDay  # noqa: E402, F401
from .token_models import ApiToken  # noqa: E402, F401
