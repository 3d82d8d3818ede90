"""Hostile bank files: huge numbers, out-of-range values, lone surrogates, symlink loops, FIFOs
and a GIFT category that swallows a question. Each is a located error (or warning) in `check`,
`import` and the web upload, never a traceback, and nothing is imported."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from quizapp.banks.loader import load_text
from quizapp.extensions import db
from quizapp.models import Bank, Upload, User
from quizapp.services.accounts import create_user
from tests.conftest import Auth, csrf_token
from tests.integration.test_import import snapshot

QUIZAPP = Path(sys.executable).parent / "quizapp"
BIG = "1" + "0" * 400  # too big for a float
HUGE = "9" * 5001  # more digits than Python reads


def bank(order="1", points="1", answer="42", tolerance="1", title="Hostile", extra="") -> str:
    return (
        "version: 1\n"
        f'bank: {{id: hostile, title: "{title}", summary: s, order: {order}}}\n'
        "questions:\n"
        "  - id: how-many\n"
        "    type: numeric\n"
        "    prompt: How many?\n"
        f"    answer: {answer}\n"
        f"    tolerance: {tolerance}\n"
        f"    points: {points}\n"
        "    explanation: e\n" + extra
    )


RANGE = "  - {id: ranged, type: numeric, prompt: Which one, range: [0, %s], explanation: e}\n"

# (finding, bank text, line of the error, what the message says)
CASES = [
    ("B10", bank(points=BIG), 9, "points must be a finite number"),
    ("B10", bank(answer=BIG), 7, "answer must be a finite number"),
    ("B10", bank(tolerance=BIG), 8, "tolerance must be a finite number"),
    ("B10", bank(extra=RANGE % BIG), 11, "each end of range must be a finite number"),
    ("B10", bank(order=HUGE), 2, "order is too large a number"),
    ("B10", bank().replace("version: 1", f"version: {HUGE}"), 1, "version is too large a number"),
    ("B11", bank(order="1" + "0" * 30), 2, "order must be between -1,000,000,000 and"),
    ("B11", bank(order="-" + "9" * 25), 2, "order must be between -1,000,000,000 and"),
    ("B11", bank(title="\\ud800"), 2, "title holds \\ud800, half of a surrogate pair"),
    (
        "B11",
        bank().replace("explanation: e", 'explanation: "why \\udfff"'),
        10,
        "explanation holds \\udfff, half of a surrogate pair",
    ),
    ("B12", bank(points="1.0e+308"), 9, "points must be more than 0 and at most 1000"),
    ("B12", bank(points="1001"), 9, "points must be more than 0 and at most 1000"),
]
IDS = [f"{finding}-{n}" for n, (finding, *_rest) in enumerate(CASES)]


@pytest.fixture
def teacher(app):
    with app.app_context():
        create_user(db.session, "teacher", "marking essays all night", "instructor")
    client = app.test_client()
    Auth(client).login("teacher", "marking essays all night")
    return client


def upload(client, name: str, text: str):
    data = {
        "csrf_token": csrf_token(client, "/authoring/"),
        "files": [(io.BytesIO(text.encode()), name)],
    }
    return client.post("/authoring/upload", data=data, content_type="multipart/form-data")


def check_case(app, runner, teacher, tmp_path, text: str, line: int, message: str) -> None:
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    before = snapshot(app)
    for command in (["questions", "check"], ["questions", "import"]):
        result = runner.invoke(args=[*command, str(path)])
        assert isinstance(result.exception, SystemExit), result.exception  # no traceback
        assert result.exit_code == 1
        assert f"hostile.yaml:{line}:" in result.output and message in result.output
    assert "nothing imported" in result.output
    response = upload(teacher, "hostile.yaml", text)
    assert response.status_code == 422
    assert message.replace("'", "&#39;") in response.get_data(as_text=True)
    assert snapshot(app) == before


@pytest.mark.parametrize(("finding", "text", "line", "message"), CASES, ids=IDS)
def test_b10_b11_b12_hostile_values_are_located_errors_everywhere(
    app, runner, teacher, tmp_path, finding, text, line, message
):
    """B10 (huge numbers crashed check and upload), B11 (order and surrogates passed check, then
    crashed import, preview and confirm), B12 (points of 1e308 gave infinite scores)."""
    check_case(app, runner, teacher, tmp_path, text, line, message)


def test_b11_an_upload_stored_before_the_checks_cannot_crash_preview_or_confirm(app, teacher):
    """B11: an upload stored by the laxer version (order 10^30, a lone surrogate) gets its
    problems page from preview and confirm, not a 500, and imports nothing."""
    with app.app_context():
        owner = db.session.scalar(sa.select(User).where(User.username == "teacher"))
        stored = Upload(
            user_id=owner.id,
            files=[
                {"name": "upload/old.yaml", "text": bank(order="1" + "0" * 30, title="\\ud800")}
            ],
        )
        db.session.add(stored)
        db.session.commit()
        upload_id = stored.id
    preview = teacher.get(f"/authoring/uploads/{upload_id}")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 422
    assert "order must be between" in html and "half of a surrogate pair" in html
    confirm = teacher.post(
        f"/authoring/uploads/{upload_id}/confirm",
        data={"csrf_token": csrf_token(teacher, "/authoring/"), "state": "x"},
    )
    assert confirm.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Bank)) == 0
        assert db.session.get(Upload, upload_id).applied_at is None


def test_b10_gift_order_of_any_length_is_never_a_crash():
    """B10 (GIFT): [order:<5,000 digits>] and non-ASCII digits crashed int()."""
    question = "::q:: 2 + 2 is 4? {T}\n"
    for order in ("9" * 5001, "²", "1" + "0" * 30):
        text = f"// [order:{order}]\n$CATEGORY: hostile\n\n{question}"
        result = load_text(text, "hostile.gift")
        if order.startswith("1"):
            assert any("order must be between" in str(p) for p in result.errors)
        else:
            assert result.ok(), [str(p) for p in result.problems]


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "QUIZAPP_DATABASE_URL": f"sqlite:///{cwd}/unused.db"}
    return subprocess.run(
        [str(QUIZAPP), "questions", "check", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_b15_symlink_loops_and_fifos_are_located_errors_not_tracebacks(tmp_path):
    """B15: a symlink loop crashed `questions check` with a traceback; a FIFO named on the
    command line blocked forever. Both are located errors; in a folder a FIFO is skipped."""
    folder = tmp_path / "banks"
    folder.mkdir()
    (folder / "good.yaml").write_text(bank(), encoding="utf-8")
    (folder / "loop.yaml").symlink_to("loop.yaml")
    os.mkfifo(folder / "pipe.yaml")
    loop = run_cli("loop.yaml", cwd=folder)
    assert loop.returncode == 1 and "Traceback" not in loop.stderr
    assert "loop.yaml:1:1: error: cannot read file: Too many levels of symbolic links" in (
        loop.stderr
    )
    pipe = run_cli("pipe.yaml", cwd=folder)  # returns at once instead of waiting on the pipe
    assert pipe.returncode == 1 and "pipe.yaml:1:1: error: not a regular file" in pipe.stderr
    whole = run_cli(".", cwd=folder)
    assert whole.returncode == 1 and "Traceback" not in whole.stderr
    assert "loop.yaml:1:1: error: cannot read file" in whole.stderr
    assert "pipe.yaml" not in whole.stderr  # skipped, as any non-file in a folder
    assert "1 file(s), 1 bank(s)" in whole.stdout


def test_b25_gift_category_block_that_swallows_a_question_is_warned():
    """B25: a $CATEGORY: line followed straight by a question made the question vanish into
    the bank's title, silently."""
    text = (
        "::kept:: A question before. {T}\n\n"
        "$CATEGORY: gift-xss\n"
        "// [id:gift-html]\n"
        "::gift html::[html]<script>alert(41)</script>Is it? {T}\n"
    )
    result = load_text(text, "category.gift")
    warnings = [p for p in result.warnings if "$CATEGORY" in p.message]
    assert len(warnings) == 1 and warnings[0].location.line == 3
    assert "blank line after the $CATEGORY: line" in warnings[0].message
    clean = load_text(text.replace("gift-xss\n", "gift-xss\n\n"), "category.gift")
    assert not [p for p in clean.warnings if "$CATEGORY" in p.message]
