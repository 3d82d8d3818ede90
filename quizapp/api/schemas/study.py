"""Flashcards and progress: decks, the next card, a grade, undo, the dashboard's figures."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from .common import Id, Moment, Request, whole

Rating = Literal["again", "hard", "good", "easy"]


class DeckCounts(BaseModel):
    """Today's cards of one deck (a bank, or "all"); the decks add up to "all"."""

    deck: str
    title: str
    new: int
    learning: int
    due: int


class Interval(BaseModel):
    label: str = Field(description="As on the rating buttons: 10m, 1d, 3.5mo ...")
    seconds: float


class CardToStudy(BaseModel):
    """A card to show: its front, then its back; grade it with its `version`."""

    id: int
    version: int
    bank: str
    front: str = Field(description="Markdown.")
    back: str = Field(description="Markdown.")
    front_html: str = Field(description="The front as sanitised HTML.")
    back_html: str = Field(description="The back as sanitised HTML.")
    intervals: dict[Rating, Interval]


class NextCard(BaseModel):
    counts: DeckCounts
    card: CardToStudy | None = Field(description="None: nothing more to study today.")
    paused: str | None = Field(
        description="Set while the student has an exam open: its questions' cards wait."
    )


class GradeCard(Request):
    version: Id = Field(description="The card's `version` as it was shown.")
    rating: Rating
    duration_ms: whole(0, 86_400_000) | None = None


class Graded(BaseModel):
    review_id: int = Field(description="Undo it with POST /reviews/{review_id}/undo.")
    card_id: int
    rating: Rating
    reviewed_at: Moment


class Undone(BaseModel):
    card_id: int = Field(description="The card whose last grade was undone.")
    last_review_id: int | None = Field(description="The review that is now the latest.")


class ScoreEntry(BaseModel):
    attempt_id: int
    finished_at: Moment
    percent: float
    title: str


class BankProgress(BaseModel):
    bank: str
    title: str
    questions: int
    questions_right: int
    cards: int
    cards_retained: int


class Progress(BaseModel):
    """The dashboard's figures (scores not yet released by an assignment are left out)."""

    scores: list[ScoreEntry]
    trend_per_attempt: float | None = Field(description="Percentage points per attempt.")
    mastery: list[BankProgress]
    streak_days: int
    reviews_today: int
    today: DeckCounts
    study_day: dt.date
    forecast_start: dt.date
    forecast: list[int] = Field(description="Cards due on each of the next days.")
    review_days: dict[dt.date, int] = Field(description="Reviews per study day, last year.")


class Decks(BaseModel):
    decks: list[DeckCounts] = Field(description="Every deck, then all decks together.")


class AssignmentStanding(BaseModel):
    """One assignment as the student sees it: dates and limits with their own override, their
    status, and their grade once the review options release it."""

    id: int
    title: str
    kind: Literal["quiz", "flashcards"]
    status: str
    opens_at: Moment | None
    due_at: Moment | None
    closes_at: Moment | None
    time_limit_minutes: int | None
    attempts_allowed: int = Field(description="0: unlimited.")
    attempts_used: int
    grade: float | None = Field(description="Percent; None until released.")
    goal_done: float | None = Field(description="A flashcard goal's share done (0..1).")


class EnrolledClass(BaseModel):
    id: int
    name: str
    term: str
    archived: bool
    instructors: list[str]
    assignments: list[AssignmentStanding]


class EnrolledClasses(BaseModel):
    classes: list[EnrolledClass]
