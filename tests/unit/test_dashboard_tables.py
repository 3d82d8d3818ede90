"""The dashboard's tables of scores and forecast, built in Python, are the rows the template
wrote cell by cell under Jinja's autoescape: same markup, every title escaped."""

from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace

from jinja2 import Environment

from quizapp.services.progress import ScorePoint
from quizapp.web.dashboard import dashboard_tables

# The rows as dashboard.html rendered them before they were built in Python.
TEMPLATE_ROWS = Environment(autoescape=True).from_string(
    "{% for p in scores %}<tr><td>{{ p.when.strftime('%Y-%m-%d %H:%M') }}</td>"
    "<td>{{ p.title }}</td><td class=\"text-end\">{{ '%.0f' % p.percent }}%</td></tr>"
    '{% else %}<tr><td colspan="3">No finished attempts yet.</td></tr>{% endfor %}|'
    "{% for day, n in forecast %}<tr><td>{{ day.isoformat() }}</td>"
    '<td class="text-end">{{ n }}</td></tr>{% endfor %}'
)


def board(scores: list[ScorePoint], forecast: list[int]):
    return SimpleNamespace(scores=scores, forecast=forecast, forecast_start=date(2026, 3, 1))


def test_the_tables_are_the_rows_the_template_wrote():
    titles = ["Practice: <b>LLMs</b>", "Quiz \"A\" & 'B'", "<script>alert(1)</script>", ""]
    scores = [
        ScorePoint(i, datetime(2026, 2, 27, 9, i * 7), percent, title)
        for i, (percent, title) in enumerate(zip([0.0, 49.5, 50.5, 100.0], titles, strict=True))
    ]
    for rows, forecast in ((scores, [0, 3, 12]), ([], []), (scores[:1], [7] * 30)):
        tables = dashboard_tables(board(rows, forecast))
        start = date(2026, 3, 1)
        days = [(date.fromordinal(start.toordinal() + i), n) for i, n in enumerate(forecast)]
        expected = TEMPLATE_ROWS.render(scores=rows, forecast=days)
        assert f"{tables['scores']}|{tables['forecast']}" == expected
    assert "<script>" not in dashboard_tables(board(scores, []))["scores"]
