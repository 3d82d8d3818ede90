"""Score history for students, the class and item analysis for instructors, regrading, CSV."""

from __future__ import annotations

import csv
import io
import re

import sqlalchemy as sa

from quizapp.csvfiles import safe_cell
from quizapp.extensions import db
from quizapp.models import Attempt, AttemptItem, User
from quizapp.services import analysis
from quizapp.services.demo import DEMO_PASSWORD
from tests.conftest import (
    DEMO_STUDENTS,
    QUESTIONS,
    SAMPLE_BANKS,
    Auth,
    dispose,
    load_banks,
    make_app,
)
from tests.factories import (
    answer,
    answer_fields,
    items_of,
    question_id,
    sample_counts,
    staff_client,
    start,
    step_of,
)


def demo_student(app) -> User:
    with app.app_context():
        return db.session.scalar(
            sa.select(User).where(User.role == "student").order_by(User.id).limit(1)
        )


def test_demo_is_deterministic_with_a_seed(new_database, migrated_database):
    summaries = []
    for _ in range(2):
        app = make_app(new_database(migrated_database))
        load_banks(app, QUESTIONS)
        result = app.test_cli_runner().invoke(
            args=["demo", "--students", "3", "--days", "10", "--seed", "42"]
        )
        with app.app_context():
            names = db.session.scalars(sa.select(User.username).order_by(User.id)).all()
            scores = db.session.scalars(sa.select(Attempt.score).order_by(Attempt.id)).all()
        summaries.append((result.output, names, scores))
        dispose(app)
    assert summaries[0] == summaries[1]


def test_demo_needs_banks(runner):
    result = runner.invoke(args=["demo", "--students", "2"])
    assert result.exit_code != 0 and "No questions loaded" in result.output


def test_student_dashboard_has_charts_with_text_alternatives(demo_app):
    student = demo_student(demo_app)
    client = demo_app.test_client()
    Auth(client).login(student.username, DEMO_PASSWORD)
    response = client.get("/progress/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for chart in ("score-chart", "review-heatmap", "forecast-chart"):
        assert '<svg xmlns="http://www.w3.org/2000/svg"' in html
        assert f'id="{chart}"' in html and f'id="{chart}-title"' in html
        assert f'aria-labelledby="{chart}-title {chart}-desc"' in html
    assert 'class="trend"' in html  # the score trend line
    assert 'id="scores-table"' in html and 'id="forecast-table"' in html
    assert html.count("<meter") == 2 * 10  # two per bank
    assert "<script" not in html.split("</main>")[0].split("<main")[1]
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"


def test_attempts_list_filters_and_pages(demo_app):
    student = demo_student(demo_app)
    client = demo_app.test_client()
    Auth(client).login(student.username, DEMO_PASSWORD)
    html = client.get("/progress/attempts").get_data(as_text=True)
    total = int(re.search(r"(\d+) attempt\(s\)", html).group(1))
    assert total >= 1
    exams = client.get("/progress/attempts?mode=exam").get_data(as_text=True)
    practice = client.get("/progress/attempts?mode=practice").get_data(as_text=True)
    count = lambda page: int(re.search(r"(\d+) attempt\(s\)", page).group(1))  # noqa: E731
    assert count(exams) + count(practice) == total
    future = client.get("/progress/attempts?since=2999-01-01").get_data(as_text=True)
    assert count(future) == 0
    bad = client.get("/progress/attempts?since=yesterday")
    assert bad.status_code == 422 and "Not a valid date" in bad.get_data(as_text=True)


def test_csv_downloads_hold_attempts_answers_and_reviews(demo_app):
    student = demo_student(demo_app)
    client = demo_app.test_client()
    Auth(client).login(student.username, DEMO_PASSWORD)
    attempts = client.get("/progress/export/attempts.csv")
    assert attempts.headers["Content-Disposition"] == 'attachment; filename="my-attempts.csv"'
    rows = list(csv.DictReader(io.StringIO(attempts.get_data(as_text=True))))
    with demo_app.app_context():
        answers = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(AttemptItem)
            .join(Attempt)
            .where(Attempt.user_id == student.id)
        )
    assert len(rows) == answers
    assert {"attempt_id", "question", "response", "points"} <= set(rows[0])
    reviews = list(
        csv.DictReader(
            io.StringIO(client.get("/progress/export/reviews.csv").get_data(as_text=True))
        )
    )
    assert reviews and {r["rating"] for r in reviews} <= {"again", "hard", "good", "easy"}


def test_csv_cells_cannot_become_formulas(sample_app, client, auth):
    assert safe_cell("=1+1") == "'=1+1" and safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("-2") == "'-2" and safe_cell("plain") == "plain" and safe_cell(None) == ""
    auth.register("sneaky")
    attempt = start(auth)
    short = next(i for i in items_of(sample_app, attempt) if i.version.type == "short")
    answer(auth, sample_app, attempt, short.position, {"answer": '=HYPERLINK("http://x")'})
    text = client.get("/progress/export/attempts.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    cells = [cell for row in rows for cell in row.values()]
    assert any("HYPERLINK" in cell for cell in cells)
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)


def test_students_cannot_reach_the_class_pages(demo_app):
    student = demo_student(demo_app)
    client = demo_app.test_client()
    Auth(client).login(student.username, DEMO_PASSWORD)
    for url in (
        "/class/",
        f"/class/students/{student.id}",
        f"/class/students/{student.id}/attempts",
        "/class/items",
        "/class/export.csv",
        "/class/questions/1",
    ):
        assert client.get(url).status_code == 403, url
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").get_data(as_text=True))
    regrade = client.post("/class/questions/1/regrade", data={"csrf_token": token.group(1)})
    assert regrade.status_code == 403
    assert demo_app.test_client().get("/class/").status_code == 302  # anonymous: log in


def test_admin_overview_sorts_and_drills_down(demo_app):
    client = staff_client(demo_app, role="admin")  # an admin sees every student
    html = client.get("/class/?sort=average&dir=desc").get_data(as_text=True)
    assert 'aria-sort="descending"' in html
    table = html.split('id="class"')[1].split("</table>")[0]
    averages = [
        int(v)
        for v in re.findall(r'<td class="text-end">(\d+)%</td>\s*<td class="text-end">\d+%', table)
    ]
    assert averages == sorted(averages, reverse=True) and len(averages) == DEMO_STUDENTS
    student = demo_student(demo_app)
    dashboard = client.get(f"/class/students/{student.id}").get_data(as_text=True)
    assert f"Progress of {student.username}" in dashboard and 'id="score-chart"' in dashboard
    listing = client.get(f"/class/students/{student.id}/attempts").get_data(as_text=True)
    attempt_id = re.search(rf"/class/students/{student.id}/attempts/(\d+)", listing).group(1)
    results = client.get(f"/class/students/{student.id}/attempts/{attempt_id}")
    assert results.status_code == 200 and "Results" in results.get_data(as_text=True)
    with demo_app.app_context():
        teacher = db.session.scalar(sa.select(User).where(User.username == "teacher"))
    assert client.get(f"/class/students/{teacher.id}").status_code == 404  # not a student
    exported = list(
        csv.DictReader(io.StringIO(client.get("/class/export.csv").get_data(as_text=True)))
    )
    assert len(exported) == DEMO_STUDENTS and {"username", "average_percent"} <= set(exported[0])


def test_item_analysis_flags_link_to_file_and_line(demo_app):
    client = staff_client(demo_app, role="admin")
    html = client.get("/class/items?bank=surge-of-chinese-llms").get_data(as_text=True)
    assert 'id="test-stats"' in html and "Cronbach" in html
    rows = re.findall(r'<tr data-question="([^"]+)"', html)
    assert len(rows) >= 24
    # Named relative to the questions folder, linked to the bank's authoring page.
    assert re.search(
        r'<a href="/authoring/banks/surge-of-chinese-llms/#q-[\w-]+">'
        r"01-surge-of-chinese-llms\.yaml, line \d+</a>",
        html,
    )
    assert client.get("/class/items?bank=nope").status_code == 404


def test_regrade_after_fixing_a_key(sample_app, client, auth, tmp_path):
    auth.register("pupil")
    attempt = start(auth)
    items = items_of(sample_app, attempt)
    for item in items:
        fields = answer_fields(item)
        if item.question.slug == "capital-single":
            fields = {"answer": "Venus"}  # "wrong" under the first key
        answer(auth, sample_app, attempt, item.position, fields)
    auth.post(f"/quiz/{attempt}/submit", {"step": str(step_of(sample_app, attempt))})
    fixed = tmp_path / "banks"
    fixed.mkdir()
    text = (
        (SAMPLE_BANKS / "sample.yaml").read_text().replace("answer: Mercury\n", "answer: Venus\n")
    )
    (fixed / "sample.yaml").write_text(text)
    load_banks(sample_app, fixed)

    teacher = staff_client(sample_app)
    question = question_id(sample_app, "capital-single")
    page = teacher.get(f"/class/questions/{question}").get_data(as_text=True)
    assert "1 answer(s) were graded with an earlier version" in page
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    done = teacher.post(f"/class/questions/{question}/regrade", data={"csrf_token": token})
    assert done.status_code == 302
    with sample_app.app_context():
        regraded = db.session.get(Attempt, attempt)
        total = sample_counts()["questions"]
        assert (regraded.original_score, regraded.score) == (total - 1, total)
    results = client.get(f"/quiz/{attempt}/results").get_data(as_text=True)
    assert "regraded" in results and "0 point(s) before, 1 now" in results
    again = teacher.post(f"/class/questions/{question}/regrade", data={"csrf_token": token})
    assert again.status_code == 302
    with sample_app.app_context():
        assert db.session.get(Attempt, attempt).score == total  # nothing left to regrade


def test_item_analysis_counts_only_each_students_first_try(sample_app, auth):
    auth.register("twice")
    attempts = []
    for _ in range(2):
        attempt = start(auth)
        auth.post(f"/quiz/{attempt}/submit", {"step": str(step_of(sample_app, attempt))})
        attempts.append(attempt)
    with sample_app.app_context():
        flags = {
            attempt_id: {
                item.first_try
                for item in db.session.scalars(
                    sa.select(AttemptItem).where(AttemptItem.attempt_id == attempt_id)
                )
            }
            for attempt_id in attempts
        }
        report = analysis.bank_analysis(db.session, "sample-bank")
    assert flags == {attempts[0]: {True}, attempts[1]: {False}}
    assert {q.item.responses for q in report.questions} == {1}
