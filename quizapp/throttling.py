"""Login throttling policy over timestamps of recent failures. Pure: the caller loads them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Limit:
    failures: int
    window: timedelta


WINDOW = timedelta(minutes=15)
PER_ACCOUNT = Limit(failures=5, window=WINDOW)
# High, because a whole class may share one address behind a school's NAT.
PER_ADDRESS = Limit(failures=200, window=WINDOW)


def wait_needed(failures: Sequence[datetime], limit: Limit, now: datetime) -> timedelta | None:
    """How long until another try is allowed, or None if one is allowed now.

    Allowed while fewer than `limit.failures` failures fall in the window that ends now;
    otherwise the wait ends when the oldest of the latest `limit.failures` leaves the window.
    """
    recent = sorted(t for t in failures if now - t < limit.window)
    if len(recent) < limit.failures:
        return None
    oldest_counted = recent[-limit.failures]
    return oldest_counted + limit.window - now
