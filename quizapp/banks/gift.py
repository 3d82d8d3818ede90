"""Moodle GIFT files, read and written the way Moodle's own GIFT format reader does.

Reading builds the same data a YAML bank holds and validates it with the same rules (so the
messages are the same), each problem located at the line of its GIFT question. What GIFT can
say that quizapp cannot grade the same way is a located error or warning, never a silent change.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from .model import Bank, Location, Problem

# Escapes are swapped for private-use characters while parsing, then restored.
ESCAPES = {"\\:": "\ue001", "\\#": "\ue002", "\\=": "\ue003", "\\{": "\ue004", "\\}": "\ue005",
           "\\~": "\ue006", "\\n": "\ue007"}  # fmt: skip
RESTORE = {"\ue001": ":", "\ue002": "#", "\ue003": "=", "\ue004": "{", "\ue005": "}", "\ue006": "~",
           "\ue007": "\n", "\ue000": "\\"}  # fmt: skip
WEIGHT = re.compile(r"^%(-?\d{1,3}(?:\.\d*)?)%")
META = re.compile(r"\[(id|tag|bank|order|summary):?([^\]]*)\]")
FORMAT = re.compile(r"^\[(markdown|html|plain|moodle)\]")
TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80].strip("-")


def _protect(text: str) -> str:
    text = text.replace("\\\\", "\ue000")
    for escape, placeholder in ESCAPES.items():
        text = text.replace(escape, placeholder)
    return text


def _restore(text: str) -> str:
    for placeholder, char in RESTORE.items():
        text = text.replace(placeholder, char)
    return text


@dataclass
class Block:
    line: int  # first line of the block, 1-based
    text: str = ""
    meta: list[tuple[str, str]] = field(default_factory=list)


def split_blocks(text: str) -> list[Block]:
    """Questions are separated by blank lines; comment lines (//) belong to their block and
    are read only for [id:...], [tag:...] and our bank metadata."""
    blocks: list[Block] = []
    current: Block | None = None
    lines: list[str] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        stripped = raw.strip()
        if not stripped:
            if current is not None:
                current.text = "\n".join(lines).strip()
                blocks.append(current)
            current, lines = None, []
            continue
        if current is None:
            current = Block(number)
        if stripped.startswith("//"):
            current.meta.extend(META.findall(stripped))
            continue
        if not lines:
            current.line = number  # report problems at the question, not at its comments
        lines.append(raw)
    if current is not None:
        current.text = "\n".join(lines).strip()
        blocks.append(current)
    return blocks


class GiftReader:
    """Turns one GIFT file into bank data plus located problems."""

    def __init__(self, path: str, problems: list[Problem]):
        self.path = path
        self.problems = problems

    def problem(self, line: int, severity: str, message: str) -> None:
        self.problems.append(Problem(Location(self.path, line, 1), severity, message))

    def read(self, text: str, default_bank: str) -> list[tuple[dict, dict[int, int]]]:
        """Banks as (data, {question index: line}); data is shaped like a YAML bank."""
        title = default_bank
        banks: list[tuple[dict, dict[int, int]]] = []
        bank = self._new_bank(slugify(default_bank) or "gift-bank", title, 0, 1)
        for block in split_blocks(text.replace("\r\n", "\n").lstrip("\ufeff")):
            meta = dict(block.meta)
            body = _protect(block.text)
            if body.startswith("$CATEGORY:"):
                if "\n" in body or "{" in body:
                    # Moodle reads the whole block as the category path: say so.
                    self.problem(
                        block.line,
                        "warning",
                        "$CATEGORY: is followed by more lines (or a {), which all become part of "
                        "the category name and are not read as questions: put a blank line after "
                        "the $CATEGORY: line",
                    )
                if bank[0]["questions"]:
                    banks.append(bank)
                title = _restore(body[len("$CATEGORY:") :].strip()).rstrip("/").split("/")[-1]
                title = title.strip() or default_bank
                bank_id = meta.get("bank") or slugify(title) or "gift-bank"
                # ASCII digits only (int() reads at most 4,300); the bank rules check the range.
                digits = re.fullmatch(r"[0-9]{1,4300}", meta.get("order", ""))
                order = int(digits.group()) if digits else 0
                bank = self._new_bank(bank_id, title, order, block.line)
                continue
            if not body:
                continue
            question = self.question(block, body)
            if question == "summary":
                bank[0]["bank"]["summary"] = self._summary(body)
            elif question is not None:
                bank[1][len(bank[0]["questions"])] = block.line
                bank[0]["questions"].append(question)
        if bank[0]["questions"] or not banks:
            banks.append(bank)
        return banks

    @staticmethod
    def _new_bank(bank_id: str, title: str, order: int, line: int):
        return (
            {"bank": {"id": bank_id, "title": title, "order": order}, "questions": []},
            {-1: line},
        )

    @staticmethod
    def _summary(body: str) -> str:
        body = re.sub(r"^::.*?::", "", body, count=1, flags=re.S).lstrip()
        # Only spaces go: an escaped line break at the end is part of the text.
        return _restore(FORMAT.sub("", body)).strip(" \t")

    def question(self, block: Block, body: str):
        line = block.line
        meta = block.meta
        name = None
        if body.startswith("::"):
            end = body.find("::", 2)
            if end != -1:
                name, body = _restore(body[2:end]).strip(), body[end + 2 :].strip()
        start, finish = body.find("{"), body.find("}")
        if start == -1 and finish == -1:
            if any(key == "summary" for key, _ in meta):
                return "summary"
            self.problem(
                line,
                "warning",
                "text without answer braces is a description, not a question: skipped",
            )
            return None
        if start == -1 or finish == -1 or finish < start:
            self.problem(
                line,
                "error",
                "unbalanced braces: a question needs one { ... } answer part "
                "(escape a literal brace as \\{ or \\})",
            )
            return None
        if (
            body.find("{", start + 1) != -1
            and body.find("{", start + 1) < finish
            or body.find("}", finish + 1) != -1
        ):
            self.problem(
                line,
                "error",
                "more than one { ... } answer part: GIFT allows one per question "
                "(escape literal braces)",
            )
            return None
        answer = body[start + 1 : finish].strip()
        before, after = body[:start].rstrip(), body[finish + 1 :].strip()
        prompt_format = "moodle"
        match = FORMAT.match(before)
        if match:
            prompt_format, before = match.group(1), before[match.end() :].lstrip()
        if prompt_format == "html":
            self.problem(
                line,
                "warning",
                "[html] text is shown as text here (quizapp uses Markdown): convert it to Markdown",
            )
        feedback = ""
        general = answer.rfind("####")
        if general != -1:
            feedback, answer = answer[general + 4 :].strip(), answer[:general].strip()
        data: dict[str, Any] = {"id": self._id(meta, name, before + after)}
        kind = self._kind(answer)
        if kind == "essay":
            self.problem(
                line,
                "error",
                "an essay question ({}) needs a person to grade it; quizapp grades "
                "automatically, so it is not supported",
            )
            return None
        notes: list[str] = []
        if after:
            body_fields = self._missing_word(answer, before, after, line, notes)
            if body_fields is None:
                return None
            data.update({"type": "cloze", **body_fields})
        else:
            data["prompt"] = _restore(before).strip()
            fields = getattr(self, f"_{kind}")(answer, line, notes)
            if fields is None:
                return None
            data.update(fields)
        explanation = "\n\n".join(
            part for part in (_restore(FORMAT.sub("", feedback)).strip(), *notes) if part
        )
        if explanation:
            data["explanation"] = explanation
        tags = [slugify(value) for key, value in meta if key == "tag" and slugify(value)]
        if tags:
            data["tags"] = tags
        return data

    def _id(self, meta, name: str | None, text: str) -> str:
        for key, value in meta:
            if key == "id" and value.strip():
                return value.strip()
        if name and slugify(name):
            return slugify(name)
        return "q-" + hashlib.sha1(_restore(text).strip().encode()).hexdigest()[:10]

    @staticmethod
    def _kind(answer: str) -> str:
        if not answer:
            return "essay"
        if answer.startswith("#"):
            return "numeric"
        if "~" in answer:
            return "choice"
        if "=" in answer and "->" in answer:
            return "matching"
        check = answer.split("#", 1)[0].strip()
        return "true_false" if check in TRUE_FALSE else "short"

    @staticmethod
    def _split(answer: str, marker: str) -> list[str]:
        parts = [p.strip() for p in answer.split(marker)]
        return [p for p in parts if p] if parts and not parts[0] else [p for p in parts[1:] if p]

    @staticmethod
    def _feedback(text: str) -> tuple[str, str]:
        value, _, feedback = text.partition("#")
        return _restore(value).strip(), _restore(feedback).strip()

    def _choice(self, answer: str, line: int, notes: list[str]):
        single = "=" in answer
        entries = [e.strip() for e in answer.replace("=", "~=").split("~")]
        entries = [e for e in entries if e]
        if len(entries) < 2:
            self.problem(line, "error", "a multiple-choice question needs at least two answers")
            return None
        choices, weights = [], []
        for entry in entries:
            if entry.startswith("="):
                weight, entry = 100.0, entry[1:]
            elif (m := WEIGHT.match(entry)) is not None:
                weight, entry = float(m.group(1)), entry[m.end() :]
            else:
                weight = 0.0
            value, feedback = self._feedback(entry)
            if feedback:
                notes.append(f"*{value}*: {feedback}")
            choices.append(value)
            weights.append(weight)
        right = [c for c, w in zip(choices, weights, strict=True) if w > 0]
        if single and len(right) == 1 and all(w in (0, 100) for w in weights):
            return {"type": "single", "choices": choices, "answer": right[0]}
        if single:
            self.problem(
                line,
                "warning",
                "partial-credit weights in a one-answer question are not kept: only the "
                "= answer counts as right",
            )
            answer_value = next(c for c, w in zip(choices, weights, strict=True) if w == 100)
            return {"type": "single", "choices": choices, "answer": answer_value}
        if not right:
            self.problem(
                line,
                "error",
                "no answer has a positive weight: mark the right answers with ~%50% "
                "(weights adding up to 100)",
            )
            return None
        k = len(right)
        share = 100 / k
        positive_ok = all(abs(w - share) < 0.01 for w in weights if w > 0)
        negative = [w for w in weights if w < 0]
        negative_ok = all(abs(w + share) < 0.01 for w in negative)
        if not positive_ok or (negative and not negative_ok):
            self.problem(
                line,
                "warning",
                "these weights are graded quizapp's way: each right answer earns 1/k and each "
                "wrong one ticked loses 1/k (k = number of right answers), floored at 0",
            )
        return {"type": "multiple", "choices": choices, "answers": right}

    def _true_false(self, answer: str, line: int, notes: list[str]):
        value, _, feedback = answer.partition("#")
        wrong, _, right = feedback.partition("#")  # Moodle: {T#if answered wrong#if right}
        if right.strip():
            notes.append(_restore(right).strip())
        if wrong.strip():
            notes.append(f"*If you answered otherwise*: {_restore(wrong).strip()}")
        return {"type": "true_false", "answer": TRUE_FALSE[value.strip()]}

    def _short(self, answer: str, line: int, notes: list[str]):
        accepted = []
        for entry in self._split(answer, "="):
            weight = 100.0
            if (m := WEIGHT.match(entry)) is not None:
                weight, entry = float(m.group(1)), entry[m.end() :]
            value, feedback = self._feedback(entry)
            if weight < 100:
                self.problem(
                    line,
                    "warning",
                    f"answer '{value}' gives partial credit ({weight:g}%), which quizapp does "
                    "not: it is left out",
                )
                continue
            if feedback:
                notes.append(f"*{value}*: {feedback}")
            accepted.append(value)
        if not accepted:
            self.problem(
                line,
                "error",
                "a short-answer question needs at least one fully right answer (=answer)",
            )
            return None
        return {"type": "short", "answers": accepted}

    def _numeric(self, answer: str, line: int, notes: list[str]):
        answer = answer[1:]
        if "~" in answer:
            answer, wrong = answer.split("~", 1)
            if self._feedback(wrong)[1]:
                notes.append(self._feedback(wrong)[1])
        entries = [e for e in (p.strip() for p in answer.split("=")) if e]
        if not entries:
            self.problem(
                line, "error", "a numeric question needs a number: {#3.14:0.01} or {#1..5}"
            )
            return None
        if len(entries) > 1:
            self.problem(
                line,
                "warning",
                "only the first numeric answer is kept; quizapp gives no partial credit for "
                "the others",
            )
        entry = entries[0]
        if (m := WEIGHT.match(entry)) is not None:
            entry = entry[m.end() :]
        value, feedback = self._feedback(entry)
        if feedback:
            notes.append(feedback)
        try:
            if ".." in value:
                low, high = (float(v) for v in value.split("..", 1))
                return {"type": "numeric", "range": [_number(low), _number(high)]}
            if ":" in value:
                number, tolerance = (float(v) for v in value.split(":", 1))
                return {
                    "type": "numeric",
                    "answer": _number(number),
                    "tolerance": _number(tolerance),
                }
            return {"type": "numeric", "answer": _number(float(value))}
        except ValueError:
            self.problem(
                line, "error", f"'{value}' is not a number, a number:tolerance or a min..max range"
            )
            return None

    def _matching(self, answer: str, line: int, notes: list[str]):
        pairs, distractors = [], []
        for entry in self._split(answer, "="):
            if "->" not in entry:
                self.problem(
                    line,
                    "error",
                    f"each matching item is written =left -> right; '{_restore(entry)}' has no ->",
                )
                return None
            left, right = (_restore(part).strip() for part in entry.split("->", 1))
            if left:
                pairs.append([left, right])
            else:
                distractors.append(right)  # Moodle: "= -> x" is an extra wrong answer
        fields: dict[str, Any] = {"type": "matching", "pairs": pairs}
        if distractors:
            fields["distractors"] = distractors
        return fields

    def _missing_word(self, answer, before, after, line, notes):
        """Text after the braces: Moodle's missing-word question, here a one-blank cloze."""
        kind = self._kind(answer)
        if kind == "choice":
            fields = self._choice(answer, line, notes)
            if fields is None:
                return None
            accepted = [fields["answer"]] if fields["type"] == "single" else fields["answers"][:1]
            self.problem(
                line,
                "warning",
                "a missing-word question with choices becomes a typed blank: students type "
                "the answer",
            )
        elif kind == "short":
            fields = self._short(answer, line, notes)
            if fields is None:
                return None
            accepted = fields["answers"]
        else:
            self.problem(
                line,
                "error",
                "a missing-word question (text after the braces) needs =answers or choices",
            )
            return None
        blank = "|".join(a.replace("|", "/") for a in accepted)
        text = f"{_restore(before).strip()} [[{blank}]] {_restore(after).strip()}".strip()
        return {"text": text}


def _number(value: float) -> int | float:
    return int(value) if value.is_integer() else value


def _node(data: Any, mark) -> Node:
    node = yaml.representer.SafeRepresenter().represent_data(data)
    _mark(node, mark)
    return node


def _mark(node: Node, mark) -> None:
    node.start_mark = node.end_mark = mark
    if isinstance(node, SequenceNode):
        for child in node.value:
            _mark(child, mark)
    elif isinstance(node, MappingNode):
        for key, value in node.value:
            _mark(key, mark)
            _mark(value, mark)


def gift_nodes(data: dict, lines: dict[int, int], path: str) -> Node:
    """A YAML-like node tree of the bank, each question marked at its GIFT line."""

    def mark(line: int):
        return yaml.Mark(path, 0, line - 1, 0, None, None)

    node = _node({k: v for k, v in data.items() if k != "questions"}, mark(lines[-1]))
    questions = SequenceNode(
        "tag:yaml.org,2002:seq", [_node(q, mark(lines[i])) for i, q in enumerate(data["questions"])]
    )
    questions.start_mark = questions.end_mark = mark(lines[-1])
    key = _node("questions", mark(lines[-1]))
    node.value.append((key, questions))
    return node


# ---- writing -------------------------------------------------------------------------------


def escape(text: str) -> str:
    """GIFT-escape text (as Moodle's exporter does), keeping line breaks as \\n."""
    text = text.replace("\\", "\\\\")
    for char in ":#={}~":
        text = text.replace(char, "\\" + char)
    return text.replace("\r", "").replace("\n", "\\n")


def _percent(value: float) -> str:
    return f"{value:.5f}".rstrip("0").rstrip(".")


@dataclass
class GiftExport:
    text: str
    skipped: list[str] = field(default_factory=list)  # "bank/question: why"
    lossy: list[str] = field(default_factory=list)


def write_gift(banks: list[dict]) -> GiftExport:
    """GIFT text for banks in format-v1 data; what GIFT cannot hold is listed, not hidden."""
    out: list[str] = []
    report = GiftExport("")
    for data in banks:
        header = data["bank"]
        out.append(
            f"// [bank:{header['id']}] [order:{header.get('order', 0)}]\n"
            f"$CATEGORY: $course$/top/{escape(header['title']).replace('/', '-')}\n"
        )
        if header.get("summary"):
            out.append(f"// [summary]\n::summary::[markdown]{escape(header['summary'])}\n")
        for question in data["questions"]:
            key = f"{header['id']}/{question['id']}"
            text, why = _write_question(question)
            if text is None:
                report.skipped.append(f"{key}: {why}")
                continue
            if why:
                report.lossy.append(f"{key}: {why}")
            out.append(text)
        if data.get("cards"):
            report.lossy.append(
                f"{header['id']}: {len(data['cards'])} extra card(s) have no GIFT form"
            )
    report.text = "\n".join(out)
    return report


def _write_question(q: dict) -> tuple[str | None, str]:
    lost = [name for name in ("points", "card", "shuffle", "pattern", "unit") if name in q]
    comments = f"// [id:{q['id']}]" + "".join(f" [tag:{t}]" for t in q.get("tags", []))
    head = f"{comments}\n::{q['id']}::"
    prompt = "[markdown]" + escape(q.get("prompt", ""))
    tail = f"####{escape(q['explanation'])}" if q.get("explanation") else ""
    t = q["type"]
    if t == "single":
        body = " ".join(("=" if c == q["answer"] else "~") + escape(c) for c in q["choices"])
    elif t == "multiple":
        share = _percent(100 / len(q["answers"]))
        body = " ".join(
            f"~%{share}%{escape(c)}" if c in q["answers"] else f"~%-{share}%{escape(c)}"
            for c in q["choices"]
        )
    elif t == "true_false":
        body = "TRUE" if q["answer"] else "FALSE"
    elif t == "short":
        body = " ".join("=" + escape(a) for a in q["answers"])
    elif t == "numeric":
        if "range" in q:
            body = f"#{q['range'][0]}..{q['range'][1]}"
            if "answer" in q:
                lost.append("answer (a range is exported)")
        else:
            body = f"#{q['answer']}" + (f":{q['tolerance']}" if "tolerance" in q else "")
    elif t == "matching":
        items = [f"={escape(left)} -> {escape(right)}" for left, right in q["pairs"]]
        items += [f"= -> {escape(d)}" for d in q.get("distractors", [])]
        body = " ".join(items)
    elif t == "cloze":
        return _write_cloze(q, head, tail, lost)
    else:
        return None, "ordering questions have no GIFT form"
    return f"{head}{prompt}{{{body}{tail}}}\n", ", ".join(f"'{n}' dropped" for n in lost)


def _write_cloze(q: dict, head: str, tail: str, lost: list[str]) -> tuple[str | None, str]:
    parts = re.split(r"\[\[(.*?)\]\]", q["text"], flags=re.S)
    if len(parts) != 3:
        return None, "GIFT's missing-word question has one blank; this cloze has several"
    before, blank, after = parts
    if not after.strip():
        return None, "a blank at the very end reads as a short answer in GIFT, not a missing word"
    if "prompt" in q:
        lost.append("prompt")
    accepted = " ".join("=" + escape(a.strip()) for a in blank.split("|"))
    text = (
        f"{head}[markdown]{escape(before.rstrip())} {{{accepted}{tail}}} {escape(after.lstrip())}\n"
    )
    return text, ", ".join(f"'{n}' dropped" for n in lost)


def read_gift(text: str, path: str, problems: list[Problem], parse_bank) -> list[Bank]:
    """Parse GIFT text and validate each bank with `parse_bank` (the YAML loader's rules)."""
    default = re.sub(r"^\d+[-_ ]*", "", path.rsplit("/", 1)[-1].rsplit(".", 1)[0]) or "gift"
    banks = []
    for data, lines in GiftReader(path, problems).read(text, default):
        if not data["questions"]:
            problems.append(
                Problem(
                    Location(path, lines[-1], 1), "error", "no questions found in this GIFT file"
                )
            )
            continue
        bank = parse_bank(gift_nodes(data, lines, path))
        if bank is not None:
            banks.append(bank)
    return banks
