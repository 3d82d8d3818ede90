"""Study forms: grading a card, card actions, and the per-user settings."""

from __future__ import annotations

from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional

from ..scheduling import RETENTION_RANGE, time_zones
from ..validators import Between, finite


class PostedForm(FlaskForm):
    """The fields of a POST whose CSRF token CSRFProtect has checked before the view (as it
    checks every POST but the API's): the form's own check would pass at once, and without it
    the form signs no new token for a reply that shows none (a grade's JSON)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, meta={"csrf": False}, **kwargs)


class GradeForm(PostedForm):
    card_id = HiddenField(validators=[InputRequired()])
    version = HiddenField(validators=[InputRequired()])
    rating = IntegerField(validators=[InputRequired(), Between(1, 4)])
    duration_ms = IntegerField(validators=[Optional(), Between(0, 10**9)])


class UndoForm(PostedForm):
    review_id = IntegerField(validators=[InputRequired()])


# Decimal bounds: Decimal("0.97") is above the float 0.97.
RETENTION_CHECKS = [
    InputRequired(),
    finite,
    NumberRange(*(Decimal(str(b)) for b in RETENTION_RANGE)),
]


class RetentionForm(FlaskForm):
    """Pick a desired retention from the workload table."""

    desired_retention = DecimalField("Desired retention", places=2, validators=RETENTION_CHECKS)


class SettingsForm(FlaskForm):
    desired_retention = DecimalField(
        "Desired retention",
        places=2,
        validators=RETENTION_CHECKS,
        description="The chance of remembering a card when it comes due: 0.70 to 0.97. Higher "
        "means more reviews. Changing it reschedules your cards.",
    )
    new_per_day = IntegerField("New cards per day", validators=[InputRequired(), Between(0, 9999)])
    reviews_per_day = IntegerField(
        "Reviews per day", validators=[InputRequired(), Between(0, 99999)]
    )
    timezone = SelectField(
        "Time zone",
        description="Your study day starts at 04:00 in this time zone.",
        validators=[InputRequired()],
    )
    learning_steps = BooleanField("Use learning steps (1 and 10 minutes) for new and lapsed cards")
    two_buttons = BooleanField(
        "Grade with two buttons: Again (still learning) and Good (know it)",
        description="Instead of Again, Hard, Good and Easy. The schedule works the same way; "
        "only the Hard and Easy buttons go.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = [SelectChoice(name) for name in sorted(time_zones())]


class DeckLimitForm(Form):
    """One deck's row of the deck limits form (a part of DeckLimitsForm, which has the CSRF)."""

    deck = HiddenField(validators=[InputRequired()])
    new_per_day = IntegerField("New cards per day", validators=[Optional(), Between(0, 9999)])
    reviews_per_day = IntegerField("Reviews per day", validators=[Optional(), Between(0, 99999)])


class DeckLimitsForm(FlaskForm):
    decks = FieldList(FormField(DeckLimitForm), max_entries=1000)
