"""Charts and tables of a dashboard, built from the progress service's plain figures."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import NamedTuple

from markupsafe import Markup, escape

from .. import charts
from ..formatting import count_of, day_and_month, minute
from ..services.progress import BankMastery, Dashboard
from ..services.readiness import BankReadiness
from ..services.today import BankState, Plan


def forecast_rows(board: Dashboard) -> list[tuple[date, int]]:
    return [(board.forecast_start + timedelta(days=i), n) for i, n in enumerate(board.forecast)]


def dashboard_tables(board: Dashboard) -> dict[str, Markup]:
    """The rows of the charts' tables (a row per finished attempt, per forecast day), each
    built in one step rather than cell by cell in the template: a long history has hundreds."""
    scores = "".join(
        f"<tr><td>{minute(p.when)}</td><td>{escape(p.title)}</td>"
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
    labels = [day_and_month(p.when) for p in board.scores]
    forecast_labels = [day_and_month(day) for day, _ in forecast_rows(board)]
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


class BankLinks(NamedTuple):
    """Where each bank's row of the dashboard leads, by slug."""

    page: Callable[[str], str]
    study: Callable[[str], str]
    practise: Callable[[str], str]


class Actions(NamedTuple):
    """What the student's own dashboard puts beside each bank: its links, the CSRF field of
    its forms, the retry URL and the size of a one-click quiz."""

    links: BankLinks
    csrf_field: Markup
    retry_url: str
    quiz_size: int


def _meter(right: int, whole: int, what: str, title: str) -> str:
    """A mastery cell: the meter and its text (title escaped already)."""
    return (
        f'<td class="text-nowrap"><meter min="0" max="{max(whole, 1)}" value="{right}" '
        f'aria-label="{what.capitalize()} in {title}" '
        f'aria-valuetext="{escape(count_of(right, whole, what))}"></meter> '
        f'<span aria-hidden="true">{right} of {whole}</span></td>'
    )


def bank_actions(state: BankState, actions: Actions) -> str:
    """One bank's next steps: retry its mistakes, study its cards, practise it."""
    slug, title, links = escape(state.slug), escape(state.title), actions.links
    parts = ['<div class="d-flex flex-wrap gap-1 justify-content-end">']
    if state.mistakes:
        parts.append(
            f'<form method="post" action="{escape(actions.retry_url)}">{actions.csrf_field}'
            f'<input type="hidden" name="bank" value="{slug}">'
            f'<input type="hidden" name="count" value="{min(state.mistakes, actions.quiz_size)}">'
            f'<button class="btn btn-sm btn-outline-danger" type="submit">Retry {state.mistakes}'
            f'<span class="visually-hidden"> mistakes in {title}</span></button></form>'
        )
    if state.deck.total:
        parts.append(
            f'<a class="btn btn-sm btn-outline-primary" href="{escape(links.study(state.slug))}">'
            f'Study {state.deck.total}<span class="visually-hidden"> cards of {title}</span></a>'
        )
    parts.append(
        f'<form method="post" action="{escape(links.practise(state.slug))}">{actions.csrf_field}'
        f'<button class="btn btn-sm btn-outline-secondary" type="submit">Practise'
        f'<span class="visually-hidden"> {title}</span></button></form></div>'
    )
    return "".join(parts)


def mastery_rows(
    mastery: list[BankMastery], plan: Plan | None = None, actions: Actions | None = None
) -> Markup:
    """The rows of the mastery table; with a `plan` and its `actions` (the student's own
    dashboard), each bank's title leads to its page and its next steps close the row. Built
    here in one pass per row, not cell by cell in the template (each row has ~40 parts)."""
    own = plan is not None and actions is not None
    states = {bank.slug: bank for bank in plan.banks} if own else {}
    found = []
    for m in mastery:
        title = escape(m.title)
        state = states.get(m.slug)
        name = f'<a href="{escape(actions.links.page(m.slug))}">{title}</a>' if own else title
        found.append(
            f'<tr data-mastery="{escape(m.slug)}"><th scope="row" class="fw-normal">{name}</th>'
            + _meter(m.questions_right, m.questions, "questions right", title)
            + _meter(m.cards_retained, m.cards, "cards retained", title)
            + (
                f'<td class="text-end">{bank_actions(state, actions) if state else ""}</td>'
                if own
                else ""
            )
            + "</tr>"
        )
    return Markup("".join(found))


NOT_ENOUGH_DATA = '<td class="text-end text-body-secondary" colspan="2">Not enough data yet</td>'


def readiness_rows(readiness: list[BankReadiness]) -> Markup:
    """The rows of the readiness table, built here as mastery_rows are."""
    found = []
    for row in readiness:
        r = row.readiness
        if r.enough_data:
            figures = (
                f'<td class="text-end">{100 * r.expected:.0f}%</td>'
                f"<td>{100 * r.low:.0f}–{100 * r.high:.0f}%</td>"
            )
        else:
            figures = NOT_ENOUGH_DATA
        found.append(
            f'<tr data-bank="{escape(row.slug)}"><th scope="row" class="fw-normal">'
            f'{escape(row.title)}</th>{figures}<td class="text-end">{r.reviewed}/{r.questions}</td>'
            "</tr>"
        )
    return Markup("".join(found))
