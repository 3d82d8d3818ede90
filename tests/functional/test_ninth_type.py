"""A ninth question type that exists only here (and in its template beside this file) goes
through check, import, a practice quiz, grading, its flashcard and export: adding a type
touches nothing outside its own module and template."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from quizapp import qtypes
from quizapp.qtypes import Grade, InvalidResponse, QuestionType
from tests.factories import answer, items_of, start

CHOICES = ("yes", "no", "not given")


class YesNoNotGiven(QuestionType):
    """Does the text say so? Yes, no, or it does not say."""

    key = "yes_no_not_given"
    label = "yes/no/not-given"
    fields = {"answer": {"enum": list(CHOICES)}}
    required = ("answer",)
    template_folder = Path(__file__).parent / "templates"

    def parse(self, reader, fields, node) -> dict[str, Any] | None:
        answer_node = reader.require(fields, "answer", node, "a yes/no/not-given question")
        value = reader.text(answer_node, "answer") if answer_node is not None else None
        if value is None:
            return None
        if value not in CHOICES:
            reader.error(answer_node, f"answer must be one of {', '.join(CHOICES)}")
            return None
        return {"answer": value}

    def display(self, data) -> dict[str, Any]:
        return {"choices": CHOICES}

    def decode(self, data, presentation: Mapping[str, Any], values) -> Any:
        chosen = (values("answer") or [""])[0].strip()
        if chosen and chosen not in CHOICES:
            raise InvalidResponse("Choose yes, no or not given.")
        return chosen or None

    def grade(self, data, response: Any) -> Grade:
        return Grade(1.0 if response == data["answer"] else 0.0)

    def answer_text(self, data) -> str:
        return data["answer"].capitalize()

    def sample(self, data, presentation, right, rng):
        return data["answer"] if right else next(c for c in CHOICES if c != data["answer"])


BANK = """\
bank:
  id: reading
  title: Reading
  summary: Questions about a text.
questions:
  - id: sky-blue
    type: yes_no_not_given
    prompt: Does the text say the sky is blue?
    answer: "yes"
    explanation: The first line says so.
  - id: sea-green
    type: yes_no_not_given
    prompt: Does the text say the sea is green?
    answer: not given
    explanation: The text never mentions the sea.
"""


@pytest.fixture
def ninth_type():
    qtypes.register(YesNoNotGiven)
    yield qtypes.get("yes_no_not_given")
    qtypes.unregister("yes_no_not_given")


def test_a_ninth_type_goes_through_every_path(ninth_type, app, runner, client, auth, tmp_path):
    bank = tmp_path / "reading.yaml"
    bank.write_text(BANK, encoding="utf-8")
    checked = runner.invoke(args=["questions", "check", "--strict", str(bank)])
    assert checked.exit_code == 0, checked.output
    bad = tmp_path / "bad" / "reading.yaml"
    bad.parent.mkdir()
    bad.write_text(BANK.replace("answer: not given", "answer: perhaps"), encoding="utf-8")
    refused = runner.invoke(args=["questions", "check", str(bad)])
    assert "reading.yaml:14:13: error: answer must be one of yes, no, not given" in refused.output

    imported = runner.invoke(args=["questions", "import", str(bank)])
    assert "added 2" in imported.output, imported.output

    auth.register("reader")
    attempt = start(auth, banks=["reading"], count="2")
    items = {item.question.slug: item for item in items_of(app, attempt)}
    sky, sea = items["sky-blue"], items["sea-green"]
    page = client.get(f"/quiz/{attempt}/q/{sky.position}").get_data(as_text=True)
    assert 'name="answer" id="ynng-2" value="not given"' in page
    assert "The first line says so" not in page  # the key stays hidden until answered
    assert answer(auth, app, attempt, sky.position, {"answer": "yes"}).status_code == 302
    right = client.get(f"/quiz/{attempt}/q/{sky.position}").get_data(as_text=True)
    assert "Correct: 1 of 1 point" in right and "The first line says so" in right
    assert answer(auth, app, attempt, sea.position, {"answer": "maybe"}).status_code == 422
    answer(auth, app, attempt, sea.position, {"answer": "no"})
    wrong = client.get(f"/quiz/{attempt}/q/{sea.position}").get_data(as_text=True)
    assert "Incorrect: 0 of 1 point" in wrong and "Not given" in wrong

    card = client.get("/study/reading", headers={"Accept": "application/json"}).json["card"]
    assert "Does the text say the sky is blue?" in card["front"]
    assert re.search(r"<p>Yes</p>\s*<p>The first line says so.</p>", card["back"])

    exported = runner.invoke(args=["questions", "export"])
    assert "type: yes_no_not_given" in exported.output and "answer: not given" in exported.output
    gift = runner.invoke(args=["questions", "export", "--format", "gift"])
    assert "not exported: reading/sky-blue: yes/no/not-given questions have no Moodle form" in (
        gift.output
    )
