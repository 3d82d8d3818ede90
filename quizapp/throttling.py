"""Throttling policy for password checks and registrations. Pure: the caller loads the times.

Failed password checks are kept per account and address. The rules, over a 15-minute window:

- one address may fail `per_account` times on one account; then that address waits;
- all addresses together may fail `account_ceiling` times on one account (a spread-out attack);
- an address with `per_address` failures or more over all accounts is slowed down with
  growing delays (1 s, 2 s, 4 s ... up to `max_delay`), not locked out. A right password from
  an address that has no failures on that account is never slowed, so one student behind a
  school's NAT cannot lock out the class.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Limit:
    failures: int
    window: timedelta


WINDOW = timedelta(minutes=15)
MAX_DELAY = timedelta(seconds=60)
# New accounts per address per window before each further one waits longer.
REGISTRATIONS_PER_ADDRESS = 30


@dataclass(frozen=True)
class LoginPolicy:
    """How many failures are allowed; all defaults are per 15 minutes."""

    per_account: int = 5
    account_ceiling: int = 50
    # Generous: a class behind one address makes typing mistakes too.
    per_address: int = 30
    window: timedelta = WINDOW
    max_delay: timedelta = MAX_DELAY


@dataclass(frozen=True)
class RecentFailures:
    """Times of the failures in the window: this account from this address, this account from
    anywhere, and this address on any account."""

    pair: Sequence[datetime]
    account: Sequence[datetime]
    address: Sequence[datetime]


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


def growing_delay(
    events: Sequence[datetime], free: int, window: timedelta, max_delay: timedelta, now: datetime
) -> timedelta | None:
    """After `free` events in the window, each further one waits twice as long after the latest
    (1 s, 2 s, 4 s ... at most `max_delay`). None when no wait is needed now."""
    recent = sorted(t for t in events if now - t < window)
    excess = len(recent) - free
    if excess < 0:
        return None
    # 2**excess overflows timedelta for huge counts; the cap is reached by excess 30 anyway.
    delay = min(timedelta(seconds=2 ** min(excess, 30)), max_delay)
    wait = recent[-1] + delay - now
    return wait if wait > timedelta(0) else None


def login_wait(recent: RecentFailures, policy: LoginPolicy, now: datetime) -> timedelta | None:
    """How long this address must wait before its password is checked for this account."""
    waits = [
        wait_needed(recent.pair, Limit(policy.per_account, policy.window), now),
        wait_needed(recent.account, Limit(policy.account_ceiling, policy.window), now),
    ]
    if any(now - t < policy.window for t in recent.pair):
        # Only an address that already failed on this account is slowed by its other failures.
        waits.append(
            growing_delay(recent.address, policy.per_address, policy.window, policy.max_delay, now)
        )
    return max((w for w in waits if w is not None), default=None)


def address_key(address: str) -> str:
    """The key an address is counted under: IPv4 as is, IPv6 by its /64 (one subscriber's
    network), anything unparseable as given."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def wait_message(wait: timedelta, what: str = "Too many failed logins") -> str:
    seconds = max(1, round(wait.total_seconds()))
    if seconds < 90:
        unit = "second" if seconds == 1 else "seconds"
        return f"{what}. Try again in {seconds} {unit}."
    minutes = round(seconds / 60)
    unit = "minute" if minutes == 1 else "minutes"
    return f"{what}. Try again in {minutes} {unit}."
