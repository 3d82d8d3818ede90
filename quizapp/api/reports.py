"""Instructors' reads through the API, as JSON and CSV: the classes they teach, a class's
gradebook, their students' results and item analysis. An instructor sees only the students of
the classes they teach (an admin, everyone): the same `classes.scope_for` as the pages."""

from __future__ import annotations

from flask import current_app

from ..csvfiles import csv_text
from ..extensions import db
from ..services import analysis, classes
from ..vocab import CourseRole
from .core import AUTHOR, api, current_user
from .openapi import Csv, Reply
from .problems import ApiProblem
from .schemas.reports import (
    BankTestFigures,
    ClassGradebook,
    GradebookCell,
    GradebookRow,
    ItemAnalysis,
    ItemFigures,
    ItemsQuery,
    ReportScope,
    StudentResult,
    StudentResults,
    StudentsQuery,
    TaughtAssignment,
    TaughtClass,
    TaughtClasses,
)

CSV_REPLY = {200: Reply("A CSV file (UTF-8, a header row)")}


def _assignment(a) -> TaughtAssignment:
    return TaughtAssignment(
        id=a.id, title=a.title, kind=a.kind, opens_at=a.opens_at, due_at=a.due_at,
        closes_at=a.closes_at,
    )  # fmt: skip


@api.operation(
    "GET", "/teaching", tag="reports", scopes=AUTHOR,
    replies={200: Reply("The classes the user teaches", TaughtClasses)},
)  # fmt: skip
def list_taught_classes():
    """The classes the user teaches, with their assignments"""
    user = current_user()
    return TaughtClasses(
        classes=[
            TaughtClass(
                id=course.id,
                name=course.name,
                term=course.term,
                archived=course.archived,
                students=len(classes.members(db.session, course.id, CourseRole.STUDENT)),
                assignments=[_assignment(a) for a in course.assignments],
            )
            for course in classes.taught_courses(db.session, user)
        ]
    )


def _taught(course_id: int):
    course = classes.teaching(db.session, current_user(), course_id)
    if course is None:
        raise ApiProblem(404, "There is no such class among those you teach.")
    return classes.gradebook(db.session, course)


@api.operation(
    "GET", "/teaching/<int:course_id>/gradebook", tag="reports", scopes=AUTHOR,
    replies={200: Reply("Students by assignments", ClassGradebook)},
)  # fmt: skip
def get_gradebook(course_id: int):
    """A class's gradebook: each student's status and grade on each assignment"""
    book = _taught(course_id)
    rows = []
    for student in book.students:
        cells = []
        for assignment in book.assignments:
            mark = book.mark(student.id, assignment.id)
            cells.append(
                GradebookCell(
                    assignment_id=assignment.id,
                    status=mark.status.value,
                    grade=mark.grade,
                    released=mark.released,
                    attempts=len(mark.attempts),
                    goal_done=mark.progress.share if mark.progress is not None else None,
                    overridden=mark.overridden,
                )
            )
        rows.append(GradebookRow(user_id=student.id, username=student.username, cells=cells))
    return ClassGradebook(
        class_id=book.course.id,
        name=book.course.name,
        assignments=[_assignment(a) for a in book.assignments],
        students=rows,
    )


@api.operation(
    "GET", "/teaching/<int:course_id>/gradebook.csv", tag="reports", scopes=AUTHOR,
    replies=CSV_REPLY,
)  # fmt: skip
def get_gradebook_csv(course_id: int):
    """A class's gradebook as CSV (the page's download)"""
    book = _taught(course_id)
    return Csv(classes.gradebook_csv(book), f"class-{book.course.id}-gradebook.csv")


def _scope(query: ReportScope) -> classes.Scope:
    scope = classes.scope_for(db.session, current_user(), query.course, query.assignment)
    if scope is None:
        raise ApiProblem(404, "There is no such class (or assignment of it) among yours.")
    return scope


@api.operation(
    "GET", "/reports/students", tag="reports", scopes=AUTHOR, query=StudentsQuery,
    replies={200: Reply("Each student's figures", StudentResults)}, problems=(404,),
)  # fmt: skip
def student_results(query: StudentsQuery):
    """Students' results: attempts, average and best score, last activity, cards studied

    Of one assignment's attempts when `assignment` is given."""
    scope = _scope(query)
    rows = analysis.class_overview(db.session, query.sort, query.order == "desc", scope)
    return StudentResults(
        course=scope.course_id,
        assignment=scope.assignment_id,
        students=[
            StudentResult(
                user_id=row.user.id,
                username=row.user.username,
                attempts=row.attempts,
                average_percent=row.average,
                best_percent=row.best,
                last_active=row.last_active,
                cards_studied=row.cards,
            )
            for row in rows
        ],
    )


@api.operation(
    "GET", "/reports/students.csv", tag="reports", scopes=AUTHOR, query=ReportScope,
    replies=CSV_REPLY, problems=(404,),
)  # fmt: skip
def student_results_csv(query: ReportScope):
    """Students' results as CSV (the page's download)"""
    return Csv(analysis.class_csv(db.session, _scope(query)), "class-results.csv")


def _analysis(query: ItemsQuery):
    scope = _scope(query)
    report = analysis.bank_analysis(db.session, query.bank, scope)
    if report is None:
        raise ApiProblem(404, "There is no such bank.")
    return scope, report


@api.operation(
    "GET", "/reports/items", tag="reports", scopes=AUTHOR, query=ItemsQuery,
    replies={200: Reply("Item analysis of one bank", ItemAnalysis)}, problems=(404,),
)  # fmt: skip
def item_analysis(query: ItemsQuery):
    """Item analysis of a bank over each student's first try (in scope)"""
    scope, report = _analysis(query)
    test = report.test
    return ItemAnalysis(
        bank=report.bank.slug,
        title=report.bank.title,
        course=scope.course_id,
        assignment=scope.assignment_id,
        test=BankTestFigures(
            attempts=test.attempts,
            slots=report.slots,
            mean=test.mean,
            sd=test.sd,
            alpha=test.alpha,
            error_ratio=test.error_ratio,
            standard_error=test.standard_error,
        ),  # fmt: skip
        questions=[
            ItemFigures(
                key=f"{report.bank.slug}/{q.question.slug}",
                question_id=q.question.id,
                type=q.version.type,
                location=_where(q),
                responses=q.item.responses,
                facility=q.item.facility,
                sd=q.item.sd,
                discrimination=q.item.discrimination,
                efficiency=q.item.efficiency,
                flags=_flags(q),
            )
            for q in report.questions
        ],
    )


ITEM_COLUMNS = [
    "question", "type", "location", "responses", "facility_percent", "sd_percent",
    "discrimination", "efficiency", "flags",
]  # fmt: skip


def _where(question) -> str:
    """The question's file relative to the questions folder, and line: never a server path."""
    return question.location.shown(current_app.config["QUESTIONS_DIR"])


def _flags(question) -> list[str]:
    """Reasons for a look, as the item analysis page gives them (none below its minimum)."""
    return question.item.flags(current_app.config["ITEM_MIN_RESPONSES"])


def _figure(value: float | None) -> str | float:
    return "" if value is None else round(value, 2)


@api.operation(
    "GET", "/reports/items.csv", tag="reports", scopes=AUTHOR, query=ItemsQuery,
    replies=CSV_REPLY, problems=(404,),
)  # fmt: skip
def item_analysis_csv(query: ItemsQuery):
    """Item analysis of a bank as CSV, one row per question"""
    _, report = _analysis(query)
    rows = (
        (
            f"{report.bank.slug}/{q.question.slug}",
            q.version.type,
            _where(q),
            q.item.responses,
            _figure(q.item.facility),
            _figure(q.item.sd),
            _figure(q.item.discrimination),
            _figure(q.item.efficiency),
            "; ".join(_flags(q)),
        )  # fmt: skip
        for q in report.questions
    )
    return Csv(csv_text(ITEM_COLUMNS, rows), f"items-{report.bank.slug}.csv")
