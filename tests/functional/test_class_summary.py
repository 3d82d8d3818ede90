"""The class overview's summary (issue 20): the class average, a histogram of the students'
averages (SVG with a title, a description and a table), per-bank averages, badges for who is
behind, Overdue and Retention columns, and bank and date filters (also in the CSV)."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Bank, Card, User, utcnow
from quizapp.scheduling import REVIEW, Rating
from quizapp.services import overview, retention
from tests.conftest import GIFT_DIR, Auth, load_banks
from tests.factories import exam_with, make_review, make_user, staff_client, user_named

WRONG_EVERYWHERE = {
    "capital-single": {"answer": "Venus"},
    "even-multiple": {"answer": ["3", "5"]},
    "sky-true-false": {"answer": "false"},
    "author-short": {"answer": "Marlowe"},
    "pi-numeric": {"answer": "9"},
    "range-numeric": {"answer": "99"},
    "order-ordering": {"order-0": "four", "order-1": "three", "order-2": "two", "order-3": "one"},
    "capitals-matching": {"match-0": "Lisbon", "match-1": "Lisbon", "match-2": "Lisbon"},
    "colour-cloze": {"blank-0": "red", "blank-1": "red"},
}


def row_of(page: str, username: str) -> str:
    return page.split(f'<tr data-student="{username}">')[1].split("</tr>")[0]


def test_the_summary_badges_and_columns(sample_app):
    app = sample_app
    load_banks(app, GIFT_DIR / "every-construct.gift")
    exam_with(app, Auth(app.test_client()), "ann", {})  # 100%
    exam_with(app, Auth(app.test_client()), "bob", WRONG_EVERYWHERE)  # 0%
    make_user(app, "cyd")  # never active
    # Real time: /class/ counts overdue cards and the last 30 days from the real now. The
    # offsets (30 and 7 days) are far from its cut-offs, and every day here is a UTC day.
    now = utcnow()
    with app.app_context():
        bob = user_named("bob")
        cards = db.session.scalars(
            sa.select(Card.id).join(Bank).where(Bank.slug == "sample-bank").order_by(Card.id)
        ).all()
        db.session.expunge_all()
    for card in cards:  # ten cards learnt a month ago and never seen since: overdue
        make_review(app, bob, card, Rating.GOOD, now=now - timedelta(days=30))
    with app.app_context():  # four reviews of learnt cards last week, one forgotten
        retention.add_reviews(
            db.session,
            [
                {"user_id": bob.id, "card_id": cards[0], "rating": int(rating),
                 "reviewed_at": now - timedelta(days=7), "day": (now - timedelta(days=7)).date(),
                 "state_before": REVIEW, "state_after": REVIEW, "interval_days": 3.0,
                 "before": {}}
                for rating in (Rating.GOOD, Rating.GOOD, Rating.EASY, Rating.AGAIN)
            ],
        )  # fmt: skip
        db.session.commit()
    teacher = staff_client(app, "admin")
    page = teacher.get("/class/").get_data(as_text=True)

    assert '<dd class="fs-3" id="class-average">50%</dd>' in page  # the mean of 100% and 0%
    chart = page.split("<svg")[1].split("</svg>")[0]
    assert '<title id="average-histogram-title">Students by average score</title>' in chart
    assert "2 students&#x27; averages in ranges of ten points: 1 at 0–9%, 1 at 90–100%." in chart
    table = page.split('id="histogram-table"')[1].split("</table>")[0]
    assert re.findall(r'<td class="text-end">(\d+)</td>', table) == ["1"] + ["0"] * 8 + ["1"]
    averages = page.split('id="bank-averages"')[1].split("</table>")[0]
    assert 'data-bank="sample-bank"' in averages and ">50%<" in averages
    assert "gift-sample" not in averages  # nobody answered it

    bob_row = row_of(page, "bob")
    assert "average below 50%" in bob_row and "10 overdue cards" in bob_row
    assert '<td class="text-end overdue">10</td>' in bob_row
    assert "75%" in bob_row.split('class="text-end retention"')[1]
    assert "inactive 7 days" in row_of(page, "cyd") and "behind" not in row_of(page, "ann")
    badges = page.split('id="summary-badges"')[1].split("</ul>")[0]
    assert re.findall(r"</span> (\d+) student", badges) == ["1", "1", "1"]
    assert "Finished attempts" in page


def test_retired_cards_are_not_overdue(sample_app):
    app = sample_app
    load_banks(app, GIFT_DIR / "every-construct.gift")
    bob = make_user(app, "bob")
    with app.app_context():
        cards = db.session.scalars(
            sa.select(Card.id).join(Bank).where(Bank.slug == "sample-bank").order_by(Card.id)
        ).all()
    for card in cards:  # ten cards learnt a month ago and never seen since: overdue
        make_review(app, bob, card, Rating.GOOD, now=utcnow() - timedelta(days=30))
    teacher = staff_client(app, "admin")
    assert '<td class="text-end overdue">10</td>' in row_of(teacher.get("/class/").text, "bob")

    with app.app_context():  # three of them retired: no longer counted, nor the badge
        db.session.execute(
            sa.update(Card).where(Card.id.in_(cards[:3])).values(retired_at=utcnow())
        )
        db.session.commit()
    page = teacher.get("/class/").text
    assert '<td class="text-end overdue">7</td>' in row_of(page, "bob")
    assert "overdue cards" not in row_of(page, "bob")
    badges = page.split('id="summary-badges"')[1].split("</ul>")[0]
    assert re.findall(r"</span> (\d+) student", badges)[2] == "0"


def test_bank_and_date_filters_narrow_the_figures_and_the_csv(sample_app):
    app = sample_app
    load_banks(app, GIFT_DIR / "every-construct.gift")
    exam_with(app, Auth(app.test_client()), "ann", {})
    teacher = staff_client(app, "admin")

    other_bank = teacher.get("/class/?bank=gift-sample").get_data(as_text=True)
    assert '<td class="text-end">0</td>' in row_of(other_bank, "ann")  # no attempt there
    assert '<option selected value="gift-sample">' in other_bank
    this_bank = teacher.get("/class/?bank=sample-bank").get_data(as_text=True)
    assert '<td class="text-end">100%</td>' in row_of(this_bank, "ann")
    long_ago = teacher.get("/class/?until=2000-01-01").get_data(as_text=True)
    assert 'id="class-average">—<' in long_ago
    since = teacher.get("/class/?since=2000-01-01&sort=average&dir=desc").get_data(as_text=True)
    assert 'id="class-average">100%<' in since
    assert "since=2000-01-01" in since.split('id="class"')[1]  # the sort links keep it
    bad = teacher.get("/class/?since=2024-13-40")
    assert bad.status_code == 200 and "It is not used." in bad.get_data(as_text=True)

    rows = list(
        csv.DictReader(
            io.StringIO(teacher.get("/class/export.csv?until=2000-01-01").get_data(as_text=True))
        )
    )
    assert rows[0]["attempts"] == "0" and {"overdue_cards", "retention_percent"} <= set(rows[0])


def test_retention_counts_only_learnt_cards_in_the_window(sample_app, clock):
    app = sample_app
    student = make_user(app, "dee")
    now = clock.now()
    with app.app_context():
        card = db.session.scalar(sa.select(Card.id).limit(1))
        rows = [
            (Rating.AGAIN, 0, 1),  # a new card forgotten: not a review of a learnt card
            (Rating.GOOD, REVIEW, 2),
            (Rating.AGAIN, REVIEW, 40),  # before the last 30 days
        ]
        retention.add_reviews(
            db.session,
            [
                {"user_id": student.id, "card_id": card, "rating": int(rating),
                 "reviewed_at": now - timedelta(days=days), "day": now.date(),
                 "state_before": state, "state_after": REVIEW, "interval_days": 1.0,
                 "before": {}}
                for rating, state, days in rows
            ],
        )  # fmt: skip
        db.session.commit()
        (row,) = overview.class_overview(db.session, now=now)
        assert (row.reviews, row.retention) == (1, 1.0)
        narrowed = overview.OverviewFilter(since=(now - timedelta(days=60)).date())
        (row,) = overview.class_overview(db.session, filters=narrowed, now=now)
        assert (row.reviews, row.retention) == (2, 0.5)


def test_the_table_shows_the_class_a_page_at_a_time_and_the_summary_covers_everyone(sample_app):
    app = sample_app
    teacher = staff_client(app, "admin")
    with app.app_context():  # 52 students: one real account, its hash shared by the others
        first = make_user(app, "s00")
        db.session.add_all(
            User(username=f"s{n:02d}", password_hash=first.password_hash) for n in range(1, 52)
        )
        db.session.commit()

    page = teacher.get("/class/?sort=name&dir=desc").get_data(as_text=True)
    table = page.split('id="class"')[1].split("</table>")[0]
    assert "Students 1–50 of 52" in table
    assert table.count('<tr data-student="') == 50
    assert 'data-student="s51"' in table and 'data-student="s01"' not in table
    assert "2 students&#x27; averages" not in page  # nobody has an attempt: summary of all 52
    assert "52 without a finished attempt" in page
    pages = page.split('id="student-pages"')[1].split("</nav>")[0]
    assert "page=2" in pages and "sort=name" in pages and "dir=desc" in pages

    second = teacher.get("/class/?sort=name&dir=desc&page=2").get_data(as_text=True)
    table = second.split('id="class"')[1].split("</table>")[0]
    assert "Students 51–52 of 52" in table
    assert re.findall(r'<tr data-student="(s\d+)">', table) == ["s01", "s00"]
    assert 'aria-current="page">2<' in second
    beyond = teacher.get("/class/?page=99").get_data(as_text=True)  # the last page, not a 500
    assert "Students 51–52 of 52" in beyond
    assert teacher.get("/class/?page=abc").status_code == 200
