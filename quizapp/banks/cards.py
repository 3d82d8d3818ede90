"""Flashcards of a bank: one derived from each question (unless turned off) plus its extra cards."""

from __future__ import annotations

from .. import qtypes
from .document import BankFile, CardOverride, Flashcard, QuestionSpec


def answer_text(question: QuestionSpec) -> str:
    """The correct answer of a question as short Markdown, for card backs and results."""
    return qtypes.get(question.type).answer_text(question.to_data())


def question_card(question: QuestionSpec) -> Flashcard | None:
    if question.card is False:
        return None
    if isinstance(question.card, CardOverride):
        front, back = question.card.front, question.card.back
    else:
        qtype = qtypes.get(question.type)
        data = question.to_data()
        front, back = qtype.card_front(data), qtype.answer_text(data)
        if question.explanation:
            back = f"{back}\n\n{question.explanation}"
    return Flashcard(
        id=question.id,
        front=front,
        back=back,
        tags=tuple(question.tags),
        question_id=question.id,
        line=question.line,
    )


def bank_flashcards(bank: BankFile) -> list[Flashcard]:
    """Question cards in question order, then the extra cards."""
    cards = [card for card in map(question_card, bank.questions) if card is not None]
    cards.extend(Flashcard(c.id, c.front, c.back, tuple(c.tags), None, c.line) for c in bank.cards)
    return cards
