"""Throttling rules and the common-password list: pure policy, tested directly."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from quizapp.passwords import common_passwords, password_problems
from quizapp.throttling import (
    LoginPolicy,
    RecentFailures,
    address_key,
    growing_delay,
    login_wait,
    wait_message,
)

NOW = datetime(2026, 1, 1, 12, 0)
POLICY = LoginPolicy(per_account=5, account_ceiling=50, per_address=30)


def ago(*seconds: float) -> list[datetime]:
    return [NOW - timedelta(seconds=s) for s in seconds]


def test_b6_growing_delay_doubles_past_the_free_allowance_up_to_a_cap():
    free, window, cap = 3, timedelta(minutes=15), timedelta(seconds=60)
    assert growing_delay(ago(30, 20), free, window, cap, NOW) is None
    # The 3rd failure 0.5 s ago: the next try waits 1 s after it, then 2 s, 4 s ...
    waits = [growing_delay(ago(*[0.5] * n), free, window, cap, NOW) for n in (3, 4, 5, 9, 40)]
    assert waits == [timedelta(seconds=s - 0.5) for s in (1, 2, 4, 60, 60)]
    # Once the delay after the latest failure has passed, one more try is allowed.
    assert growing_delay(ago(5, 5, 5, 5), free, window, cap, NOW) is None
    # Failures older than the window do not count at all.
    assert growing_delay(ago(*[901] * 100), free, window, cap, NOW) is None


def test_b6_right_password_from_an_address_without_failures_on_the_account_is_not_slowed():
    busy_address = ago(*range(1, 200))  # one student behind the school's NAT failing a lot
    classmate = RecentFailures(pair=[], account=[], address=busy_address)
    assert login_wait(classmate, POLICY, NOW) is None
    # An address that failed on this very account is slowed with the rest of its failures.
    typo = RecentFailures(pair=ago(100), account=ago(100), address=busy_address)
    wait = login_wait(typo, POLICY, NOW)
    assert wait is not None and wait <= POLICY.max_delay


def test_b5_b6_per_account_limit_is_per_address_with_a_ceiling_over_all_addresses():
    five = ago(50, 40, 30, 20, 10)
    locked = login_wait(RecentFailures(pair=five, account=five, address=five), POLICY, NOW)
    assert locked == timedelta(minutes=15) - timedelta(seconds=50)
    # The same failures from elsewhere leave this address free to try.
    assert login_wait(RecentFailures(pair=[], account=five, address=[]), POLICY, NOW) is None
    # A spread-out attack still meets the ceiling over all addresses.
    spread = RecentFailures(pair=[], account=ago(*range(1, 51)), address=[])
    assert login_wait(spread, POLICY, NOW) is not None


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:bbbb::9", "2001:db8:1:2::/64"),  # same subscriber network, same key
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("?", "?"),
    ],
)
def test_b6_addresses_are_counted_by_ipv4_address_or_ipv6_64(address, key):
    assert address_key(address) == key


def test_wait_messages_say_seconds_or_minutes():
    assert wait_message(timedelta(seconds=1.2)) == "Too many failed logins. Try again in 1 second."
    assert wait_message(timedelta(seconds=37), "Slow down") == "Slow down. Try again in 37 seconds."
    assert wait_message(timedelta(minutes=14, seconds=10)).endswith("in 14 minutes.")


# Well-known breached passwords of 8+ characters (the probe's A2 examples among them).
BREACHED = [
    "qwerty123456", "sunshine1", "princess1", "password2", "liverpool", "pokemon1",
    "iloveyou1", "football1", "baseball1", "superman", "trustno1", "starwars",
    "whatever", "password1", "computer", "corvette", "mercedes", "1q2w3e4r", "zaq12wsx",
    "qwertyuiop", "passw0rd", "charlie1", "jordan23", "letmein1", "asdfghjkl",
]  # fmt: skip


def test_b22_common_password_list_has_10000_entries_and_refuses_them():
    assert len(common_passwords()) >= 10_000
    assert all(len(p) >= 8 for p in common_passwords())
    for password in BREACHED:
        assert "most common" in " ".join(password_problems(password)), password
        assert password_problems(password.upper()), password  # compared casefolded
    # Only what is on the list: passphrases and uncommon passwords pass, short ones get the
    # length rule rather than the list's message.
    assert password_problems("correct horse battery") == []
    assert password_problems("marking essays all night") == []
    assert password_problems("dragon") == ["Use at least 8 characters."]
