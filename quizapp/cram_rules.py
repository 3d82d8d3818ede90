"""Cram's rules, Quizlet's Flashcards loop, as pure decisions: each card of a round is marked
"know" or "still learning"; the next round goes through the cards still being learnt, until
none is left. The score is the first round's (what the student knew coming in). No Flask, no
database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum


class MarkOutcome(StrEnum):
    RECORDED = "recorded"
    REPEAT = "repeat"  # this card of this round is marked already (a double click): kept once
    STALE = "stale"  # a card this round does not hold where the page said it was


@dataclass(frozen=True)
class Marked:
    round: int
    card: int
    known: bool


def parse_marks(rows: Iterable[Sequence]) -> list[Marked]:
    """The stored [round, card, known] rows."""
    return [Marked(int(r), int(c), bool(k)) for r, c, k in rows]


def decide_mark(
    pile: Sequence[int], position: int, marks: Sequence[Marked], round_: int, at: int, card: int
) -> MarkOutcome:
    """A mark of `card` posted for place `at` of this round. The page may be ahead of
    `position` (cards an open exam seals are passed over unmarked), never behind it."""
    if any(m.round == round_ and m.card == card for m in marks):
        return MarkOutcome.REPEAT
    if position <= at < len(pile) and pile[at] == card:
        return MarkOutcome.RECORDED
    return MarkOutcome.STALE


@dataclass(frozen=True)
class RoundResult:
    round: int
    known: int
    learning: list[int]  # the cards to go through again, in the order they were marked

    @property
    def marked(self) -> int:
        return self.known + len(self.learning)


def round_result(marks: Sequence[Marked], round_: int) -> RoundResult:
    known = [m for m in marks if m.round == round_ and m.known]
    learning = [m.card for m in marks if m.round == round_ and not m.known]
    return RoundResult(round_, len(known), learning)


def first_round_score(marks: Sequence[Marked]) -> tuple[int, int]:
    """(cards known, cards marked) in round 1: the session's score."""
    result = round_result(marks, 1)
    return result.known, result.marked
