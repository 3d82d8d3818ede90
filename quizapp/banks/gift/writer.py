"""Write banks as Moodle GIFT text; each question type supplies its own GIFT form."""

from __future__ import annotations

from dataclasses import dataclass, field

from ... import qtypes
from .syntax import escape

COMMON_DROPS = ("points", "card")  # keys of every question that GIFT has no room for


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
            try:
                text, lost = write_question(question)
            except qtypes.NotInGift as exc:
                report.skipped.append(f"{key}: {exc}")
                continue
            if lost:
                report.lossy.append(f"{key}: " + ", ".join(f"'{name}' dropped" for name in lost))
            out.append(text)
        if data.get("cards"):
            report.lossy.append(
                f"{header['id']}: {len(data['cards'])} extra card(s) have no GIFT form"
            )
    report.text = "\n".join(out)
    return report


def write_question(q: dict) -> tuple[str, list[str]]:
    """One question's GIFT text and the keys it lost; raises NotInGift."""
    qtype = qtypes.get(q["type"])
    form = qtype.to_gift(q)
    lost = [name for name in (*COMMON_DROPS, *qtype.gift_drops) if name in q]
    lost.extend(form.lost)
    comments = f"// [id:{q['id']}]" + "".join(f" [tag:{t}]" for t in q.get("tags", []))
    head = f"{comments}\n::{q['id']}::[markdown]"
    before = escape(q.get("prompt", "") if form.before is None else form.before)
    tail = f"####{escape(q['explanation'])}" if q.get("explanation") else ""
    if form.after:
        return f"{head}{before} {{{form.answer}{tail}}} {escape(form.after)}\n", lost
    return f"{head}{before}{{{form.answer}{tail}}}\n", lost
