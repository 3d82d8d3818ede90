"""`quizapp questions import/export/check`: atomic, idempotent, versioned, round-tripping."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time

import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy.engine import make_url

from quizapp.banks.loader import load_text
from quizapp.extensions import db
from quizapp.models import Bank, Card, Question, QuestionVersion
from quizapp.services.accounts import create_user
from quizapp.services.importer import import_banks
from tests.conftest import GIFT_DIR, QUESTIONS, SAMPLE_BANKS, Auth, dispose, make_app
from tests.factories import confirm_form, sample_bank, snapshot, upload, upload_id_of

SAMPLE = sample_bank()
ITEMS = len(SAMPLE.questions) + len(SAMPLE.cards)  # what an import counts

LOCATION_COLUMNS = {"source_path", "source_line", "imported_at"}


def bank_dir(tmp_path, name="banks"):
    target = tmp_path / name
    shutil.copytree(SAMPLE_BANKS, target)
    return target


def test_import_then_again_changes_nothing(app, runner, tmp_path):
    banks = bank_dir(tmp_path)
    first = runner.invoke(args=["questions", "import", str(banks)])
    assert first.exit_code == 0, first.output
    assert f"added {ITEMS}, updated 0, retired 0, unchanged 0" in first.output
    before = snapshot(app)
    second = runner.invoke(args=["questions", "import", str(banks)])
    assert f"added 0, updated 0, retired 0, unchanged {ITEMS}" in second.output
    assert snapshot(app) == before


def test_one_bad_file_among_good_ones_changes_nothing(app, runner, tmp_path):
    banks = bank_dir(tmp_path)
    runner.invoke(args=["questions", "import", str(banks)])
    before = snapshot(app)
    sample = banks / "sample.yaml"
    sample.write_text(sample.read_text().replace("Which planet", "Which world"), encoding="utf-8")
    (banks / "broken.yaml").write_text(
        "bank: {id: broken, title: Broken}\nquestions:\n  - id: q\n    type: single\n"
        "    prompt: p\n    choices: [a, b]\n    answer: c\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["questions", "import", str(banks)])
    assert result.exit_code == 1
    assert "broken.yaml:7:13: error: answer 'c' is not one of the choices" in result.output
    assert "nothing imported" in result.output
    assert snapshot(app) == before


def test_changed_question_gets_a_new_version_and_keeps_its_card(app, runner, tmp_path):
    banks = bank_dir(tmp_path)
    runner.invoke(args=["questions", "import", str(banks)])
    with app.app_context():
        card_id = db.session.scalar(sa.select(Card.id).where(Card.slug == "capital-single"))
    sample = banks / "sample.yaml"
    sample.write_text(
        sample.read_text().replace("Mercury orbits closest", "Mercury is nearest"),
        encoding="utf-8",
    )
    result = runner.invoke(args=["questions", "import", str(banks)])
    assert f"added 0, updated 1, retired 0, unchanged {ITEMS - 1}" in result.output
    with app.app_context():
        question = db.session.scalar(sa.select(Question).where(Question.slug == "capital-single"))
        assert [v.number for v in question.versions] == [1, 2]
        assert "orbits closest" in question.versions[0].data["explanation"]
        assert "is nearest" in question.versions[1].data["explanation"]
        card = db.session.get(Card, card_id)
        assert card.active and "is nearest" in card.back


def test_removed_questions_and_files_are_retired_and_can_return(app, runner, tmp_path):
    banks = bank_dir(tmp_path)
    runner.invoke(args=["questions", "import", str(banks)])
    sample = banks / "sample.yaml"
    original = sample.read_text()
    start = original.index("  - id: pi-numeric")
    end = original.index("  - id: range-numeric")
    sample.write_text(original[:start] + original[end:], encoding="utf-8")
    result = runner.invoke(args=["questions", "import", str(banks)])
    assert f"added 0, updated 0, retired 1, unchanged {ITEMS - 1}" in result.output
    with app.app_context():
        question = db.session.scalar(sa.select(Question).where(Question.slug == "pi-numeric"))
        assert question.retired_at is not None
        card = db.session.scalar(sa.select(Card).where(Card.slug == "pi-numeric"))
        assert card.retired_at is not None

    sample.write_text(original, encoding="utf-8")
    result = runner.invoke(args=["questions", "import", str(banks)])
    assert f"added 0, updated 1, retired 0, unchanged {ITEMS - 1}" in result.output

    sample.unlink()
    result = runner.invoke(args=["questions", "import", str(banks)])
    assert f"retired {ITEMS}" in result.output
    with app.app_context():
        bank = db.session.scalar(sa.select(Bank).where(Bank.slug == "sample-bank"))
        assert bank.retired_at is not None


def test_importing_one_file_leaves_other_banks_alone(app, runner, tmp_path):
    banks = bank_dir(tmp_path)
    shutil.copy(QUESTIONS / "07-ai-photographer-goes-viral.yaml", banks)
    runner.invoke(args=["questions", "import", str(banks)])
    result = runner.invoke(args=["questions", "import", str(banks / "sample.yaml")])
    assert "retired 0" in result.output
    with app.app_context():
        active = db.session.scalars(sa.select(Bank.slug).where(Bank.retired_at.is_(None))).all()
    assert sorted(active) == ["ai-photographer-goes-viral", "sample-bank"]


def test_dry_run_reports_and_changes_nothing(app, runner, tmp_path):
    before = snapshot(app)
    result = runner.invoke(args=["questions", "import", "--dry-run", str(bank_dir(tmp_path))])
    assert result.exit_code == 0
    assert f"dry run, would have: added {ITEMS}, updated 0, retired 0, unchanged 0" in result.output
    assert snapshot(app) == before


def test_export_check_reimport_round_trip(app, runner, tmp_path):
    runner.invoke(args=["questions", "import", str(QUESTIONS), str(bank_dir(tmp_path))])
    # The export is another file, so where each question was read from may change; nothing else.
    before = snapshot(app, LOCATION_COLUMNS)
    for fmt, name in (("yaml", "all.yaml"), ("json", "all.json")):
        target = tmp_path / name
        exported = runner.invoke(args=["questions", "export", "--format", fmt, "-o", str(target)])
        assert exported.exit_code == 0, exported.output
        checked = runner.invoke(args=["questions", "check", "--strict", str(target)])
        assert checked.exit_code == 0, checked.output
        assert "11 bank(s)" in checked.output
        result = runner.invoke(args=["questions", "import", str(target)])
        assert ", updated 0, retired 0," in result.output and "added 0" in result.output
        assert snapshot(app, LOCATION_COLUMNS) == before


def test_export_to_a_directory_writes_one_file_per_bank(app, runner, tmp_path):
    runner.invoke(args=["questions", "import", str(bank_dir(tmp_path))])
    out = tmp_path / "out"
    out.mkdir()
    runner.invoke(args=["questions", "export", "-o", str(out)])
    assert [p.name for p in out.iterdir()] == ["01-sample-bank.yaml"]
    result = runner.invoke(args=["questions", "check", str(out)])
    assert result.exit_code == 0


def test_check_prints_every_problem_and_a_summary(runner, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "bank: {id: b, title: B, summary: s}\nquestions:\n"
        "  - {id: q, type: single, prompt: p, choices: [a, a], answer: z}\n"
        "  - {id: r, type: true_false, prompt: p, answer: true}\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["questions", "check", str(bad)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert any(":3:" in line and "duplicate entry 'a'" in line for line in lines)
    assert any(":4:5: warning: question 'r' has no explanation" in line for line in lines)
    assert lines[-1].startswith("FAILED: 1 file(s), 1 bank(s)")
    assert runner.invoke(args=["questions", "check", str(SAMPLE_BANKS)]).exit_code == 0
    strict = runner.invoke(args=["questions", "check", "--strict", str(bad)])
    assert strict.exit_code == 1


def test_check_without_paths_uses_the_questions_directory(runner):
    result = runner.invoke(args=["questions", "check"])
    assert result.exit_code == 0
    assert f"1 bank(s), {len(SAMPLE.questions)} question(s)" in result.output


def test_shipped_banks_pass_the_strict_check_through_the_cli(runner):
    result = runner.invoke(args=["questions", "check", "--strict", str(QUESTIONS)])
    assert result.exit_code == 0, result.output
    assert "0 error(s), 0 warning(s)" in result.output


def uploaded_in_the_browser(app, name: str, content: bytes) -> None:
    """Upload and confirm a bank file through /authoring, as an instructor does."""
    with app.app_context():
        create_user(db.session, "teacher", "marking essays all night", "instructor")
    teacher = app.test_client()
    Auth(teacher).login("teacher", "marking essays all night")
    upload_id = upload_id_of(upload(teacher, (name, content)))
    confirmed = teacher.post(
        f"/authoring/uploads/{upload_id}/confirm", data=confirm_form(teacher, upload_id)
    )
    assert confirmed.status_code == 302


def test_b21_importing_a_folder_never_retires_banks_uploaded_in_the_browser(
    app, runner, tmp_path, monkeypatch
):
    """B21: uploads are stored as "upload/<name>", which `questions import .` resolved against
    the current folder, so it retired every bank uploaded in the browser (and, the same way,
    every file bank imported by a relative path from another folder)."""
    uploaded_in_the_browser(
        app, "every-construct.gift", (GIFT_DIR / "every-construct.gift").read_bytes()
    )
    (tmp_path / "elsewhere").mkdir()
    shutil.copy(QUESTIONS / "07-ai-photographer-goes-viral.yaml", tmp_path / "elsewhere")
    monkeypatch.chdir(tmp_path)  # a file bank imported by a relative path, from its parent
    assert runner.invoke(args=["questions", "import", "elsewhere"]).exit_code == 0
    folder = bank_dir(tmp_path)
    (folder / "upload").mkdir()  # even a real folder of that name changes nothing
    (folder / "elsewhere").mkdir()
    monkeypatch.chdir(folder)
    dry = runner.invoke(args=["questions", "import", "--dry-run", "."])
    assert dry.exit_code == 0 and "retired 0" in dry.output, dry.output
    real = runner.invoke(args=["questions", "import", "."])
    assert real.exit_code == 0 and "retired 0" in real.output, real.output
    with app.app_context():
        gift = db.session.scalar(sa.select(Bank).where(Bank.slug == "gift-sample"))
        assert gift.retired_at is None and gift.source_kind == "upload"
        photo = db.session.scalar(sa.select(Bank).where(Bank.slug == "ai-photographer-goes-viral"))
        assert photo.retired_at is None and photo.source_kind == "file"
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Question)
                .where(Question.bank_id == gift.id, Question.retired_at.is_(None))
            )
            == 10
        )
    # A bank file that is deleted is still retired, as before.
    (folder / "sample.yaml").unlink()
    gone = runner.invoke(args=["questions", "import", "."])
    assert "retired 10" in gone.output


def test_b21_migration_marks_banks_uploaded_before_it(new_database):
    """B21: existing rows get their source kind from the path the browser gave uploads."""
    app = make_app(new_database())
    try:
        with app.app_context():
            upgrade(revision="7c2e9f1a5b3d")
            for slug, path in (("up", "upload/up.yaml"), ("file", "questions/file.yaml")):
                db.session.execute(
                    sa.text(
                        "INSERT INTO bank (slug, title, position, summary, source_path, "
                        "imported_at) VALUES (:slug, :slug, 0, '', :path, '2026-01-01 00:00:00')"
                    ),
                    {"slug": slug, "path": path},
                )
            db.session.commit()
            upgrade()
            kinds = dict(db.session.execute(sa.select(Bank.slug, Bank.source_kind)).all())
        assert kinds == {"up": "upload", "file": "file"}
    finally:
        dispose(app)


def test_b18_dry_run_reads_only_so_it_works_on_a_read_only_database(read_only, tmp_path):
    """B18: `questions import --dry-run` imported inside a write transaction and rolled back;
    now it is the import's plan, which never writes."""
    result = (
        read_only()
        .test_cli_runner()
        .invoke(args=["questions", "import", "--dry-run", str(bank_dir(tmp_path))])
    )
    assert result.exit_code == 0, result.output
    assert "dry run, would have: added 10, updated 0, retired 0, unchanged 0" in result.output


def many_questions(word: str, count: int = 300) -> list:
    text = "\n".join(
        ["version: 1", "bank: {id: raced, title: Raced, summary: s}", "questions:"]
        + [
            f"  - {{id: q{n}, type: true_false, prompt: 'Claim {n} {word}', answer: true, "
            "explanation: e}"
            for n in range(count)
        ]
    )
    result = load_text(text, f"{word}.yaml")
    assert result.ok()
    return result.banks


def test_two_imports_at_once_are_serialised(app):
    """Two imports of one new bank at the same moment (issue 12): on PostgreSQL both inserted
    the bank and one failed on the unique slug; now the import lock makes the second wait."""
    versions = {"A": many_questions("A"), "B": many_questions("B")}
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run(word: str) -> None:
        with app.app_context():
            barrier.wait()
            try:
                import_banks(db.session, versions[word])
            except BaseException as exc:  # reported below, with the other thread's outcome
                errors.append(exc)

    threads = [threading.Thread(target=run, args=(word,)) for word in versions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert errors == []
    with app.app_context():
        rows = db.session.execute(
            sa.select(QuestionVersion.number, QuestionVersion.data["prompt"].as_string())
            .join(Question)
            .where(Question.version == QuestionVersion.number)
        ).all()
        numbers = db.session.scalars(sa.select(QuestionVersion.number)).all()
    assert len(rows) == 300 and sorted(set(numbers)) == [1, 2]
    words = {prompt.rsplit(" ", 1)[1] for _, prompt in rows}
    assert len(words) == 1  # entirely one file's content, never a mix


def test_a_second_import_waits_then_says_another_import_is_running(
    app, runner, database, postgres, tmp_path, monkeypatch
):
    """Import serialisation (issue 12): while another import holds the lock (PostgreSQL's
    advisory lock, SQLite's write lock), an import waits, then says so and imports nothing."""
    from quizapp import database as database_module
    from quizapp.services.importer import IMPORT_LOCK

    monkeypatch.setattr(database_module, "BUSY_TIMEOUT_MS", 500)
    folder = bank_dir(tmp_path)
    if postgres is not None:
        # NullPool: closing the connection really ends its session, and with it the lock.
        holder = sa.create_engine(database, poolclass=sa.pool.NullPool).connect()
        holder.exec_driver_sql(f"SELECT pg_advisory_lock({IMPORT_LOCK})")
    else:
        holder = sqlite3.connect(make_url(database).database, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        busy = runner.invoke(args=["questions", "import", str(folder)])
        waited = time.monotonic() - started
    finally:
        holder.close()  # ends the lock holder's session (and its lock or transaction)
    assert busy.exit_code == 1 and isinstance(busy.exception, SystemExit)
    assert "another import is running; nothing was imported" in busy.output
    assert waited >= 0.5
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Bank)) == 0
    done = runner.invoke(args=["questions", "import", str(folder)])
    assert done.exit_code == 0 and "added 10" in done.output
