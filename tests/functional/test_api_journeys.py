"""Journeys through the JSON API alone, as a phone app and a CI script would walk them: a
student takes an exam, studies cards and reads their progress; an instructor checks and
imports a bank from CI, and reads the class's results and item analysis as JSON and CSV.
(Accounts and the class are set up beforehand: the API does not make them.)"""

from __future__ import annotations

import csv
import io

from tests.api_client import ApiClient, make_token
from tests.conftest import SAMPLE_BANKS, load_banks
from tests.factories import (
    STAFF_PASSWORD,
    answer_fields,
    enrol,
    items_of,
    make_course,
    make_quiz_assignment,
    make_user,
    sample_counts,
)

BANK = """bank:
  id: api-journey
  title: Journey bank
  summary: A bank imported from CI.
questions:
  - id: boiling
    type: true_false
    prompt: Water boils at 100 °C at sea level.
    answer: true
    explanation: At one atmosphere it does.
  - id: freezing
    type: numeric
    prompt: At how many degrees Celsius does water freeze?
    answer: 0
    explanation: Zero degrees, at one atmosphere.
"""


def rows_of(response) -> list[dict]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def fields_for(app, attempt_id: int, position: int, right: bool = True) -> dict:
    """The answer a student who knows it (or not) would give: the test's oracle."""
    item = next(i for i in items_of(app, attempt_id) if i.position == position)
    return answer_fields(item, right=right)


def test_student_journey(app):
    load_banks(app, SAMPLE_BANKS)
    student = make_user(app, "phone-user")
    api = ApiClient(app, make_token(app, student, "read", "study", name="phone"))
    assert api.get("/me").get_json()["token_name"] == "phone"
    (bank,) = api.get("/banks").get_json()["banks"]
    detail = api.get(f"/banks/{bank['id']}").get_json()
    assert detail["questions"] == sample_counts()["questions"]

    # An exam with a time limit: answer every question, then submit.
    body = {"banks": [bank["id"]], "count": detail["questions"], "mode": "exam",
            "time_limit_minutes": 30}  # fmt: skip
    started = api.post("/quizzes", json=body)
    assert started.status_code == 201
    attempt = started.get_json()
    assert attempt["deadline"] and attempt["questions"] == detail["questions"]
    step = attempt["step"]
    for position in range(attempt["questions"]):
        question = api.get(f"/attempts/{attempt['id']}/questions/{position}").get_json()
        assert question["feedback"] is None and question["fields"]
        values = fields_for(app, attempt["id"], position)
        assert set(values) <= set(question["fields"])
        saved = api.post(
            f"/attempts/{attempt['id']}/questions/{position}/answer",
            json={"step": step, "values": values, "action": "next"},
        )
        assert saved.status_code == 200, saved.get_data(as_text=True)
        step = saved.get_json()["attempt"]["step"]
    state = api.get(f"/attempts/{attempt['id']}").get_json()
    assert all(state["answered"]) and not state["over"]
    assert api.get(f"/attempts/{attempt['id']}/results").status_code == 409  # still running
    assert api.post(f"/attempts/{attempt['id']}/submit").get_json()["over"]
    results = api.get(f"/attempts/{attempt['id']}/results").get_json()
    assert results["score"] == results["max_score"] == detail["questions"]
    assert all(q["feedback"]["verdict"] == "correct" for q in results["questions"])

    # Practice resumes: the same choice twice gives the same attempt.
    practice = api.post("/quizzes", json={"banks": [bank["id"]], "count": 2})
    again = api.post("/quizzes", json={"banks": [bank["id"]], "count": 2})
    assert (practice.status_code, again.status_code) == (201, 200)
    assert again.get_json()["id"] == practice.get_json()["id"] and again.get_json()["resumed"]

    # Study: grade three new cards, undo the last grade, and see the counts move.
    decks = api.get("/decks").get_json()["decks"]
    assert decks[-1]["deck"] == "all" and decks[-1]["new"] == sample_counts()["cards"]
    review = None
    for _ in range(3):
        card = api.get(f"/decks/{bank['id']}/next").get_json()["card"]
        assert card["front_html"] and set(card["intervals"]) == {"again", "hard", "good", "easy"}
        graded = api.post(
            f"/cards/{card['id']}/grade",
            json={"version": card["version"], "rating": "good", "duration_ms": 3000},
        )
        review = graded.get_json()
    undone = api.post(f"/reviews/{review['review_id']}/undo").get_json()
    assert undone["card_id"] == review["card_id"]
    counts = api.get("/decks/all/next").get_json()["counts"]
    assert counts["new"] == sample_counts()["cards"] - 2

    # Progress: the exam's score, the cards studied; the attempts list has both attempts.
    progress = api.get("/progress").get_json()
    assert [s["percent"] for s in progress["scores"]] == [100.0]
    assert progress["reviews_today"] == 2
    listed = api.get("/attempts?mode=exam").get_json()
    assert listed["total"] == 1 and listed["attempts"][0]["score"] == detail["questions"]
    assert api.get("/attempts").get_json()["total"] == 2


def test_instructor_journey(app):
    load_banks(app, SAMPLE_BANKS)
    make_user(app, "ci-teacher", "instructor", STAFF_PASSWORD)
    made = app.test_cli_runner().invoke(
        args=["tokens", "create", "--user", "ci-teacher", "--scope", "author", "--name", "CI"]
    )
    ci = ApiClient(app, made.stdout.strip())

    # CI checks the bank: a mistake is located, then the fixed file passes.
    broken = BANK.replace("answer: 0", "answer: zero")
    files = {"files": [{"name": "journey.yaml", "text": broken}]}
    refused = ci.post("/banks/check", json=files).get_json()
    (error,) = [e for e in refused["errors"] if e["severity"] == "error"]
    assert (error["file"], error["line"]) == ("upload/journey.yaml", 14)
    files["files"][0]["text"] = BANK
    assert ci.post("/banks/check", json=files).status_code == 200

    # Upload, preview, confirm with the preview's state.
    preview = ci.post("/uploads", json=files).get_json()
    assert preview["banks_added"] == ["api-journey"] and len(preview["added"]) == 2
    imported = ci.post(f"/uploads/{preview['id']}/confirm", json={"state": preview["state"]})
    assert imported.get_json()["imported"]
    assert "api-journey" in {b["id"] for b in ci.get("/banks").get_json()["banks"]}

    # The class (set up on the pages) assigns the bank; two students take it via the API.
    teacher = make_user(app, "class-teacher", "instructor", STAFF_PASSWORD)
    course = make_course(app, teacher, "Chemistry")
    assignment = make_quiz_assignment(app, course, banks=["api-journey"], count=2)
    students = [make_user(app, name) for name in ("ana", "ben")]
    enrol(app, course, *students)
    for student, right in zip(students, (True, False), strict=True):
        phone = ApiClient(app, make_token(app, student))
        attempt = phone.post(f"/classes/{course}/assignments/{assignment}/start").get_json()
        for position in range(attempt["questions"]):
            step = phone.get(f"/attempts/{attempt['id']}").get_json()["step"]
            phone.post(
                f"/attempts/{attempt['id']}/questions/{position}/answer",
                json={"step": step, "values": fields_for(app, attempt["id"], position, right)},
            )
        assert phone.post(f"/attempts/{attempt['id']}/submit").status_code == 200

    # The class's instructor reads everything as JSON and CSV; CI's instructor sees nothing
    # of a class they do not teach.
    reader = ApiClient(app, make_token(app, teacher, "author"))
    (taught,) = reader.get("/teaching").get_json()["classes"]
    assert taught["students"] == 2 and taught["assignments"][0]["id"] == assignment
    book = reader.get(f"/teaching/{course}/gradebook").get_json()
    grades = {row["username"]: row["cells"][0]["grade"] for row in book["students"]}
    assert grades == {"ana": 100.0, "ben": 0.0}
    table = rows_of(reader.get(f"/teaching/{course}/gradebook.csv"))
    assert [(r["username"], r["Unit test (%)"]) for r in table] == [("ana", "100.0"),
                                                                   ("ben", "0.0")]  # fmt: skip
    scope = f"course={course}&assignment={assignment}"
    results = reader.get(f"/reports/students?{scope}&sort=average&order=desc").get_json()
    assert [(s["username"], s["best_percent"]) for s in results["students"]] == [
        ("ana", 100.0),
        ("ben", 0.0),
    ]
    assert [r["username"] for r in rows_of(reader.get(f"/reports/students.csv?{scope}"))] == [
        "ana",
        "ben",
    ]
    items = reader.get(f"/reports/items?bank=api-journey&{scope}").get_json()
    assert [(q["key"], q["responses"], q["facility"]) for q in items["questions"]] == [
        ("api-journey/boiling", 2, 50.0),
        ("api-journey/freezing", 2, 50.0),
    ]
    assert items["test"]["attempts"] == 2
    table = rows_of(reader.get(f"/reports/items.csv?bank=api-journey&{scope}"))
    assert [(r["question"], r["facility_percent"]) for r in table] == [
        ("api-journey/boiling", "50.0"),
        ("api-journey/freezing", "50.0"),
    ]
    assert ci.get(f"/teaching/{course}/gradebook").status_code == 404
    assert ci.get(f"/reports/students?course={course}").status_code == 404
