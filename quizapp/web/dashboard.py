"""Charts and tables of a dashboard, built from the progress service's plain figures."""

from __future__ import annotations

from datetime import date, timedelta

from markupsafe import Markup

from .. import charts
from ..services.progress import Dashboard


def forecast_rows(board: Dashboard) -> list[tuple[date, int]]:
    return [(board.forecast_start + timedelta(days=i), n) for i, n in enumerate(board.forecast)]


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
