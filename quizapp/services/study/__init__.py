"""Flashcard study: today's queue (queue), ratings, undo, suspend and bury (reviews), cram, and
settings. The public names of the four modules are gathered here."""

from __future__ import annotations

from ...study_queue import CardRef, Deck, Queue, StateRef
from .cram import cram_order
from .queue import StudyCard, build_queue, deck_counts, deck_title, decks, next_card, study_card
from .reviews import (
    CardInfo,
    StaleCard,
    StudyError,
    apply_memory,
    bury,
    card_info,
    grade_card,
    last_review_id,
    memory_of,
    preferences,
    review_values,
    set_suspended,
    state_values,
    undo,
)
from .settings import (
    DeckLimitRow,
    SettingsChange,
    deck_limit_rows,
    detect_timezone,
    reschedule,
    set_deck_limits,
    update_settings,
)

__all__ = [
    "CardInfo",
    "CardRef",
    "Deck",
    "DeckLimitRow",
    "Queue",
    "SettingsChange",
    "StaleCard",
    "StateRef",
    "StudyCard",
    "StudyError",
    "apply_memory",
    "build_queue",
    "bury",
    "card_info",
    "cram_order",
    "deck_counts",
    "deck_limit_rows",
    "deck_title",
    "decks",
    "detect_timezone",
    "grade_card",
    "last_review_id",
    "memory_of",
    "next_card",
    "preferences",
    "reschedule",
    "review_values",
    "set_deck_limits",
    "set_suspended",
    "state_values",
    "study_card",
    "undo",
    "update_settings",
]
