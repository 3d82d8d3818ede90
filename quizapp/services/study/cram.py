"""Cram: review a deck now, in a shuffled order a seed repeats, without touching the schedule."""

from __future__ import annotations

import random

from sqlalchemy.orm import Session

from ...models import Card
from ..exam_secrecy import NOTHING_SEALED, Sealed
from ..queries import active_cards_query


def cram_order(
    session: Session, deck: str | None, seed: int, sealed: Sealed = NOTHING_SEALED
) -> list[Card]:
    """Every active card of the deck (but those an open exam seals) in a shuffled order that
    the seed repeats."""
    cards = session.scalars(active_cards_query(deck, Card))
    cards = [card for card in cards if not sealed.hides_card(card.id)]
    random.Random(seed).shuffle(cards)
    return cards
