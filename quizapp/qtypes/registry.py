"""The registry of question types: the rest of the app asks it, and never names a type."""

from __future__ import annotations

from pathlib import Path

from .base import QuestionType

TYPES: dict[str, QuestionType] = {}


def register(qtype: QuestionType | type[QuestionType]):
    """Add a type (an instance, or a class to instantiate: usable as a class decorator)."""
    instance = qtype() if isinstance(qtype, type) else qtype
    TYPES[instance.key] = instance
    return qtype


def unregister(key: str) -> None:
    TYPES.pop(key, None)


def get(key: str) -> QuestionType:
    """The type of that key; KeyError for a type that is not registered."""
    return TYPES[key]


def type_names() -> tuple[str, ...]:
    return tuple(TYPES)


def bank_keys() -> frozenset[str]:
    """Every bank key some type uses."""
    return frozenset(key for qtype in TYPES.values() for key in qtype.keys)


def template_path(name: str) -> Path | None:
    """The file of a registered type's template that lives outside the app's templates."""
    for qtype in TYPES.values():
        if qtype.template_folder is not None and qtype.template == name:
            return qtype.template_folder / name
    return None
