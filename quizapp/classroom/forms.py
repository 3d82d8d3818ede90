"""The filter of the instructors' reports: one class they teach, one of its assignments."""

from __future__ import annotations

from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from ..web.forms import QueryForm


class ScopeForm(QueryForm):
    """What it may name is checked by services.classes.scope_for (404 for anything else)."""

    course = SelectField("Class", validators=[Optional()])
    assignment = SelectField("Assignment", validators=[Optional()])

    def offer(self, courses, everyone: str) -> None:
        """Choices: the classes taught, and their quiz assignments grouped by class."""
        self.course.choices = [SelectChoice("", everyone)] + [
            SelectChoice(str(c.id), c.name + (f" ({c.term})" if c.term else "")) for c in courses
        ]
        self.assignment.choices = [SelectChoice("", "All their attempts")] + [
            SelectChoice(str(a.id), a.title, optgroup=c.name)
            for c in courses
            for a in c.assignments
            if a.is_quiz
        ]
