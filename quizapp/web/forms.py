"""Forms several blueprints share."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, SelectMultipleField, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from ..vocab import Mode


class CheckboxList(SelectMultipleField):
    """A multiple choice shown as tick boxes (the start and assignment forms' banks)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class CsrfOnlyForm(FlaskForm):
    """Just the CSRF token: what to act on comes from the URL."""


class QueryForm(FlaskForm):
    """A form sent with GET (a filter): no CSRF token, nothing changes."""

    class Meta:
        csrf = False


class AttemptFilterForm(QueryForm):
    """The filter of an attempts list."""

    bank = SelectField("Bank", validators=[Optional()])
    mode = SelectField(
        "Mode",
        choices=[
            SelectChoice("", "Any"),
            SelectChoice(Mode.PRACTICE, "Practice"),
            SelectChoice(Mode.EXAM, "Exam"),
        ],
        validators=[Optional()],
    )
    since = DateField("From", validators=[Optional()])
    until = DateField("To", validators=[Optional()])
    # Off: practice discarded, abandoned or idle past ABANDON_PRACTICE_DAYS is left out.
    show_abandoned = BooleanField("Show abandoned and discarded practice")
