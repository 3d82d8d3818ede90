"""Forms several blueprints share."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from ..vocab import Mode


class CsrfOnlyForm(FlaskForm):
    """Just the CSRF token: what to act on comes from the URL."""


class AttemptFilterForm(FlaskForm):
    """The filter of an attempts list (GET, so no CSRF token)."""

    class Meta:
        csrf = False

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
