"""Write banks as Moodle XML, question by question from its Moodle form, as Moodle's XML
exporter (qformat_xml, and qtype_ordering's) writes each type, so that a Moodle site imports
the same questions and quizapp reads them back unchanged. Texts are written in Moodle's
markdown format; what the format cannot hold is named in the export's report."""

from __future__ import annotations

from ... import qtypes
from ..moodle.banks import Export, category_path
from ..moodle.model import Answer, MoodleQuestion, Text
from .cloze import NotInCloze, write_blank

FORMAT_NAMES = {"markdown": "markdown", "plain": "plain_text", "html": "html",
                "moodle": "moodle_auto_format"}  # fmt: skip
# qtype_ordering's settings, in the order its XML exporter writes them.
ORDERING_SETTINGS = ("layouttype", "selecttype", "selectcount", "gradingtype", "showgrading",
                     "numberingstyle")  # fmt: skip


def cdata(text: str) -> str:
    """Text as XML character data: in a CDATA section when it holds markup characters."""
    if not any(char in text for char in "<>&"):
        return text
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def attribute(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def text_element(tag: str, text: Text, indent: str = "    ") -> str:
    inner = f"{indent}  <text>{cdata(text.value)}</text>\n"
    return f'{indent}<{tag} format="{FORMAT_NAMES[text.format]}">\n{inner}{indent}</{tag}>\n'


def _percent(fraction: float) -> str:
    return f"{round(fraction * 100, 7):g}"


def _answers(answers: list[Answer], indent: str = "    ", numbers: bool = False) -> str:
    out = []
    for answer in answers:
        fmt = FORMAT_NAMES[answer.text.format]
        inner = f"{indent}  <text>{cdata(answer.text.value)}</text>\n"
        if numbers and answer.tolerance is not None:
            inner += f"{indent}  <tolerance>{answer.tolerance!r}</tolerance>\n"
        if answer.feedback:
            inner += text_element("feedback", answer.feedback, indent + "  ")
        out.append(
            f'{indent}<answer fraction="{_percent(answer.fraction)}" format="{fmt}">\n'
            f"{inner}{indent}</answer>\n"
        )
    return "".join(out)


def _flag(value: bool | None) -> str:
    return "true" if value is not False else "false"


def _body(q: MoodleQuestion, lost: list[str]) -> str:
    """The part of a question particular to its Moodle type."""
    if q.qtype == "multichoice":
        return (
            f"    <single>{_flag(q.single)}</single>\n"
            f"    <shuffleanswers>{_flag(q.shuffle)}</shuffleanswers>\n"
            "    <answernumbering>abc</answernumbering>\n" + _answers(q.answers)
        )
    if q.qtype in ("truefalse", "shortanswer"):
        usecase = "    <usecase>0</usecase>\n" if q.qtype == "shortanswer" else ""
        return usecase + _answers(q.answers)
    if q.qtype == "numerical":
        if any(a.interval is not None for a in q.answers):
            lost.append("range (written as answer ± tolerance)")
        units = "".join(
            f"      <unit>\n        <multiplier>{multiplier:g}</multiplier>\n"
            f"        <unit_name>{cdata(name)}</unit_name>\n      </unit>\n"
            for name, multiplier in q.units
        )
        units = f"    <units>\n{units}    </units>\n" if units else ""
        show = 0 if q.units else 3  # units optional when there is one; else none
        return (
            _answers(q.answers, numbers=True)
            + units
            + f"    <unitgradingtype>0</unitgradingtype>\n    <showunits>{show}</showunits>\n"
        )
    if q.qtype == "match":
        stems = "".join(
            f'    <subquestion format="{FORMAT_NAMES[stem.format]}">\n'
            f"      <text>{cdata(stem.value)}</text>\n"
            f"      <answer>\n        <text>{cdata(right)}</text>\n      </answer>\n"
            "    </subquestion>\n"
            for stem, right in q.subquestions
        )
        return f"    <shuffleanswers>{_flag(q.shuffle)}</shuffleanswers>\n{stems}"
    if q.qtype == "ordering":
        settings = "".join(
            f"    <{name}>{q.options[name]}</{name}>\n" for name in ORDERING_SETTINGS
        )
        items = "".join(
            f'    <answer fraction="{n}" format="{FORMAT_NAMES[a.text.format]}">\n'
            f"      <text>{cdata(a.text.value)}</text>\n    </answer>\n"
            for n, a in enumerate(q.answers, start=1)
        )
        return settings + items
    raise qtypes.NotInMoodle(f"Moodle XML has no '{q.qtype}' question")


def xml_question(q: MoodleQuestion) -> tuple[str, list[str]]:
    """One question's XML and what it lost; raises NotInMoodle or NotInCloze."""
    lost = list(q.lost)
    text = q.text
    qtype = {"match": "matching", "multianswer": "cloze"}.get(q.qtype, q.qtype)
    if q.qtype == "multianswer":
        value = text.value
        for number, blank in enumerate(q.blanks, start=1):
            value = value.replace(f"{{#{number}}}", write_blank(blank), 1)
        text = Text(value, text.format)
    out = [
        f'  <question type="{qtype}">\n',
        f"    <name>\n      <text>{cdata(q.name)}</text>\n    </name>\n",
        text_element("questiontext", text),
        text_element("generalfeedback", q.general if q.general else Text("")),
    ]
    if q.qtype != "multianswer":  # a cloze's mark is the sum of its blanks' weights
        out.append(f"    <defaultgrade>{q.mark if q.mark is not None else 1:g}</defaultgrade>\n")
    out += [
        "    <hidden>0</hidden>\n",
        f"    <idnumber>{cdata(q.idnumber)}</idnumber>\n",
    ]
    if q.qtype != "multianswer":
        out.append(_body(q, lost))
    if q.tags:
        tags = "".join(f"      <tag><text>{cdata(t)}</text></tag>\n" for t in q.tags)
        out.append(f"    <tags>\n{tags}    </tags>\n")
    out.append("  </question>\n")
    return "".join(out), lost


def write_moodle_xml(banks: list[dict]) -> Export:
    """Moodle XML for banks in format-v1 data: a category per bank, then its questions."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n']
    report = Export()
    for data in banks:
        header = data["bank"]
        summary = Text(header.get("summary", ""))
        out.append(
            f"  <!-- [order:{header.get('order', 0)}] -->\n"
            '  <question type="category">\n'
            f"    <category>\n      <text>{cdata(category_path(header['title']))}</text>\n"
            "    </category>\n"
            + text_element("info", summary)
            + f"    <idnumber>{cdata(header['id'])}</idnumber>\n  </question>\n"
        )
        out.extend(report.written(data, xml_question, (NotInCloze,)))
    out.append("</quiz>\n")
    report.text = "".join(out)
    return report
