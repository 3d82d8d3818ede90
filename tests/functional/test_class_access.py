"""Privacy between classes: two classes, two instructors, a student in each. Every URL of one
class, opened by the other class's instructor or student, answers 404 and changes nothing; a
student never sees a classmate's name or score; an instructor sees only their own students."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Assignment, AssignmentOverride, Attempt, Course, CourseMember, utcnow
from quizapp.services import classes
from tests.conftest import Auth
from tests.factories import (
    PASSWORD,
    STAFF_PASSWORD,
    enrol,
    make_course,
    make_goal,
    make_quiz_assignment,
    make_user,
    take_assignment,
)


@pytest.fixture
def two_classes(sample_app):
    """Class A (instructor alice, students ophelia and quentin) and class B (instructor bert,
    student rosalind), each with an exam taken by its student, a goal and an override."""
    made = {}
    for teacher, students, name in (
        ("alice", ("ophelia", "quentin"), "A"),
        ("bert", ("rosalind",), "B"),
    ):
        instructor = make_user(sample_app, teacher, "instructor", STAFF_PASSWORD)
        course_id = make_course(sample_app, instructor, name=f"Class {name}")
        members = [make_user(sample_app, student) for student in students]
        enrol(sample_app, course_id, *members)
        # Real time: the pages decide what is open from the real now; two days ahead stays
        # open however long the test runs, whatever the hour.
        assignment = make_quiz_assignment(sample_app, course_id, attempts_allowed=2,
                                          closes_at=utcnow() + timedelta(days=2))  # fmt: skip
        goal = make_goal(sample_app, course_id, due_at=utcnow() + timedelta(days=2))
        attempt = take_assignment(sample_app, members[0], assignment, answers="right")
        with sample_app.app_context():
            row = classes.assignment_in(db.session, course_id, assignment)
            classes.save_override(db.session, row, members[0].id, None, 5, 0)
        made[name] = {"course": course_id, "assignment": assignment, "goal": goal,
                      "attempt": attempt, "student": members[0].id}  # fmt: skip
    return sample_app, made


def urls_of(a: dict, b: dict) -> tuple[list[str], list[tuple[str, dict]]]:
    """Every GET and POST URL of class `a` (with ids of `b` mixed in where a URL could be
    tricked into reaching across)."""
    c, s, t, g, n = a["course"], a["assignment"], a["attempt"], a["goal"], a["student"]
    gets = [
        f"/classes/{c}", f"/classes/{c}/teach", f"/classes/{c}/edit",
        f"/classes/{c}/assignments/{s}", f"/classes/{c}/assignments/{g}",
        f"/classes/{c}/assignments/{s}/teach", f"/classes/{c}/assignments/{s}/edit",
        f"/classes/{c}/assignments/{g}/edit", f"/classes/{c}/assignments/new",
        f"/classes/{c}/goals/new", f"/classes/{c}/gradebook", f"/classes/{c}/gradebook.csv",
        f"/classes/{c}/assignments/{s}/students/{n}", f"/classes/{c}/attempts/{t}",
        f"/quiz/{t}", f"/quiz/{t}/results", f"/quiz/{t}/results.json", f"/quiz/{t}/q/0",
        # Another class's id with this class's rows:
        f"/classes/{b['course']}/assignments/{s}", f"/classes/{b['course']}/attempts/{t}",
        f"/classes/{b['course']}/assignments/{b['assignment']}/students/{n}",
    ]  # fmt: skip
    override = {"closes_at": "", "extra_minutes": "1", "extra_attempts": "1"}
    posts = [
        (f"/classes/{c}/edit", {"name": "Taken", "timezone": "UTC"}),
        (f"/classes/{c}/code", {}), (f"/classes/{c}/archive", {}),
        (f"/classes/{c}/students/{n}/remove", {}),
        (f"/classes/{c}/instructors", {"username": "bert"}),
        (f"/classes/{c}/assignments/new", {"title": "x", "count": "1", "mode": "exam",
                                           "attempts_allowed": "1",
                                           "grading_method": "highest"}),
        (f"/classes/{c}/goals/new", {"title": "x", "deck": "sample-bank", "target": "seen",
                                     "due_at": "2031-01-01T10:00"}),
        (f"/classes/{c}/assignments/{s}/edit", {"title": "Taken"}),
        (f"/classes/{c}/assignments/{s}/start", {}),
        (f"/classes/{c}/assignments/{s}/students/{n}/override", override),
        (f"/classes/{c}/assignments/{s}/students/{n}/override/delete", {}),
        (f"/classes/{c}/attempts/{t}/reopen", {}),
        (f"/classes/{b['course']}/attempts/{t}/reopen", {}),
        (f"/classes/{b['course']}/students/{n}/remove", {}),
        (f"/quiz/{t}/submit", {"step": "1"}),
    ]  # fmt: skip
    return gets, posts


def state(app) -> list:
    """Everything a stray POST could change."""
    with app.app_context():
        return [
            sorted((c.id, c.name, c.join_code, c.archived_at) for c in db.session.scalars(
                sa.select(Course))),
            sorted((m.course_id, m.user_id, m.role) for m in db.session.scalars(
                sa.select(CourseMember))),
            sorted((a.id, a.title, a.course_id) for a in db.session.scalars(sa.select(Assignment))),
            sorted((o.user_id, o.extra_minutes, o.extra_attempts) for o in db.session.scalars(
                sa.select(AssignmentOverride))),
            sorted((a.id, a.status, a.step) for a in db.session.scalars(sa.select(Attempt))),
        ]  # fmt: skip


@pytest.mark.parametrize("outsider", ["bert", "rosalind", "quentin"])
def test_every_url_of_a_class_is_404_from_outside(two_classes, outsider):
    """bert teaches the other class, rosalind studies in it; quentin is a classmate of ophelia
    (class A's instructor pages and ophelia's attempt are not hers either)."""
    app, made = two_classes
    client = app.test_client()
    auth = Auth(client)
    auth.login(outsider, STAFF_PASSWORD if outsider == "bert" else PASSWORD)
    gets, posts = urls_of(made["A"], made["B"])
    if outsider == "quentin":  # her own class's student pages are hers to see
        gets = [url for url in gets if url not in (
            f"/classes/{made['A']['course']}", f"/classes/{made['A']['course']}/assignments/"
            f"{made['A']['assignment']}", f"/classes/{made['A']['course']}/assignments/"
            f"{made['A']['goal']}")]  # fmt: skip
        posts = [p for p in posts if not p[0].endswith("/start")]
    before = state(app)
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url, data in posts:
        assert auth.post(url, data).status_code == 404, url
    assert state(app) == before


def test_staff_reports_name_only_the_instructors_own_students(two_classes):
    app, made = two_classes
    client = app.test_client()
    Auth(client).login("bert", STAFF_PASSWORD)
    for url in (
        "/class/",
        "/class/export.csv",
        "/classes/",
        f"/classes/{made['B']['course']}/teach",
        f"/classes/{made['B']['course']}/gradebook.csv",
        "/class/items?bank=sample-bank",
    ):
        html = client.get(url).get_data(as_text=True)
        assert "ophelia" not in html and "quentin" not in html and "Class A" not in html, url
    a = made["A"]
    for url in (
        f"/class/?course={a['course']}", f"/class/?assignment={a['assignment']}",
        f"/class/items?bank=sample-bank&course={a['course']}",
        f"/class/export.csv?course={a['course']}",
        f"/class/students/{a['student']}", f"/class/students/{a['student']}/attempts",
        f"/class/students/{a['student']}/attempts/{a['attempt']}",
    ):  # fmt: skip
        assert client.get(url).status_code == 404, url
    assert "rosalind" in client.get("/class/").get_data(as_text=True)


def test_admins_see_every_class(two_classes):
    app, made = two_classes
    make_user(app, "root", "admin", STAFF_PASSWORD)
    client = app.test_client()
    Auth(client).login("root", STAFF_PASSWORD)
    listing = client.get("/classes/").get_data(as_text=True)
    assert "Class A" in listing and "Class B" in listing
    for side in made.values():
        assert client.get(f"/classes/{side['course']}/gradebook").status_code == 200
        assert (
            client.get(f"/classes/{side['course']}/attempts/{side['attempt']}").status_code == 200
        )
    everyone = client.get("/class/").get_data(as_text=True)
    assert all(name in everyone for name in ("ophelia", "quentin", "rosalind"))


def test_a_student_never_sees_a_classmates_name_or_score(two_classes):
    app, made = two_classes
    a = made["A"]
    client = app.test_client()
    Auth(client).login("quentin", PASSWORD)
    for url in ("/", "/classes/", f"/classes/{a['course']}",
                f"/classes/{a['course']}/assignments/{a['assignment']}",
                f"/classes/{a['course']}/assignments/{a['goal']}", "/progress/",
                "/progress/attempts"):  # fmt: skip
        html = client.get(url).get_data(as_text=True)
        assert "ophelia" not in html and "100%" not in html.split("<svg")[0], url
        assert "rosalind" not in html and "Class B" not in html, url
