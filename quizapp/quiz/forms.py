"""Forms to start a quiz and to carry the step of an answer page."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    IntegerField,
    RadioField,
    SelectMultipleField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional, ValidationError

from ..ids import parse_id
from ..validators import Between
from ..vocab import Mode
from ..web.forms import CheckboxList


class StartQuizForm(FlaskForm):
    banks = CheckboxList("Banks", description="Leave all unticked to draw from every bank.")
    tags = SelectMultipleField("Topics (optional)", validate_choice=True)
    count = IntegerField(
        "Number of questions", default=10, validators=[InputRequired(), Between(1, 100)]
    )
    mode = RadioField(
        "Mode",
        choices=[
            SelectChoice(
                Mode.PRACTICE, "Practice: see right or wrong and the explanation after each answer"
            ),
            SelectChoice(Mode.EXAM, "Exam: no feedback until you submit; optional time limit"),
        ],
        default=Mode.PRACTICE,
        validators=[InputRequired()],
    )
    time_limit = IntegerField(
        "Time limit in minutes (exam only, optional)",
        validators=[Optional(), Between(1, 300)],
    )

    def validate_time_limit(self, field) -> None:
        if field.data and self.mode.data != Mode.EXAM:
            raise ValidationError("A time limit applies to exams only.")


class RetryForm(FlaskForm):
    count = IntegerField("Questions", default=10, validators=[Optional(), Between(1, 100)])


class StepForm(FlaskForm):
    """The CSRF token and the attempt step; the answer fields are decoded by its question type."""

    step = HiddenField(validators=[InputRequired()])

    def validate_step(self, field) -> None:
        if parse_id(field.data) is None:
            raise ValidationError("This page is out of date; reload it.")
