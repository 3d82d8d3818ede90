"""The dashboard's tables (scores, forecast, mastery, readiness), built in Python, are the rows
the templates wrote cell by cell under Jinja's autoescape: same markup, every title escaped."""

from __future__ import annotations

import re
from datetime import date, datetime
from types import SimpleNamespace

from jinja2 import Environment
from markupsafe import Markup

from quizapp import memory
from quizapp.formatting import count_of
from quizapp.services.progress import BankMastery, ScorePoint
from quizapp.services.readiness import BankReadiness
from quizapp.services.today import BankState, Plan
from quizapp.study_queue import Deck
from quizapp.web.dashboard import (
    Actions,
    BankLinks,
    dashboard_tables,
    mastery_rows,
    readiness_rows,
)

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


# The mastery and readiness rows as dashboard.html, _bank_actions.html and _readiness.html
# wrote them before they were built in Python (whitespace between tags aside).
TEMPLATE_BANK_ROWS = Environment(autoescape=True)
TEMPLATE_BANK_ROWS.filters["count_of"] = count_of
TEMPLATE_BANK_ROWS = TEMPLATE_BANK_ROWS.from_string(
    """{% for m in mastery %}
      {% set state = plan.bank(m.slug) if plan else none %}
      <tr data-mastery="{{ m.slug }}"><th scope="row" class="fw-normal">{% if plan %}<a href="{{ links.page(m.slug) }}">{{ m.title }}</a>{% else %}{{ m.title }}{% endif %}</th>
        <td class="text-nowrap"><meter min="0" max="{{ [m.questions, 1] | max }}" value="{{ m.questions_right }}" aria-label="Questions right in {{ m.title }}" aria-valuetext="{{ m.questions_right | count_of(m.questions, 'questions right') }}"></meter> <span aria-hidden="true">{{ m.questions_right }} of {{ m.questions }}</span></td>
        <td class="text-nowrap"><meter min="0" max="{{ [m.cards, 1] | max }}" value="{{ m.cards_retained }}" aria-label="Cards retained in {{ m.title }}" aria-valuetext="{{ m.cards_retained | count_of(m.cards, 'cards retained') }}"></meter> <span aria-hidden="true">{{ m.cards_retained }} of {{ m.cards }}</span></td>
        {% if plan %}<td class="text-end"><div class="d-flex flex-wrap gap-1 justify-content-end">
  {% if state.mistakes %}
  <form method="post" action="{{ retry_url }}">
    {{ csrf_field }}<input type="hidden" name="bank" value="{{ state.slug }}"><input type="hidden" name="count" value="{{ [state.mistakes, quiz_size] | min }}">
    <button class="btn btn-sm btn-outline-danger" type="submit">Retry {{ state.mistakes }}<span class="visually-hidden"> mistakes in {{ state.title }}</span></button>
  </form>
  {% endif %}
  {% if state.deck.total %}<a class="btn btn-sm btn-outline-primary" href="{{ links.study(state.slug) }}">Study {{ state.deck.total }}<span class="visually-hidden"> cards of {{ state.title }}</span></a>{% endif %}
  <form method="post" action="{{ links.practise(state.slug) }}">
    {{ csrf_field }}<button class="btn btn-sm btn-outline-secondary" type="submit">Practise<span class="visually-hidden"> {{ state.title }}</span></button>
  </form>
</div></td>{% endif %}</tr>
    {% endfor %}|{% for row in readiness %}
      {% set r = row.readiness %}
      <tr data-bank="{{ row.slug }}"><th scope="row" class="fw-normal">{{ row.title }}</th>
        {% if r.enough_data %}
        <td class="text-end">{{ '%.0f%%' % (100 * r.expected) }}</td><td>{{ '%.0f' % (100 * r.low) }}–{{ '%.0f%%' % (100 * r.high) }}</td>
        {% else %}
        <td class="text-end text-body-secondary" colspan="2">Not enough data yet</td>
        {% endif %}
        <td class="text-end">{{ r.reviewed }}/{{ r.questions }}</td></tr>
    {% endfor %}"""  # noqa: E501
)


def tight(html: str) -> str:
    return re.sub(r">\s+<", "><", re.sub(r"\s*\|\s*", "|", html.strip()))


def test_the_bank_rows_are_the_rows_the_templates_wrote():
    titles = ['Bank "A" & <b>B</b>', "Plain", "<script>alert(1)</script>"]
    slugs = ["bank-a", "plain", "x<y"]
    mastery = [
        BankMastery(slug, title, questions, right, cards, retained)
        for slug, title, (questions, right, cards, retained) in zip(
            slugs, titles, [(12, 5, 9, 3), (0, 0, 0, 0), (31, 31, 4, 4)], strict=True
        )
    ]
    decks = [Deck(slug, title, 2, 1, 0) for slug, title in zip(slugs, titles, strict=True)]
    states = [
        BankState(slugs[0], titles[0], 12, decks[0], answered=9, right=5),
        BankState(slugs[1], titles[1], 0, Deck(slugs[1], titles[1], 0, 0, 0)),
        BankState(slugs[2], titles[2], 31, decks[2], answered=31, right=14),
    ]
    plan = Plan(Deck("all", "All decks", 4, 2, 0), [], states)
    links = BankLinks(*(lambda slug, kind=kind: f"/{kind}/{slug}?a=1&b=2" for kind in "psq"))
    csrf = Markup('<input id="csrf_token" name="csrf_token" type="hidden" value="%s">') % "t<k"
    readiness = [
        BankReadiness(slugs[0], titles[0], memory.readiness([0.9, 0.2, None, 0.7, 0.5, 1.0])),
        BankReadiness(slugs[1], titles[1], memory.readiness([0.9])),
        BankReadiness(slugs[2], titles[2], memory.readiness([0.995, 0.4] * 5, quiz_size=4)),
    ]
    for own in (True, False):
        expected = TEMPLATE_BANK_ROWS.render(
            mastery=mastery, readiness=readiness, plan=plan if own else None, links=links,
            csrf_field=csrf, retry_url="/quiz/retry?x=<1>", quiz_size=10,
        )  # fmt: skip
        actions = Actions(links, csrf, "/quiz/retry?x=<1>", 10) if own else None
        built = mastery_rows(mastery, plan if own else None, actions)
        built = f"{built}|{readiness_rows(readiness)}"
        assert tight(built) == tight(expected)
    assert "<script>" not in mastery_rows(mastery) + readiness_rows(readiness)
