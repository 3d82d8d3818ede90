"""Reading quizapp's pages as a browser would: the CSRF token, and the question form filled with
a plausible answer. Shared by the CPU benchmark (bench/cpu.py) and the load test's students
(bench/locustfile.py); it reads only the HTML, so it keeps working as the app's code changes.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
FORM_START = re.compile(r'<form\b[^>]*\bid="question-form"')


def csrf_token(page: str) -> str:
    match = CSRF.search(page)
    if match is None:
        raise ValueError("no CSRF token on the page")
    return match.group(1)


@dataclass
class QuestionForm:
    """The question form of a quiz page: where it posts, its hidden fields, its controls."""

    action: str = ""
    hidden: dict[str, str] = field(default_factory=dict)
    radios: dict[str, list[str]] = field(default_factory=dict)
    checkboxes: dict[str, list[str]] = field(default_factory=dict)
    texts: list[tuple[str, bool]] = field(default_factory=list)  # (name, numeric)
    selects: list[tuple[str, list[str]]] = field(default_factory=list)

    def answer(self, rng: random.Random, action: str = "check") -> dict:
        """Form data with a plausible answer in every control (maybe wrong, always valid)."""
        data: dict = {**self.hidden, "action": action}
        for name, values in self.radios.items():
            data[name] = rng.choice(values)
        for name, values in self.checkboxes.items():
            data[name] = [rng.choice(values)]
        for name, numeric in self.texts:
            data[name] = "3" if numeric else "answer"
        # The i-th list gets its i-th option, so an ordering question gets a permutation.
        for index, (name, options) in enumerate(self.selects):
            data[name] = options[index % len(options)]
        return data


class _FormReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.form = QuestionForm()
        self._select: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        attr = {key: value or "" for key, value in attrs}
        name = attr.get("name", "")
        if tag == "form":
            self.form.action = attr.get("action", "")
        elif tag == "input" and name and "disabled" not in attr:
            kind = attr.get("type", "text")
            if kind == "hidden":
                self.form.hidden[name] = attr.get("value", "")
            elif kind == "radio":
                self.form.radios.setdefault(name, []).append(attr.get("value", ""))
            elif kind == "checkbox":
                self.form.checkboxes.setdefault(name, []).append(attr.get("value", ""))
            elif kind in ("text", "number"):
                self.form.texts.append((name, attr.get("inputmode") == "decimal"))
        elif tag == "textarea" and name:
            self.form.texts.append((name, False))
        elif tag == "select" and name:
            self._select = (name, [])
        elif tag == "option" and self._select is not None and attr.get("value"):
            self._select[1].append(attr["value"])

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None:
            if self._select[1]:
                self.form.selects.append(self._select)
            self._select = None


def question_form(page: str) -> QuestionForm | None:
    """The question form of a quiz page, or None when the page has none (a finished attempt)."""
    start = FORM_START.search(page)
    if start is None:
        return None
    end = page.find("</form>", start.start())
    reader = _FormReader()
    reader.feed(page[start.start() : end if end != -1 else len(page)])
    reader.close()
    return reader.form
