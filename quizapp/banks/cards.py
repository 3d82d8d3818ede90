"""Flashcards of a bank: one derived from each question (unless turned off) plus its extra cards."""

from __future__ import annotations

from ..grading import CLOZE_BLANK, cloze_with_gaps, numeric_bounds
from .model import Bank, CardOverride, Flashcard, Question


def format_number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


def answer_text(question: Question) -> str:
    """The correct answer of a question as short Markdown, for card backs and results."""
    body = question.body
    match question.type:
        case "single":
            return body["answer"]
        case "multiple":
            return "\n".join(f"- {answer}" for answer in body["answers"])
        case "true_false":
            return "True" if body["answer"] else "False"
        case "short":
            return body["answers"][0]
        case "numeric":
            unit = f" {body['unit']}" if body.get("unit") else ""
            if "range" in body:
                low, high = numeric_bounds(body)
                return f"{format_number(low)} to {format_number(high)}{unit}"
            tolerance = body.get("tolerance")
            spread = f" (± {format_number(tolerance)})" if tolerance else ""
            return f"{format_number(body['answer'])}{unit}{spread}"
        case "ordering":
            return "\n".join(f"{n}. {item}" for n, item in enumerate(body["items"], start=1))
        case "matching":
            return "\n".join(f"- {left} → {right}" for left, right in body["pairs"])
        case "cloze":
            return CLOZE_BLANK.sub(
                lambda m: f"**{m.group(1).split('|')[0].strip()}**", body["text"]
            )
    raise ValueError(f"unknown question type {question.type!r}")


def question_card(question: Question) -> Flashcard | None:
    if question.card is False:
        return None
    if isinstance(question.card, CardOverride):
        front, back = question.card.front, question.card.back
    else:
        if question.type == "cloze":
            text = cloze_with_gaps(question.body["text"])
            front = f"{question.prompt}\n\n{text}" if question.prompt else text
        else:
            front = question.prompt or ""
        back = answer_text(question)
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


def bank_flashcards(bank: Bank) -> list[Flashcard]:
    """Question cards in question order, then the extra cards."""
    cards = [card for card in map(question_card, bank.questions) if card is not None]
    cards.extend(Flashcard(c.id, c.front, c.back, tuple(c.tags), None, c.line) for c in bank.cards)
    return cards
