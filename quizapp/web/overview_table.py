"""The class overview's table rows, built from the overview service's StudentRows."""

from __future__ import annotations

from markupsafe import Markup, escape

from ..services.overview import StudentRow

NO_STUDENTS = '\n    <tr><td colspan="8">No students yet.</td></tr>\n  '


def _badge_class(badge: str) -> str:
    if "below" in badge:
        return "text-bg-danger"
    return "text-bg-warning" if "overdue" in badge else "text-bg-secondary"


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}%"


def _row(r: StudentRow, folder: str) -> str:
    user = r.user
    name = escape(user.username)
    badges = "".join(
        f' <span class="badge {_badge_class(badge)} behind">{escape(badge)}</span>'
        for badge in r.badges
    )
    active = r.last_active.strftime("%Y-%m-%d") if r.last_active else "—"
    retention = "—"
    if r.retention is not None:
        of = f'<span class="small text-body-secondary">of {r.reviews}</span>'
        retention = f"{100 * r.retention:.0f}% {of}"
    return (
        f'\n    <tr data-student="{name}">\n'
        f'      <th scope="row" class="fw-normal"><a href="{folder}/{user.id}">{name}</a>\n'
        f"        {badges}</th>\n"
        f'      <td class="text-end">{r.attempts}</td>\n'
        f'      <td class="text-end">{_percent(r.average)}</td>\n'
        f'      <td class="text-end">{_percent(r.best)}</td>\n'
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
