"""What several browser tests do: register, log in, and ask axe for serious violations."""

from __future__ import annotations

import re

from axe_playwright_python.sync_playwright import Axe

PASSWORD = "a browser passphrase"


def serious_violations(page) -> list[str]:
    result = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in result.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def counts(page) -> tuple[int, int, int]:
    """The reviewer's new, learning and due counts."""
    return tuple(
        int(page.locator(f"#count-{name}").inner_text()) for name in ("new", "learning", "due")
    )


def register(page, base: str, name: str) -> None:
    page.goto(base + "/register")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(base + "/")


def log_in(page, base, username, password):
    page.goto(base + "/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(base + "/")


def finish_exam(page) -> None:
    """Submit an exam as a student does: Finish exam, then on the summary of what is
    answered, Submit all and finish."""
    page.get_by_role("button", name="Finish exam").click()
    page.wait_for_url(re.compile(r".*/quiz/\d+/summary$"))
    page.get_by_role("button", name="Submit all and finish").click()
