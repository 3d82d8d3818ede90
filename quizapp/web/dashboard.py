"""Charts and tables of a dashboard, built from the progress service's plain figures."""

from __future__ import annotations

from datetime import date, timedelta

from markupsafe import Markup, escape

from .. import charts
from ..services.progress import Dashboard


def forecast_rows(board: Dashboard) -> list[tuple[date, int]]:
    return [(board.forecast_start + timedelta(days=i), n) for i, n in enumerate(board.forecast)]


def dashboard_tables(board: Dashboard) -> dict[str, Markup]:
    """The rows of the charts' tables (a row per finished attempt, per forecast day), each
    built in one step rather than cell by cell in the template: a long history has hundreds."""
    scores = "".join(
        f"<tr><td>{p.when.strftime('%Y-%m-%d %H:%M')}</td><td>{escape(p.title)}</td>"
        f'<td class="text-end">{p.percent:.0f}%</td></tr>'
        for p in board.scores
    )
    forecast = "".join(
        f'<tr><td>{day.isoformat()}</td><td class="text-end">{n}</td></tr>'
        for day, n in forecast_rows(board)
    )
    return {
        "scores": Markup(scores or '<tr><td colspan="3">No finished attempts yet.</td></tr>'),
        "forecast": Markup(forecast),
    }


def dashboard_charts(board: Dashboard) -> dict[str, Markup]:
    labels = [p.when.strftime("%d %b") for p in board.scores]
    forecast_labels = [day.strftime("%d %b") for day, _ in forecast_rows(board)]
    # Markup: the chart builders escape every piece of text they put in the SVG.
    return {
        "scores": Markup(
            charts.line_chart(
                "score-chart",
                "Score over time",
                [p.percent for p in board.scores],
                labels,
                board.trend,
            )
        ),
        "heatmap": Markup(
            charts.heatmap(
                "review-heatmap", "Reviews in the past year", board.review_days, board.today_date
            )
        ),
        "forecast": Markup(
            charts.bar_chart(
                "forecast-chart",
                "Cards due in the next 30 days",
                board.forecast,
                forecast_labels,
                legend="bars: cards due each day",
            )
        ),
    }
