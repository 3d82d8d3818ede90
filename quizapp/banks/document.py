"""A bank file as plain data: what it says, where it says it, and what is wrong with it.

These are the parsed files; the database rows of the same things are in quizapp.models.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Literal

COMMON_KEYS = ("id", "type", "prompt", "explanation", "tags", "points", "card")

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Location:
    path: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True, order=True)
class Problem:
    """One located finding, printed like a compiler diagnostic."""

    location: Location
    severity: Severity
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.severity}: {self.message}"


@dataclass(frozen=True)
class CardOverride:
    front: str
    back: str


@dataclass
class QuestionSpec:
    """One question as written in a bank file; `body` holds the keys of its type."""

    id: str
    type: str
    prompt: str | None
    body: dict[str, Any]
    explanation: str | None = None
    tags: list[str] = field(default_factory=list)
    points: float = 1
    card: CardOverride | bool = True
    line: int = 0
    column: int = 1

    def to_data(self) -> dict[str, Any]:
        """The question as file data, in the order instructors write it, defaults left out."""
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.prompt is not None:
            data["prompt"] = self.prompt
        data.update(self.body)
        if self.explanation is not None:
            data["explanation"] = self.explanation
        if self.tags:
            data["tags"] = list(self.tags)
        if self.points != 1:
            data["points"] = self.points
        if self.card is False:
            data["card"] = False
        elif isinstance(self.card, CardOverride):
            data["card"] = {"front": self.card.front, "back": self.card.back}
        return data

    @property
    def content_hash(self) -> str:
        return content_hash(self.to_data())

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> QuestionSpec:
        """Rebuild a question from its stored `to_data()` form."""
        card = data.get("card", True)
        return cls(
            id=data["id"],
            type=data["type"],
            prompt=data.get("prompt"),
            body={key: value for key, value in data.items() if key not in COMMON_KEYS},
            explanation=data.get("explanation"),
            tags=list(data.get("tags", [])),
            points=data.get("points", 1),
            card=CardOverride(**card) if isinstance(card, dict) else card,
        )


@dataclass
class ExtraCard:
    id: str
    front: str
    back: str
    tags: list[str] = field(default_factory=list)
    line: int = 0
    column: int = 1

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "front": self.front, "back": self.back}
        if self.tags:
            data["tags"] = list(self.tags)
        return data


@dataclass
class BankFile:
    """One bank as a file holds it: header, questions and extra cards."""

    id: str
    title: str
    order: int
    summary: str = ""
    questions: list[QuestionSpec] = field(default_factory=list)
    cards: list[ExtraCard] = field(default_factory=list)
    path: str = ""
    line: int = 0

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "bank": {"id": self.id, "title": self.title, "order": self.order},
            "questions": [question.to_data() for question in self.questions],
        }
        if self.summary:
            data["bank"]["summary"] = self.summary
        if self.cards:
            data["cards"] = [card.to_data() for card in self.cards]
        return data


def bank_from_data(data: dict[str, Any]) -> BankFile:
    """Rebuild a BankFile from its `to_data()` form (as exported from the database)."""
    header = data["bank"]
    return BankFile(
        id=header["id"],
        title=header["title"],
        order=header.get("order", 0),
        summary=header.get("summary", ""),
        questions=[QuestionSpec.from_data(q) for q in data["questions"]],
        cards=[
            ExtraCard(c["id"], c["front"], c["back"], list(c.get("tags", [])))
            for c in data.get("cards", [])
        ],
    )


@dataclass(frozen=True)
class Flashcard:
    """A card ready to store: derived from a question or written as an extra card."""

    id: str
    front: str
    back: str
    tags: tuple[str, ...]
    question_id: str | None
    line: int

    @property
    def content_hash(self) -> str:
        return content_hash({"front": self.front, "back": self.back, "tags": list(self.tags)})


@dataclass
class LoadResult:
    banks: list[BankFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def ok(self, strict: bool = False) -> bool:
        return not (self.errors or (strict and self.warnings))


def content_hash(data: Any) -> str:
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
