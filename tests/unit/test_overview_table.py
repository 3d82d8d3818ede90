"""The class overview's rows, built in Python, are the rows overview.html wrote cell by cell
under Jinja's autoescape: same markup, every name and badge escaped."""

from __future__ import annotations

from datetime import datetime

from jinja2 import Environment

from quizapp.services.overview import Student, StudentRow
from quizapp.web.overview_table import page_links, sort_headings, student_rows

# The rows as overview.html rendered them before they were built in Python.
TEMPLATE_ROWS = Environment(autoescape=True).from_string(
    """  {% for r in rows %}{% set user = r.user %}
    <tr data-student="{{ user.username }}">
      <th scope="row" class="fw-normal"><a href="{{ students_folder }}/{{ user.id }}">{{ user.username }}</a>
        {% for badge in r.badges %} <span class="badge {{ 'text-bg-danger' if 'below' in badge else 'text-bg-warning' if 'overdue' in badge else 'text-bg-secondary' }} behind">{{ badge }}</span>{% endfor %}</th>
      <td class="text-end">{{ r.attempts }}</td>
      <td class="text-end">{{ '%.0f%%' % r.average if r.average is not none else '—' }}</td>
      <td class="text-end">{{ '%.0f%%' % r.best if r.best is not none else '—' }}</td>
      <td class="text-end">{{ r.last_active.strftime('%Y-%m-%d') if r.last_active else '—' }}</td>
      <td class="text-end">{{ r.cards }}</td>
      <td class="text-end overdue">{{ r.overdue }}</td>
      <td class="text-end retention">{% if r.retention is not none %}{{ '%.0f%%' % (100 * r.retention) }} <span class="small text-body-secondary">of {{ r.reviews }}</span>{% else %}—{% endif %}</td>
    </tr>
  {% else %}
    <tr><td colspan="8">No students yet.</td></tr>
  {% endfor %}"""  # noqa: E501
)


def rows() -> list[StudentRow]:
    names = ["ada", "<script>alert(1)</script>", 'o\'brien & "co"', ""]
    active = [
        datetime(2026, 12, 3, 9, 41),
        None,
        datetime(2025, 1, 2, 23, 59, 59, 999999),
        datetime(2026, 1, 1),
    ]
    badges = [
        [],
        ["inactive 7 days", "average below 50%", "12 overdue cards"],
        ["<b>badge</b>"],
        ["10 overdue cards"],
    ]
    figures = [
        (0, None, None, 0, 0, None, 0),
        (3, 49.5, 50.5, 17, 12, 0.835, 40),
        (1, 100.0, 100.0, 1, 0, 0.0, 3),
        (12, 0.0, 99.96, 250, 10, 1.0, 1),
    ]
    return [
        StudentRow(Student(i + 1, name, cards, when), n, average, best, when, cards, overdue,
                   retention, reviews, badge)  # fmt: skip
        for i, (name, when, badge, (n, average, best, cards, overdue, retention, reviews))
        in enumerate(zip(names, active, badges, figures, strict=True))
    ]  # fmt: skip


def test_the_rows_are_the_rows_the_template_wrote():
    for shown in (rows(), [], rows()[1:2]):
        for folder in ("/class/students", "/x/<&>"):
            expected = TEMPLATE_ROWS.render(rows=shown, students_folder=folder)
            assert f"  {student_rows(shown, folder)}" == expected


def test_names_and_badges_are_escaped():
    html = str(student_rows(rows(), "/class/students"))
    assert "<script>" not in html and "<b>" not in html
    assert 'data-student="&lt;script&gt;alert(1)&lt;/script&gt;"' in html
    assert "o&#39;brien &amp; &#34;co&#34;" in html


# The headings and page links as overview.html's macro and loop wrote them.
TEMPLATE_LINKS = Environment(autoescape=True).from_string(
    """{% macro sortable(key, label, numeric=False) %}
  {% set is_current = sort == key %}
  {% set next_dir = 'asc' if is_current and descending else ('desc' if is_current or numeric else 'asc') %}
  <th scope="col" class="{{ 'text-end' if numeric }}" {% if is_current %}aria-sort="{{ 'descending' if descending else 'ascending' }}"{% endif %}>
    <a href="{{ overview_url(sort=key, dir=next_dir) }}">{{ label }}{% if is_current %} <span aria-hidden="true">{{ '▼' if descending else '▲' }}</span>{% endif %}</a>
  </th>
{% endmacro %}{{ sortable('name', 'Student') }}{{ sortable('attempts', 'Finished attempts', True) }}{{ sortable('average', 'Average', True) }}{{ sortable('best', 'Best', True) }}{{ sortable('last_active', 'Last active', True) }}{{ sortable('cards', 'Cards studied', True) }}{{ sortable('overdue', 'Overdue', True) }}{{ sortable('retention', 'Retention', True) }}|
  {% for n in range(1, pages + 1) %}
    <li class="page-item {% if n == page %}active{% endif %}"><a class="page-link" href="{{ overview_url(sort=sort, dir='desc' if descending else 'asc', page=n) }}" {% if n == page %}aria-current="page"{% endif %}>{{ n }}</a></li>
  {% endfor %}"""  # noqa: E501
)


def link(**args) -> str:
    return "/class/?" + "&".join(
        f"{key}={value}" for key, value in {"bank": "<a&b>", **args}.items()
    )


def test_the_headings_and_page_links_are_what_the_template_wrote():
    for sort in ("name", "overdue", "retention", "nonsense"):
        for descending in (False, True):
            for page, pages in ((1, 1), (2, 4)):
                expected = TEMPLATE_LINKS.render(
                    sort=sort, descending=descending, page=page, pages=pages, overview_url=link
                )
                headings = sort_headings(sort, descending, link)
                pager = page_links(page, pages, link, sort, descending)
                assert f"{headings}|\n  {pager}" == expected
    assert "<a&b>" not in sort_headings("name", False, link)
