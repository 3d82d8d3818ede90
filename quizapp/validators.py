"""Form validators shared by the blueprints."""

from __future__ import annotations

from wtforms.validators import StopValidation, ValidationError

from .ids import MAX_ID, parse_id, query_int  # noqa: F401  (the blueprints import them here)


class Between:
    """Like WTForms' NumberRange for whole numbers, without its float conversion, which
    raises OverflowError on a huge integer instead of refusing it."""

    def __init__(self, low: int, high: int):
        self.low, self.high = low, high

    def __call__(self, form, field) -> None:
        if field.data is not None and not self.low <= field.data <= self.high:
            raise ValidationError(f"Number must be between {self.low} and {self.high}.")


def finite(form, field) -> None:
    """Refuse NaN and infinities before NumberRange (which raises on a signalling NaN)."""
    if field.data is not None and not field.data.is_finite():
        raise StopValidation("Enter a number.")
