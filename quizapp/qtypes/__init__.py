"""Question types: one module per type, named after its key, collected in a registry.

The rest of the app asks the registry (`get(key)`) and never branches on a type's key.
Adding a type is one module here (or anywhere: `register(MyType)`) and one template,
`templates/quiz/types/<key>.html`. Pure: no Flask, no database.
"""

from __future__ import annotations

from .base import (
    FormValues,
    Grade,
    InvalidResponse,
    NotInMoodle,
    PartMark,
    PartReview,
    QuestionType,
)
from .cloze import Cloze
from .matching import Matching
from .multiple import MultipleChoice
from .numeric import Numeric
from .ordering import Ordering
from .registry import TYPES, bank_keys, get, register, template_path, type_names, unregister
from .short import ShortAnswer
from .single import SingleChoice
from .true_false import TrueFalse

for _type in (
    SingleChoice,
    MultipleChoice,
    TrueFalse,
    ShortAnswer,
    Numeric,
    Ordering,
    Matching,
    Cloze,
):
    register(_type)

__all__ = [
    "TYPES",
    "FormValues",
    "Grade",
    "InvalidResponse",
    "NotInMoodle",
    "PartMark",
    "PartReview",
    "QuestionType",
    "bank_keys",
    "get",
    "register",
    "template_path",
    "type_names",
    "unregister",
]
