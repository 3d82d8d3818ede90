"""The shipped JSON Schema agrees with the loader; derived cards read as documented."""

from __future__ import annotations

import json
from importlib.resources import files

import jsonschema
import pytest
import yaml

from quizapp.banks.cards import bank_flashcards
from quizapp.banks.loader import load_paths
from quizapp.banks.schema import schema_text
from quizapp.banks.sync import Stored, compare
from quizapp.markdown import render_markdown
from tests.conftest import QUESTIONS, SAMPLE_BANKS

SCHEMA = json.loads(files("quizapp.banks").joinpath("question-bank.schema.json").read_text())
BANK_FILES = sorted(QUESTIONS.glob("*.yaml")) + sorted(SAMPLE_BANKS.glob("*.yaml"))


def test_schema_is_valid_draft7():
    jsonschema.Draft7Validator.check_schema(SCHEMA)


def test_committed_schema_is_what_the_registry_generates():
    committed = files("quizapp.banks").joinpath("question-bank.schema.json").read_text()
    assert committed == schema_text(), (
        "stale schema: run `quizapp questions schema -o quizapp/banks/question-bank.schema.json`"
    )


@pytest.mark.parametrize("path", BANK_FILES, ids=lambda p: p.name)
def test_every_bank_file_satisfies_the_schema(path):
    errors = list(jsonschema.Draft7Validator(SCHEMA).iter_errors(yaml.safe_load(path.read_text())))
    assert [e.message for e in errors] == []


@pytest.mark.parametrize(
    "question",
    [
        {"id": "q", "type": "single", "prompt": "p", "choices": ["a", "b"], "answer": "a",
         "oops": 1},
        {"id": "q", "type": "true_false", "prompt": "p", "answer": "yes"},
        {"id": "Bad Id", "type": "short", "prompt": "p", "answers": ["x"]},
        {"id": "q", "type": "numeric", "prompt": "p", "range": [1, 2], "tolerance": 1},
        {"id": "q", "type": "cloze", "text": "no blanks"},
    ],
)  # fmt: skip
def test_schema_rejects_what_the_loader_rejects(question):
    document = {"bank": {"id": "b", "title": "B"}, "questions": [question]}
    assert list(jsonschema.Draft7Validator(SCHEMA).iter_errors(document))


def test_derived_cards():
    (bank,) = load_paths([SAMPLE_BANKS]).banks
    cards = {card.id: card for card in bank_flashcards(bank)}
    assert cards["capital-single"].front == "Which planet is closest to the Sun?"
    assert cards["capital-single"].back.startswith("Mercury\n\nMercury orbits closest")
    assert cards["even-multiple"].front.startswith("Name the even numbers")  # override
    assert (
        cards["colour-cloze"].front == "Fill in the blanks.\n\nThe sky is [...] and grass is [...]."
    )
    assert "**blue**" in cards["colour-cloze"].back and "**green**" in cards["colour-cloze"].back
    assert cards["range-numeric"].back.startswith("1 to 5 units")
    assert cards["order-ordering"].back.startswith("1. one\n2. two")
    assert cards["extra-card"].question_id is None
    assert list(cards)[-1] == "extra-card"


def test_compare_sorts_items():
    stored = {
        "same": Stored("h1", True),
        "edited": Stored("h2", True),
        "gone": Stored("h3", True),
        "back": Stored("h4", False),
        "long-gone": Stored("h5", False),
    }
    incoming = {"same": "h1", "edited": "new", "back": "h4", "fresh": "h6"}
    changes = compare(stored, incoming)
    assert changes.added == ["fresh"]
    assert sorted(changes.updated) == ["back", "edited"]
    assert changes.retired == ["gone"]
    assert changes.unchanged == ["same"]


@pytest.mark.parametrize(
    ("markdown", "forbidden"),
    [
        ("<script>alert(1)</script>", "<script"),
        ("<img src=x onerror=alert(1)>", "<img"),
        ("[x](javascript:alert(1))", 'href="javascript'),
        ('<a href="http://x" onclick="evil()">x</a>', 'onclick="evil()">'),
        ("<iframe src=//evil></iframe>", "<iframe"),
    ],
)
def test_markdown_is_sanitised(markdown, forbidden):
    assert forbidden not in render_markdown(markdown)


def test_markdown_keeps_formatting():
    html = render_markdown("**bold** and `code`\n\n- item\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    assert "<strong>bold</strong>" in html and "<code>code</code>" in html
    assert "<li>item</li>" in html and "<table>" in html
