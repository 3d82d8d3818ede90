"""Cram: review a deck now, in a shuffled order a seed repeats, without touching the schedule."""

from __future__ import annotations

import random

from sqlalchemy.orm import Session

from ...models import Card
from ..queries import active_cards_query


def cram_order(session: Session, deck: str | None, seed: int) -> list[Card]:
    """Every active card of the deck in a shuffled order that the seed repeats."""
    cards = list(session.scalars(active_cards_query(deck, Card)))
    random.Random(seed).shuffle(cards)
    return cards
