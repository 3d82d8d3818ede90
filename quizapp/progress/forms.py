"""The filter form of the attempts list (GET, so no CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional


class AttemptFilterForm(FlaskForm):
    class Meta:
        csrf = False

    bank = SelectField("Bank", validators=[Optional()])
    mode = SelectField(
        "Mode",
        choices=[
            SelectChoice("", "Any"),
            SelectChoice("practice", "Practice"),
            SelectChoice("exam", "Exam"),
        ],
        validators=[Optional()],
    )
    since = DateField("From", validators=[Optional()])
    until = DateField("To", validators=[Optional()])
