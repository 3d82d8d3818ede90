"""No chart clips a label, at any date: measured by Chromium (each text's box inside its SVG's
view box) at a phone's size and a desktop's, on dates that put a month's start in the last
column, both on a dashboard of `quizapp demo --until` data and on the charts drawn directly."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

import quizapp
from quizapp import charts
from quizapp.extensions import db
from quizapp.models import Attempt, User
from quizapp.services.demo import DEMO_PASSWORD
from tests.browser.helpers import log_in
from tests.conftest import QUESTIONS, load_banks

pytestmark = pytest.mark.browser

SIZES = {"phone": (390, 844), "desktop": (1280, 900)}
APP_CSS = Path(quizapp.__file__).parent / "static" / "css" / "app.css"

# Every text of every chart whose box leaves its SVG's view box.
CLIPPED = """() => [...document.querySelectorAll("svg.chart, svg.chart-heat, svg[role=img]")]
  .flatMap((svg) => {
    const view = svg.viewBox.baseVal;
    return [...svg.querySelectorAll("text")].map((text) => {
      const box = text.getBBox();
      return {chart: svg.id, text: text.textContent, left: box.x, right: box.x + box.width,
              top: box.y, bottom: box.y + box.height, width: view.width, height: view.height};
    });
  })
  .filter((t) => t.left < -0.5 || t.top < -0.5 || t.right > t.width + 0.5
                 || t.bottom > t.height + 0.5)"""


@pytest.fixture(params=list(SIZES))
def sized_page(request, page):
    width, height = SIZES[request.param]
    page.set_viewport_size({"width": width, "height": height})
    return page


def test_the_dashboard_of_a_history_ending_on_a_months_first_day(app, live_server, sized_page):
    load_banks(app, QUESTIONS)
    until = "2025-12-01"  # the score chart's last label is "01 Dec", at its right edge
    args = ["demo", "--students", "2", "--days", "45", "--seed", "5", "--until", until]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    with app.app_context():
        # The student whose last quiz is latest: the last point of their chart is on 1 December.
        name = db.session.scalar(
            sa.select(User.username)
            .join(Attempt, Attempt.user_id == User.id)
            .where(User.role == "student", Attempt.submitted_at.is_not(None))
            .order_by(Attempt.submitted_at.desc(), User.id)
            .limit(1)
        )
    log_in(sized_page, live_server, name, DEMO_PASSWORD)
    sized_page.goto(live_server + "/progress/")
    labels = sized_page.locator("#score-chart text").all_text_contents()
    assert "01 Dec" in labels, labels
    assert sized_page.evaluate(CLIPPED) == []


def month_in_last_column(end: date) -> bool:
    """Whether a month starts in the heatmap's last column (the week of `end`)."""
    monday = end - timedelta(days=end.weekday())
    return any((monday + timedelta(days=i)).day == 1 for i in range(7))


def test_charts_drawn_for_every_day_of_a_month_start_keep_their_labels(sized_page):
    ends = [date(2026, 12, 1) + timedelta(days=i) for i in range(7)]
    ends += [date(2027, 3, 1), date(2027, 5, 31)]
    assert sum(map(month_in_last_column, ends)) >= 7
    pieces = []
    for n, end in enumerate(ends):
        days = [end - timedelta(days=29 - i) for i in range(30)]
        labels = [day.strftime("%d %b") for day in days]
        pieces.append(charts.heatmap(f"heat-{n}", "Reviews", {end: 3}, end))
        pieces.append(
            charts.line_chart(f"line-{n}", "Scores", [40.0 + i for i in range(30)], labels)
        )
        pieces.append(charts.bar_chart(f"bar-{n}", "Due", list(range(30)), labels, legend="due"))
    css = APP_CSS.read_text(encoding="utf-8")
    sized_page.set_content(
        f"<!doctype html><html><head><style>{css}</style></head><body>"
        + "".join(f"<div>{piece}</div>" for piece in pieces)
        + "</body></html>"
    )
    assert sized_page.locator("svg text").count() > 9 * 4
    assert sized_page.evaluate(CLIPPED) == []
