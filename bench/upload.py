"""Time a big web upload (check, preview, confirm) and what it does to other writers.

Uploads one generated bank of N true/false questions (about 2 MB at the default 20,000) through
/authoring as an instructor, then the same bank with every prompt changed. Meanwhile another
thread writes a small row every 20 ms and records how long each write waited. Prints numbers;
asserts nothing. Runs in-process through Flask's test client on a SQLite file (or --database-url).

    .venv/bin/python bench/upload.py [--questions 20000] [--database-url URL]

gunicorn kills a sync worker after its timeout (`quizapp serve` sets it; gunicorn's own default
is 30 s), so every step should stay well below that.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))

TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def bank_text(count: int, variant: str) -> bytes:
    lines = [
        "version: 1",
        "bank: {id: big-bank, title: Big bank, summary: Generated.}",
        "questions:",
    ]
    for n in range(count):
        lines.append(
            f"- {{id: q{n:05d}, type: true_false, prompt: 'Claim {n} is {variant}?', "
            f"answer: true, explanation: 'Why {n}.'}}"
        )
    return ("\n".join(lines) + "\n").encode()


class Writer(threading.Thread):
    """Writes one small row every 20 ms and keeps the longest wait seen in each window."""

    def __init__(self, app):
        super().__init__(daemon=True)
        self.app, self.stop, self.worst, self.failures = app, threading.Event(), 0.0, 0

    def window(self) -> tuple[float, int]:
        worst, failures = self.worst, self.failures
        self.worst, self.failures = 0.0, 0
        return worst, failures

    def run(self):
        import sqlalchemy as sa

        from quizapp.database import write_transaction
        from quizapp.extensions import db
        from quizapp.models import User

        with self.app.app_context():
            while not self.stop.is_set():
                started = time.perf_counter()
                try:
                    with write_transaction(db.session) as session:
                        user = session.scalar(sa.select(User).where(User.username == "bystander"))
                        user.session_version += 1
                except Exception:  # a timed-out write is what this counts
                    self.failures += 1
                self.worst = max(self.worst, time.perf_counter() - started)
                time.sleep(0.02)
            db.session.remove()


def timed(label, writer, call):
    writer.window()
    started = time.perf_counter()
    response = call()
    seconds = time.perf_counter() - started
    worst, failures = writer.window()
    print(
        f"| {label} | {response.status_code} | {seconds:.1f} | {worst * 1000:.0f} | {failures} |",
        flush=True,
    )
    return response


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=20_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="quizapp-upload-")
    os.environ["QUIZAPP_INSTANCE_PATH"] = folder
    url = args.database_url or f"sqlite:///{folder}/upload.db"

    from flask_migrate import upgrade

    from quizapp import create_app
    from quizapp.extensions import db
    from quizapp.services.accounts import create_user

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        create_user(db.session, "teach", "instructor phrase 42", "instructor")
        create_user(db.session, "bystander", "quiet phrase 4242", "student")
        db.session.remove()
    client = app.test_client()
    token = TOKEN.search(client.get("/login").get_data(as_text=True)).group(1)
    client.post(
        "/login",
        data={"csrf_token": token, "username": "teach", "password": "instructor phrase 42"},
    )
    token = TOKEN.search(client.get("/authoring/").get_data(as_text=True)).group(1)
    writer = Writer(app)
    writer.start()
    print(f"{args.questions} questions; database {url.split(':')[0]}")
    print("| step | status | seconds | longest wait of another writer (ms) | its failed writes |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for variant in ("new", "old"):
        data = bank_text(args.questions, variant)
        label = (
            "new bank" if variant == "new" else "every prompt changed"
        ) + f" ({len(data) / 1e6:.2f} MB)"

        def send(data=data):
            return client.post(
                "/authoring/upload",
                data={"csrf_token": token, "files": [(io.BytesIO(data), "big.yaml")]},
                content_type="multipart/form-data",
            )

        uploaded = timed(f"{label}: upload and check", writer, send)
        location = uploaded.headers.get("Location")
        if not location:
            print(uploaded.get_data(as_text=True)[:2000])
            break
        preview = timed(f"{label}: preview (GET)", writer, lambda loc=location: client.get(loc))
        print(f"|   preview page size | | {len(preview.get_data()) / 1e6:.1f} MB | | |")
        timed(
            f"{label}: confirm",
            writer,
            lambda loc=location: client.post(loc + "/confirm", data={"csrf_token": token}),
        )
    writer.stop.set()
    writer.join()


if __name__ == "__main__":
    main()
