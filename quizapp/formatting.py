"""Numbers as people write them on a results page: "0.33 of 1 point", "11 of 31 questions
right (35%)", "about 4 min left". Pure: no Flask, no database."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta


def points(value: float, out_of: float | None = None) -> str:
    """A mark to two decimals at most, without trailing zeros ("0.33", "1", "2.5"). Given the
    maximum, a mark short of it never rounds up to it (0.999 of 1 reads "0.99", not "1")."""
    rounded = round(value + 0.0, 2)
    if out_of is not None and value < out_of - 1e-9 and rounded >= out_of:
        rounded = math.floor(value * 100) / 100
    text = f"{rounded:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def out_of(value: float, maximum: float, unit: str = "point") -> str:
    """ "0.33 of 1 point", "2 of 3 points"."""
    plural = "" if math.isclose(maximum, 1) else "s"
    return f"{points(value, maximum)} of {points(maximum)} {unit}{plural}"


def percent(part: float, whole: float) -> int:
    """A share as a whole percent (0 when there is nothing to share)."""
    return round(100 * part / whole) if whole else 0


def pct(value: float | None) -> str:
    """A figure already in percent, whole: "42%", or "—" for none (as _figures.html's pct)."""
    return "—" if value is None else f"{value:.0f}%"


def count_of(part: int, whole: int, what: str) -> str:
    """ "11 of 31 questions right (35%)": what a meter says to a screen reader."""
    return f"{part} of {whole} {what} ({percent(part, whole)}%)"


def time_left(remaining: timedelta) -> str:
    """The time left of an exam in words, as a page shows it before its script counts down:
    "about 4 min left", "less than a minute left"."""
    seconds = max(0, int(remaining.total_seconds()))
    if seconds < 60:
        return "less than a minute left"
    minutes = round(seconds / 60)
    if minutes < 120:
        return f"about {minutes} min left"
    hours, minutes = divmod(minutes, 60)
    return f"about {hours} h {minutes:02d} min left"


def warning_seconds(limit: timedelta) -> int:
    """When an exam's timer turns to a warning: the last minute, or the last fifth of a
    shorter exam (so a one-minute exam does not start red)."""
    return max(1, min(60, round(limit.total_seconds() / 5)))


def duration(delta: timedelta) -> str:
    """A study session's length: "45 s", "6 min", "1 h 05 min"."""
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 60:
        return f"{seconds} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


# Dates as pages print them, without strftime (a few times slower, once per point of a long
# history or row of a class). %b in the C locale: Python leaves LC_TIME alone.
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month(day: date) -> str:
    """ "Dec": what strftime("%b") gives."""
    return MONTHS[day.month - 1]


def day_and_month(day: date) -> str:
    """ "03 Dec": what strftime("%d %b") gives."""
    return f"{day.day:02d} {month(day)}"


def iso_day(when: date) -> str:
    """ "2026-12-03": what strftime("%Y-%m-%d") gives (of a date or a datetime)."""
    return when.isoformat()[:10]


def minute(when: datetime) -> str:
    """ "2026-12-03 09:41": what strftime("%Y-%m-%d %H:%M") gives."""
    return when.isoformat(" ", "minutes")[:16]
