"""Item analysis for instructors (issue 20): files named relative to the questions folder and
linked to the bank's authoring page, no judgement on too few responses, the first words of
each prompt, and Moodle's analysis of responses for every question type, within the viewer's
classes and narrowed to one class or assignment."""

from __future__ import annotations

import html
import re

import pytest

from quizapp.extensions import db
from tests.conftest import Auth, load_banks
from tests.factories import (
    enrol,
    exam_with,
    make_course,
    make_quiz_assignment,
    make_user,
    question_id,
    staff_client,
    take_assignment,
    user_named,
)

WRONG = {  # ann's answers; everyone else answers right
    "capital-single": {"answer": "Venus"},
    "even-multiple": {"answer": ["2", "3"]},
    "sky-true-false": {"answer": "false"},
    "order-ordering": {"order-0": "two", "order-1": "one", "order-2": "three", "order-3": "four"},
    "capitals-matching": {"match-0": "Rome", "match-1": "Rome", "match-2": "Madrid"},
    "colour-cloze": {"blank-0": "blue", "blank-1": "red"},
}
ROW = re.compile(
    r'<tr class="response-row( table-success)?" data-response="([^"]*)">(.*?)</tr>', re.S
)
CELL = re.compile(r"<td[^>]*>(.*?)</td>", re.S)


def responses_table(page: str) -> list[dict]:
    """The rows of the analysis of responses: part (if any), response, credit, count,
    frequency and whether the key gives it credit (the highlighted rows)."""
    table = page.split('id="responses-table"')[1].split("</table>")[0]
    with_part = re.search(r"<th[^>]*>(.*?)</th>", table).group(1) != "Response"
    rows = []
    for keyed, response, cells in ROW.findall(table):
        texts = [html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in CELL.findall(cells)]
        part = texts.pop(0) if with_part else ""
        rows.append(
            {
                "part": part,
                "response": html.unescape(response),
                "credit": texts[1],
                "count": int(texts[2]),
                "frequency": texts[3],
                "key": bool(keyed),
            }
        )
    return rows


@pytest.fixture
def answered(editable_app):
    """The writable sample bank, answered in exams by ann (the WRONG answers), bob and cyd."""
    app, _file = editable_app
    exam_with(app, Auth(app.test_client()), "ann", WRONG)
    exam_with(app, Auth(app.test_client()), "bob", {})
    exam_with(app, Auth(app.test_client()), "cyd", {})
    return app


def test_items_name_files_relative_link_them_and_judge_only_with_enough_responses(answered):
    app = answered
    teacher = staff_client(app, "admin")
    page = teacher.get("/class/items?bank=sample-bank").get_data(as_text=True)
    row = page.split('<tr data-question="capital-single">')[1].split("</tr>")[0]
    assert "Which planet is closest to the Sun?" in row  # the start of the prompt
    assert re.search(
        r'<a href="/authoring/banks/sample-bank/#q-capital-single">sample\.yaml, line \d+</a>', row
    )
    assert "n=3: too few to judge" in row and "worth a look" not in page
    assert 'id="flags"' not in page and "broken" not in page

    app.config["ITEM_MIN_RESPONSES"] = 3
    page = teacher.get("/class/items?bank=sample-bank").get_data(as_text=True)
    assert "n=3: too few to judge" not in page
    box = page.split('id="flags"')[1].split("</section>")[0]
    assert "question(s) worth a look" in box and "facility above 95%" in box
    assert 'href="/authoring/banks/sample-bank/#q-pi-numeric">sample.yaml, line' in box
    question = teacher.get(f"/class/questions/{question_id(app, 'pi-numeric')}")
    assert "Worth a look:" in question.get_data(as_text=True)


def test_a_long_prompt_is_cut_near_sixty_characters(editable_app):
    app, file = editable_app
    long = "How far, in millions of kilometres, is the Sun from the Earth on an average day?"
    file.write_text(file.read_text().replace("What is pi to two decimal places?", long))
    load_banks(app, file.parent)
    page = staff_client(app).get("/class/items?bank=sample-bank").get_data(as_text=True)
    row = page.split('<tr data-question="pi-numeric">')[1]
    excerpt = re.search(r'<div class="small text-body-secondary excerpt">(.*?)</div>', row)[1]
    assert excerpt.endswith("…") and len(excerpt) <= 61 and long.startswith(excerpt[:-1])


def test_the_responses_table_counts_options_rows_positions_and_blanks(answered):
    app = answered
    teacher = staff_client(app, "admin")

    def table(slug):
        page = teacher.get(f"/class/questions/{question_id(app, slug)}").get_data(as_text=True)
        return responses_table(page)

    single = table("capital-single")
    assert [(r["response"], r["count"], r["frequency"], r["key"]) for r in single] == [
        ("Mercury", 2, "67%", True),
        ("Venus", 1, "33%", False),
        ("Earth", 0, "0%", False),
        ("Mars", 0, "0%", False),
    ]
    multiple = {r["response"]: r for r in table("even-multiple")}
    assert (multiple["2"]["count"], multiple["2"]["frequency"], multiple["2"]["credit"]) == (
        3, "100%", "50%",
    )  # fmt: skip
    assert (multiple["3"]["count"], multiple["3"]["credit"], multiple["3"]["key"]) == (
        1, "-50%", False,
    )  # fmt: skip
    assert multiple["4"]["key"] and multiple["5"]["count"] == 0
    assert [(r["response"], r["count"]) for r in table("sky-true-false")] == [
        ("True", 2),
        ("False", 1),
    ]
    ordering = table("order-ordering")
    first = [r for r in ordering if r["part"] == "1"]
    assert [(r["response"], r["count"], r["key"], r["credit"]) for r in first] == [
        ("one", 2, True, "100%"),
        ("two", 1, False, "0%"),
    ]
    matching = table("capitals-matching")
    france = [(r["response"], r["count"], r["key"]) for r in matching if r["part"] == "France"]
    assert france == [("Paris", 2, True), ("Rome", 1, False)]
    cloze = {(r["part"], r["response"]): r for r in table("colour-cloze")}
    assert cloze[("1", "blue")]["count"] == 3 and cloze[("1", "blue")]["key"]
    assert cloze[("2", "red")]["credit"] == "0%" and not cloze[("2", "red")]["key"]
    assert [(r["response"], r["count"], r["key"]) for r in table("author-short")] == [
        ("William Shakespeare", 3, True)
    ]
    assert [(r["response"], r["count"], r["credit"]) for r in table("pi-numeric")] == [
        ("3.14", 3, "100%")
    ]
    # A fourth student's wrong typed answers are rows of their own, not highlighted.
    exam_with(app, Auth(app.test_client()), "dan", {
        "pi-numeric": {"answer": "3.2"}, "author-short": {"answer": "Marlowe"},
    })  # fmt: skip
    numeric = table("pi-numeric")
    assert [
        (r["response"], r["count"], r["frequency"], r["credit"], r["key"]) for r in numeric
    ] == [
        ("3.14", 3, "75%", "100%", True),
        ("3.2", 1, "25%", "0%", False),
    ]
    short = {r["response"]: (r["count"], r["credit"], r["key"]) for r in table("author-short")}
    assert short == {"William Shakespeare": (3, "100%", True), "Marlowe": (1, "0%", False)}


def test_the_responses_table_stays_within_the_viewers_classes(editable_app):
    app, _file = editable_app
    crawford = make_user(app, "crawford", "instructor")
    schmidt = make_user(app, "schmidt", "instructor")
    mine, theirs = make_course(app, crawford, "Mine"), make_course(app, schmidt, "Theirs")
    exam_with(app, Auth(app.test_client()), "ann", WRONG)
    exam_with(app, Auth(app.test_client()), "bob", {})
    with app.app_context():
        ann, bob = user_named("ann"), user_named("bob")
        db.session.expunge_all()
    enrol(app, mine, ann)
    enrol(app, theirs, bob)
    assignment = make_quiz_assignment(app, mine)
    take_assignment(app, ann, assignment, answers="right")
    client = app.test_client()
    Auth(client).login("crawford", "correct horse battery")
    single = question_id(app, "capital-single")

    counts = {
        r["response"]: r["count"]
        for r in responses_table(client.get(f"/class/questions/{single}").get_data(as_text=True))
    }
    assert counts == {"Mercury": 1, "Venus": 1, "Earth": 0, "Mars": 0}  # ann twice, never bob
    narrowed = client.get(f"/class/questions/{single}?assignment={assignment}")
    counts = {r["response"]: r["count"] for r in responses_table(narrowed.get_data(as_text=True))}
    assert counts["Mercury"] == 1 and counts["Venus"] == 0
    assert client.get(f"/class/questions/{single}?course={theirs}").status_code == 404
    assert client.get(f"/class/questions/{single}?course={mine}").status_code == 200
