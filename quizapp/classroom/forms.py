"""Instructors' report forms: the class/assignment filter, and a verdict on one response."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired, Length, Optional, Regexp

from ..web.forms import QueryForm


class ResponseVerdictForm(FlaskForm):
    """An instructor's verdict on one response of the response analysis."""

    part = HiddenField(validators=[Regexp(r"^\d{0,3}$")])  # "" or a blank's number
    response = HiddenField(validators=[InputRequired(), Length(max=500)])
    verdict = HiddenField(validators=[AnyOf(("accept", "reject"))])


class ScopeForm(QueryForm):
    """What it may name is checked by services.classes.scope_for (404 for anything else)."""

    course = SelectField("Class", validators=[Optional()])
    assignment = SelectField("Assignment", validators=[Optional()])

    def offer(self, taught, everyone: str) -> None:
        """Choices: the classes taught, and their quiz assignments grouped by class
        (`taught`: services.classes.taught_choices)."""
        self.course.choices = [SelectChoice("", everyone)] + [
            SelectChoice(str(cid), name + (f" ({term})" if term else ""))
            for cid, name, term in taught.courses
        ]
        self.assignment.choices = [SelectChoice("", "All their attempts")] + [
            SelectChoice(str(quiz.id), quiz.title, optgroup=quiz.course_name)
            for quiz in taught.quizzes
        ]


class OverviewForm(ScopeForm):
    """The class overview's filters: besides the class and assignment, one bank's questions
    and cards, and the days of the attempts and reviews counted."""

    bank = SelectField("Bank", validators=[Optional()])
    since = DateField("From", validators=[Optional()])
    until = DateField("To", validators=[Optional()])

    def offer_banks(self, banks) -> None:
        self.bank.choices = [SelectChoice("", "Every bank")] + [
            SelectChoice(b.slug, b.title) for b in banks
        ]
