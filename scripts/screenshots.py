"""Make the README's screenshots again: the flashcard review and a practice question with its
feedback, on a phone (390x844) and a desktop (1280x900), from a fresh `quizapp demo` database.

    .venv/bin/python scripts/screenshots.py            # writes docs/screenshots/*.png

Everything is made here: a throwaway SQLite database with the shipped banks and demo students
(`quizapp demo --until`, so the same history comes out whenever it runs), the app served on a
free loopback port, and Debian's Chromium driven by Playwright (QUIZAPP_CHROMIUM to change it).
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
SIZES = {"phone": (390, 844), "desktop": (1280, 900)}
UNTIL = "2026-11-30"  # the demo history ends here: the same pictures on every run
STUDENT = "screenshot-student"
PASSWORD = "a screenshot passphrase"


def quizapp(env: dict, *args: str, stdin: str | None = None) -> None:
    command = [str(Path(sys.executable).with_name("quizapp")), *args]
    subprocess.run(
        command, env=env, check=True, cwd=ROOT, input=stdin, text=True, stdout=subprocess.DEVNULL
    )


def build_database(folder: Path) -> dict:
    """A demo database in `folder`; returns the environment that points the app at it."""
    env = {**os.environ, "QUIZAPP_DATABASE_URL": f"sqlite:///{folder / 'demo.db'}",
           "QUIZAPP_SECRET_KEY": "screenshots only"}  # fmt: skip
    quizapp(env, "db", "upgrade")
    quizapp(env, "questions", "import")
    quizapp(env, "demo", "--students", "3", "--days", "30", "--seed", "2", "--until", UNTIL)
    for size in SIZES:  # one student a size: each starts on a fresh quiz
        quizapp(env, "users", "create", f"{STUDENT}-{size}", "--password-stdin", stdin=PASSWORD)
    return env


def serve(env: dict):
    """The app on a free loopback port, in a thread; returns (base URL, server)."""
    os.environ.update(env)
    from quizapp import create_app  # reads QUIZAPP_* as it starts

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    server = make_server("127.0.0.1", 0, create_app(), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server


def log_in(page, base: str, size: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("Username").fill(f"{STUDENT}-{size}")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(base + "/")


def shoot(page, base: str, size: str) -> list[Path]:
    """The review screen with the answer shown, and a practice question with its feedback."""
    shots = []
    page.goto(base + "/study/all")
    page.keyboard.press("Space")
    page.locator("#back").wait_for()
    shots.append(OUT / f"review-{size}.png")
    page.screenshot(path=shots[-1])
    page.goto(base + "/quiz/new")
    page.get_by_label("Surge of Chinese LLMs").check()
    page.get_by_label("Number of questions").fill("5")
    page.get_by_role("button", name="Start").click()
    page.wait_for_url(re.compile(r".*/quiz/\d+/q/0$"))
    # A question with options shows the marks best: skip ahead to one (at most five).
    options = page.locator(
        "#answer-controls input[type=radio], #answer-controls input[type=checkbox]"
    )
    for _ in range(5):
        if options.count():
            break
        page.locator("#skip").click()
        page.wait_for_load_state()
    if options.count():
        options.last.check()
        page.get_by_role("button", name="Check answer").click()
    else:
        page.get_by_role("button", name="I don't know").click()
    page.locator("#feedback-heading").wait_for()
    shots.append(OUT / f"quiz-{size}.png")
    page.screenshot(path=shots[-1])
    return shots


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--chromium", default=os.environ.get("QUIZAPP_CHROMIUM", "/usr/bin/chromium")
    )
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        base, server = serve(build_database(Path(folder)))
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=args.chromium, args=["--no-sandbox", "--disable-gpu"]
                )
                for size, (width, height) in SIZES.items():
                    context = browser.new_context(
                        viewport={"width": width, "height": height}, device_scale_factor=1
                    )
                    page = context.new_page()
                    log_in(page, base, size)
                    for path in shoot(page, base, size):
                        print(path.relative_to(ROOT))
                    context.close()
                browser.close()
        finally:
            server.shutdown()


if __name__ == "__main__":
    main()
