"""The class overview's table rows, built from the overview service's StudentRows."""

from __future__ import annotations

from markupsafe import Markup, escape

from ..formatting import iso_day
from ..services.overview import StudentRow

NO_STUDENTS = '\n    <tr><td colspan="8">No students yet.</td></tr>\n  '


def _badge_class(badge: str) -> str:
    if "below" in badge:
        return "text-bg-danger"
    return "text-bg-warning" if "overdue" in badge else "text-bg-secondary"


def _row(r: StudentRow, folder: str) -> str:
    user = r.user
    name = escape(user.username)
    badges = (
        "".join(
            f' <span class="badge {_badge_class(badge)} behind">{escape(badge)}</span>'
            for badge in r.badges
        )
        if r.badges
        else ""
    )
    active = iso_day(r.last_active) if r.last_active else "—"
    retention = "—"
    if r.retention is not None:
        of = f'<span class="small text-body-secondary">of {r.reviews}</span>'
        retention = f"{100 * r.retention:.0f}% {of}"
    average = "—" if r.average is None else f"{r.average:.0f}%"
    best = "—" if r.best is None else f"{r.best:.0f}%"
    return (
        f'\n    <tr data-student="{name}">\n'
        f'      <th scope="row" class="fw-normal"><a href="{folder}/{user.id}">{name}</a>\n'
        f"        {badges}</th>\n"
        f'      <td class="text-end">{r.attempts}</td>\n'
        f'      <td class="text-end">{average}</td>\n'
        f'      <td class="text-end">{best}</td>\n'
        f'      <td class="text-end">{active}</td>\n'
        f'      <td class="text-end">{r.cards}</td>\n'
        f'      <td class="text-end overdue">{r.overdue}</td>\n'
        f'      <td class="text-end retention">{retention}</td>\n'
        "    </tr>\n  "
    )


def student_rows(rows: list[StudentRow], students_folder: str) -> Markup:
    """The rows as overview.html wrote them cell by cell (the same markup, every name and
    badge escaped): fifty rows of eight cells were most of the page's escaping."""
    folder = escape(students_folder)
    return Markup("".join(_row(r, folder) for r in rows) or NO_STUDENTS)


# The table's columns: sort key, heading, numeric (sorted high to low first, right-aligned).
COLUMNS = (
    ("name", "Student", False),
    ("attempts", "Finished attempts", True),
    ("average", "Average", True),
    ("best", "Best", True),
    ("last_active", "Last active", True),
    ("cards", "Cards studied", True),
    ("overdue", "Overdue", True),
    ("retention", "Retention", True),
)


def _heading(key: str, label: str, numeric: bool, sort: str, descending: bool, link) -> str:
    """One column heading: a link sorting by it (the other way round when it is the sort)."""
    current = sort == key
    next_dir = "asc" if current and descending else ("desc" if current or numeric else "asc")
    aria = ""
    arrow = ""
    if current:
        aria = f'aria-sort="{"descending" if descending else "ascending"}"'
        arrow = f' <span aria-hidden="true">{"▼" if descending else "▲"}</span>'
    return (
        f'\n  \n  \n  <th scope="col" class="{"text-end" if numeric else ""}" {aria}>\n'
        f'    <a href="{escape(link(sort=key, dir=next_dir))}">{label}{arrow}</a>\n  </th>\n'
    )


def sort_headings(sort: str, descending: bool, link) -> Markup:
    """The column headings as overview.html's `sortable` macro wrote them; `link(**args)` is
    the overview's URL with those query arguments (escaped here)."""
    return Markup("".join(_heading(*column, sort, descending, link) for column in COLUMNS))


def page_links(page: int, pages: int, link, sort: str, descending: bool) -> Markup:
    """The pagination's items, one per page, the current one marked."""
    direction = "desc" if descending else "asc"
    items = []
    for n in range(1, pages + 1):
        active, aria = ("active", 'aria-current="page"') if n == page else ("", "")
        href = escape(link(sort=sort, dir=direction, page=n))
        items.append(
            f'\n    <li class="page-item {active}"><a class="page-link" href="{href}" {aria}>'
            f"{n}</a></li>\n  "
        )
    return Markup("".join(items))
