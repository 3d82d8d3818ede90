"""`quizapp questions import/export/check`: atomic, idempotent, versioned, round-tripping."""

from __future__ import annotations

import shutil

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Bank, Card, Question
from tests.conftest import QUESTIONS, SAMPLE_BANKS
from tests.factories import sample_bank, snapshot

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
