"""`quizapp questions export --format gift|anki` and `import` of .gift files."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from importlib.resources import files

import genanki

from quizapp.banks.anki import deck_id
from tests.conftest import GIFT_DIR, SAMPLE_BANKS
from tests.factories import sample_counts


def read_apkg(path, tmp_path) -> tuple[dict, list[tuple]]:
    with zipfile.ZipFile(path) as archive:
        assert "collection.anki2" in archive.namelist()
        archive.extract("collection.anki2", tmp_path)
    connection = sqlite3.connect(tmp_path / "collection.anki2")
    try:
        decks = json.loads(connection.execute("select decks from col").fetchone()[0])
        notes = connection.execute("select guid, tags, flds from notes").fetchall()
    finally:
        connection.close()
    return decks, notes


def test_anki_package_has_a_deck_per_bank_and_stable_guids(app, runner, tmp_path):
    runner.invoke(args=["questions", "import", str(SAMPLE_BANKS)])
    target = tmp_path / "out.apkg"
    result = runner.invoke(args=["questions", "export", "--format", "anki", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert f"1 deck(s), {sample_counts()['cards']} note(s)" in result.output
    decks, notes = read_apkg(target, tmp_path)
    names = {d["name"]: int(i) for i, d in decks.items()}
    assert names["quizapp::Sample Bank"] == deck_id("sample-bank")
    by_key = {fields.split("\x1f")[2]: (guid, tags, fields) for guid, tags, fields in notes}
    assert set(by_key) >= {"sample-bank/capital-single", "sample-bank/extra-card"}
    guid, tags, fields = by_key["sample-bank/capital-single"]
    assert guid == genanki.guid_for("sample-bank/capital-single")
    front, back, _ = fields.split("\x1f")
    assert front == "<p>Which planet is closest to the Sun?</p>\n"
    assert "Mercury" in back
    assert set(tags.split()) == {"planets", "sample-bank"}
    # Exporting again gives the same GUIDs, so Anki updates notes instead of adding them.
    again = tmp_path / "again.apkg"
    runner.invoke(args=["questions", "export", "--format", "anki", "-o", str(again)])
    (tmp_path / "second").mkdir()
    _, notes_again = read_apkg(again, tmp_path / "second")
    assert sorted(n[0] for n in notes_again) == sorted(n[0] for n in notes)


def test_anki_export_needs_a_file(runner):
    result = runner.invoke(args=["questions", "export", "--format", "anki"])
    assert result.exit_code != 0 and "-o FILE.apkg" in result.output


def test_gift_export_reports_what_it_cannot_hold_and_reimports(app, runner, tmp_path):
    runner.invoke(args=["questions", "import", str(SAMPLE_BANKS)])
    target = tmp_path / "sample.gift"
    result = runner.invoke(args=["questions", "export", "--format", "gift", "-o", str(target)])
    assert result.exit_code == 0
    assert "not exported: sample-bank/order-ordering" in result.output
    assert "sample-bank/colour-cloze" in result.output
    checked = runner.invoke(args=["questions", "check", str(target)])
    assert checked.exit_code == 0, checked.output
    text = target.read_text()
    assert "$CATEGORY: $course$/top/Sample Bank" in text and "// [id:capital-single]" in text


def test_gift_files_import_from_the_cli(app, runner):
    result = runner.invoke(args=["questions", "import", str(GIFT_DIR / "every-construct.gift")])
    assert result.exit_code == 0, result.output
    assert "added 10" in result.output
    bad = runner.invoke(args=["questions", "import", str(GIFT_DIR)])
    assert (
        bad.exit_code == 1 and "malformed.gift" in bad.output and "nothing imported" in bad.output
    )


def test_schema_command_writes_what_is_committed(runner, tmp_path):
    target = tmp_path / "schema.json"
    result = runner.invoke(args=["questions", "schema", "-o", str(target)])
    assert result.exit_code == 0, result.output
    committed = files("quizapp.banks").joinpath("question-bank.schema.json").read_text()
    assert target.read_text(encoding="utf-8") == committed
