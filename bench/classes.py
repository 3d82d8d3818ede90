"""How the class pages grow with a class's size: fill a database with `quizapp demo` (two
classes; about 60% of the students in the first) at growing sizes and time what the pages
read. Prints numbers; asserts nothing.

    .venv/bin/python bench/classes.py                  # SQLite file in a temporary folder
    .venv/bin/python bench/classes.py --sizes 30,300 --database-url postgresql+psycopg://...

Target (printed beside each figure): under 100 ms for a class's pages, 20 ms for a student's.
"""

from __future__ import annotations

import argparse

import sqlalchemy as sa
from benchdb import app_with_banks, median_ms

TARGETS = {"class": 100.0, "student": 20.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="30,150,600", help="students at each step (cumulative)")
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    app = app_with_banks("classes", args.database_url)
    from quizapp.extensions import db
    from quizapp.models import Course, CourseMember, User
    from quizapp.services import analysis, classes, demo, review

    with app.app_context():
        session, have = db.session, 0
        for step, students in enumerate(int(s) for s in args.sizes.split(",")):
            demo.generate(session, students - have, args.days, seed=2000 + step)
            have = students
            size = sa.func.count(CourseMember.id)
            course_id, members = session.execute(
                sa.select(CourseMember.course_id, size)
                .where(CourseMember.role == "student")
                .group_by(CourseMember.course_id)
                .order_by(size.desc())
                .limit(1)
            ).one()
            course = session.get(Course, course_id)
            instructor = classes.members(session, course.id, "instructor")[0]
            student = classes.members(session, course.id, "student")[0]
            quiz = next(a for a in course.assignments if a.is_quiz)
            scope = classes.scope_for(session, instructor, course.id, quiz.id)
            session.expire_all()
            queries = {
                ("class", "gradebook"): lambda c=course: classes.gradebook(session, c),
                ("class", "gradebook CSV"): lambda c=course: classes.gradebook_csv(
                    classes.gradebook(session, c)
                ),
                ("class", "overview, one assignment"): lambda s=scope: analysis.class_overview(
                    session, "average", True, s
                ),
                ("class", "item analysis, one assignment"): lambda s=scope, q=quiz: (
                    analysis.bank_analysis(session, q.banks[0], s)
                ),
                ("student", "my classes"): lambda u=student: classes.student_classes(session, u),
                ("student", "due next (home)"): lambda u=student: classes.due_next(session, u),
                ("student", "hidden attempts"): lambda u=student: review.hidden_attempt_ids(
                    session, u
                ),
            }
            users = session.scalar(sa.select(sa.func.count()).select_from(User))
            print(f"{students:>6} students ({users} accounts); largest class {members} students,"
                  f" {len(course.assignments)} assignments", flush=True)  # fmt: skip
            for (kind, name), query in queries.items():
                ms = median_ms(query, repeat=5)
                flag = "ok" if ms < TARGETS[kind] else "over target"
                print(f"    {name:<32} {ms:8.1f} ms   {flag}", flush=True)


if __name__ == "__main__":
    main()
