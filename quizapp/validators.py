"""Form validators shared by the blueprints."""

from __future__ import annotations

import re

from wtforms.validators import StopValidation, ValidationError


class Between:
    """Like WTForms' NumberRange for whole numbers, without its float conversion, which
    raises OverflowError on a huge integer instead of refusing it."""

    def __init__(self, low: int, high: int):
        self.low, self.high = low, high

    def __call__(self, form, field) -> None:
        if field.data is not None and not self.low <= field.data <= self.high:
            raise ValidationError(f"Number must be between {self.low} and {self.high}.")


MAX_ID = 2**31 - 1  # larger numbers from a URL cannot be ids or pages: treat them as absent


def query_int(args, name: str, default: int | None = None) -> int | None:
    """A whole number from the query string within 0..2^31-1, else `default`."""
    value = args.get(name, type=int)
    return value if value is not None and 0 <= value <= MAX_ID else default


_DIGITS = re.compile(r"[0-9]{1,10}")


def parse_id(text) -> int | None:
    """A whole number as typed in a form or URL (ASCII digits only; "²" or "٣" pass
    str.isdigit but not int()), within 0..2^31-1; None otherwise."""
    if text is None or not _DIGITS.fullmatch(str(text)):
        return None
    value = int(text)
    return value if value <= MAX_ID else None


def finite(form, field) -> None:
    """Refuse NaN and infinities before NumberRange (which raises on a signalling NaN)."""
    if field.data is not None and not field.data.is_finite():
        raise StopValidation("Enter a number.")
