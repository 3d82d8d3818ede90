"""Counts that add up: over random decks, states and limits, each deck's count is exactly what
studying it gives, the decks add up to the day, and no limit is passed."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.scheduling import NEW, REVIEW
from quizapp.study_queue import CardRef, Limits, StateRef, plan_day

NOW = datetime(2026, 3, 2, 12, 0)
DAY = date(2026, 3, 2)
END = datetime(2026, 3, 3, 4, 0)
LEARNING = 1
limit = st.none() | st.integers(0, 12)


@st.composite
def days(draw):
    """Decks of cards in study order, each card new, due, learning, suspended or buried, with
    limits for all decks and (some) per deck, and some work already done today."""
    decks = draw(st.integers(1, 5))
    cards, states, card_id = [], {}, 0
    for bank_id in range(1, decks + 1):
        for _ in range(draw(st.integers(0, 12))):
            card_id += 1
            cards.append(CardRef(card_id, bank_id))
            kind = draw(st.sampled_from(["new", "new", "due", "due", "later", "learning", "off"]))
            due = NOW + timedelta(hours=draw(st.integers(-72, 36)))
            if kind == "later":
                due += timedelta(days=3)  # a review not due today
            if kind == "new" and draw(st.booleans()):
                continue  # a new card without a state row
            suspended = kind == "off" and draw(st.booleans())
            state = {"due": REVIEW, "later": REVIEW, "learning": LEARNING}.get(kind, NEW)
            states[card_id] = StateRef(
                card_id,
                state,
                due if state != NEW else None,
                suspended,
                DAY if kind == "off" and not suspended else None,
            )
    new_done, reviews_done = draw(st.integers(0, 5)), draw(st.integers(0, 5))
    day = Limits(draw(st.integers(0, 25)), draw(st.integers(0, 25)), new_done, reviews_done)
    own = {
        bank_id: Limits(draw(limit), draw(limit), draw(st.integers(0, new_done)), 0)
        for bank_id in range(1, decks + 1)
        if draw(st.booleans())
    }
    return cards, states, day, own


def plan(cards, states, day, own):
    return plan_day(cards, states, day, own, DAY, END, NOW)


def bank_ids(cards):
    return sorted({card.bank_id for card in cards})


@settings(max_examples=300, deadline=None)
@given(days())
def test_decks_add_up_to_the_day_and_keep_every_limit(example):
    cards, states, day, own = example
    queue = plan(cards, states, day, own)
    parts = [queue.only(bank_id) for bank_id in bank_ids(cards)]
    for field in ("new", "reviews", "learning_now", "learning_later"):
        assert sum(len(getattr(part, field)) for part in parts) == len(getattr(queue, field))
    assert len(queue.new) <= day.new_left and len(queue.reviews) <= day.reviews_left
    for bank_id, part in zip(bank_ids(cards), parts, strict=True):
        mine = own.get(bank_id)
        if mine and mine.new_left is not None:
            assert len(part.new) <= mine.new_left
        if mine and mine.reviews_left is not None:
            assert len(part.reviews) <= mine.reviews_left
    # New cards come deck by deck in study order, reviews by due time.
    order = {card.id: index for index, card in enumerate(cards)}
    assert [order[c.id] for c in queue.new] == sorted(order[c.id] for c in queue.new)
    dues = [states[c.id].due for c in queue.reviews]
    assert dues == sorted(dues)


def study(states, day, own, card: CardRef):
    """Grade `card` Good: it leaves today's queue, and the day's counters move."""
    state = states.get(card.id)
    was_new = state is None or state.state == NEW
    states = {
        **states,
        card.id: StateRef(card.id, REVIEW, END + timedelta(days=2), False, None),
    }
    field = "new_done" if was_new else "reviews_done"
    day = replace(day, **{field: getattr(day, field) + 1})
    deck = own.get(card.bank_id, Limits(None, None))
    own = {**own, card.bank_id: replace(deck, **{field: getattr(deck, field) + 1})}
    return states, day, own


@settings(max_examples=150, deadline=None)
@given(days(), st.data())
def test_a_deck_gives_exactly_its_count_and_leaves_the_other_decks_alone(example, data):
    cards, states, day, own = example
    bank_id = data.draw(st.sampled_from(bank_ids(cards))) if cards else 1
    start = plan(cards, states, day, own)
    shown = start.only(bank_id).counts("deck", "Deck")
    others = {b: start.only(b).counts("d", "D") for b in bank_ids(cards) if b != bank_id}
    given_new = given_reviews = 0
    while True:
        queue = plan(cards, states, day, own)
        deck = queue.only(bank_id)
        card = next(iter(deck.reviews + deck.new), None)  # learning cards: not counted here
        if card is None:
            break
        given_new += card in deck.new
        given_reviews += card in deck.reviews
        states, day, own = study(states, day, own, card)
        # Studying this deck never changes what the other decks show.
        for other, counts in others.items():
            assert queue.only(other).counts("d", "D") == counts
    assert (given_new, given_reviews) == (shown.new, shown.due)
