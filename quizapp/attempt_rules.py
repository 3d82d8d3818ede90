"""The rules of answering an attempt, as pure decisions: which outcome a posted answer has,
where the page goes next, and when an exam's time is up. No Flask, no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from .ids import parse_id

GRACE = timedelta(seconds=5)  # network delay allowed past an exam's deadline


def time_is_up(deadline: datetime | None, now: datetime) -> bool:
    return deadline is not None and now > deadline + GRACE


class Outcome(StrEnum):
    SAVED = "saved"
    REPEAT = "repeat"  # the same answer again (a double click, a retry): recorded once
    SUBMITTED = "submitted"
    INVALID = "invalid"  # not an answer (not a number, an option never shown, ...)
    EMPTY = "empty"  # "check" with nothing answered
    STALE = "stale"  # an old tab or copy of the page: nothing overwritten
    CLOSED = "closed"  # already submitted
    EXPIRED = "expired"  # time ran out: submitted now with what was saved in time
    MISSING = "missing"  # no such attempt for this user, or no such question in it
    PAUSED = "paused"  # a practice check of a question in the student's open exam


MESSAGES = {
    Outcome.EMPTY: "Give an answer first, then check it.",
    Outcome.STALE: "This quiz was changed in another tab or window. Here is its latest state; "
    "nothing was overwritten.",
    Outcome.CLOSED: "This attempt has been submitted; answers can no longer change.",
    Outcome.EXPIRED: "Time ran out: the attempt was submitted with the answers saved in time.",
    Outcome.PAUSED: "Feedback on this question is paused: it is in your open exam. Submit the "
    "exam first; nothing was saved here.",
}
ANSWERED_ALREADY = "You already answered this question; its feedback is below."
# Practice actions that grade the question and show its key: "Check answer", and "I don't
# know" (an empty answer that counts as wrong).
CHECKS = ("check", "dont-know")


@dataclass(frozen=True)
class Posted:
    """One posted answer, as read from the form (decoded before any lock is taken)."""

    step: int
    action: str  # save, check, dont-know, next, prev, summary, submit, goto-<n>
    invalid: bool  # the form could not be read as an answer
    empty: bool  # nothing was answered


@dataclass(frozen=True)
class Current:
    """The attempt and the answered question as they are under the lock."""

    finished: bool
    expired: bool
    practice: bool
    item_found: bool
    checked: bool  # a practice question already answered and graded
    same_answer: bool  # the posted answer equals the stored one
    step: int
    sealed: bool = False  # the question is in the student's open exam (practice shows no key)


def decide(posted: Posted, current: Current) -> Outcome:
    """What happens to a posted answer. SAVED and SUBMITTED write it; the others do not
    (EXPIRED submits the attempt with what was saved before)."""
    if current.expired and not current.finished:
        return Outcome.EXPIRED
    if current.finished:
        return Outcome.CLOSED
    if not current.item_found:
        return Outcome.MISSING
    if posted.invalid:
        return Outcome.INVALID
    if current.practice and current.checked:
        return Outcome.REPEAT if current.same_answer else Outcome.CLOSED
    if posted.step != current.step:
        repeat = posted.step == current.step - 1 and current.same_answer
        return Outcome.REPEAT if repeat else Outcome.STALE
    if current.practice and posted.action in CHECKS and current.sealed:
        return Outcome.PAUSED
    if current.practice and posted.action == "check" and posted.empty:
        return Outcome.EMPTY
    return Outcome.SUBMITTED if posted.action == "submit" else Outcome.SAVED


def next_position(count: int, position: int, action: str, checked: bool) -> int:
    """The question the attempt resumes on after this answer."""
    last = count - 1
    if action == "next" or checked:
        return min(position + 1, last)  # after feedback, a resumed quiz opens on the next one
    if action == "prev":
        return max(position - 1, 0)
    target = parse_id(action[5:]) if action.startswith("goto-") else None
    if target is not None:
        return min(target, last)
    return position


class Override(StrEnum):
    """What a student's "I was right" does."""

    RECORDED = "recorded"
    ALREADY = "already"  # recorded before (a double post): nothing changes
    REFUSED = "refused"  # not allowed for this answer
    MISSING = "missing"


def may_override(
    practice: bool, overridable: bool, answered: bool, fraction: float | None, overridden: bool
) -> Override:
    """Whether a student may overrule the grade of one answer: in practice only (never in an
    exam), for a type that allows it, once it was graded and not fully right."""
    if overridden:
        return Override.ALREADY
    if not practice or not overridable or not answered or fraction is None:
        return Override.REFUSED
    return Override.RECORDED if fraction < 1 - 1e-9 else Override.REFUSED
