"""Whole numbers from URLs, query strings and forms, read safely as ids. Pure."""

from __future__ import annotations

import re

MAX_ID = 2**31 - 1  # larger numbers from a URL cannot be ids or pages: treat them as absent
_DIGITS = re.compile(r"[0-9]{1,10}")


def query_int(args, name: str, default: int | None = None) -> int | None:
    """A whole number from the query string within 0..2^31-1, else `default`."""
    value = args.get(name, type=int)
    return value if value is not None and 0 <= value <= MAX_ID else default


def parse_id(text) -> int | None:
    """A whole number as typed in a form or URL (ASCII digits only; "²" or "٣" pass
    str.isdigit but not int()), within 0..2^31-1; None otherwise."""
    if text is None or not _DIGITS.fullmatch(str(text)):
        return None
    value = int(text)
    return value if value <= MAX_ID else None
