"""`quizapp questions export --format gift|moodle-xml|anki` and `check`/`import` of .gift and
.xml files; the Anki package imported into a real Anki collection (the `anki` package)."""

from __future__ import annotations

import copy
import json
import re
import sqlite3
import zipfile
from importlib.resources import files

import genanki
import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from anki.import_export_pb2 import ImportAnkiPackageUpdateCondition

from quizapp.banks.anki import deck_id, write_apkg
from quizapp.banks.loader import load_paths
from tests.conftest import DATA, GIFT_DIR, QUESTIONS, SAMPLE_BANKS
from tests.factories import sample_counts

NEWER = ImportAnkiPackageUpdateCondition.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER


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
    by_guid = {guid: (tags, fields.split("\x1f")) for guid, tags, fields in notes}
    tags, (front, back, key) = by_guid[genanki.guid_for("sample-bank/capital-single")]
    assert key == "sample-bank/capital-single"
    assert front == "<p>Which planet is closest to the Sun?</p>\n"
    assert "Mercury" in back
    assert set(tags.split()) == {"planets", "sample-bank"}
    assert genanki.guid_for("sample-bank/extra-card") in by_guid
    # The cloze question is an Anki cloze note: a deletion per blank.
    _, (text, extra) = by_guid[genanki.guid_for("sample-bank/colour-cloze")]
    assert "{{c1::" in text and "{{c2::" in text and "[...]" not in text
    # Exporting again gives the same GUIDs, so Anki updates notes instead of adding them.
    again = tmp_path / "again.apkg"
    runner.invoke(args=["questions", "export", "--format", "anki", "-o", str(again)])
    (tmp_path / "second").mkdir()
    _, notes_again = read_apkg(again, tmp_path / "second")
    assert sorted(n[0] for n in notes_again) == sorted(n[0] for n in notes)


def import_into(collection: Collection, package) -> dict[str, int]:
    """Import a package the way Anki's File > Import does by default (update if newer)."""
    options = ImportAnkiPackageOptions(
        update_notes=NEWER, update_notetypes=NEWER, with_scheduling=False, merge_notetypes=False
    )
    log = collection.import_anki_package(
        ImportAnkiPackageRequest(package_path=str(package), options=options)
    ).log
    return {
        "new": len(log.new),
        "updated": len(log.updated),
        "conflicting": len(log.conflicting),
        "duplicate": len(log.duplicate),
    }


def test_real_anki_reads_cloze_notes_and_updates_an_edited_export_in_place(tmp_path):
    """Import the .apkg into a real Anki collection: one card per cloze blank; an edited
    export imported again updates the notes (same GUIDs) instead of adding copies."""
    banks = [b.to_data() for b in load_paths([QUESTIONS]).banks]
    first, second = tmp_path / "first.apkg", tmp_path / "second.apkg"
    notes = write_apkg(banks, first, timestamp=1_700_000_000)
    collection = Collection(str(tmp_path / "collection.anki2"))
    try:
        assert import_into(collection, first)["new"] == notes
        clozes = collection.find_notes('note:"quizapp cloze"')
        questions = [q for bank in banks for q in bank["questions"] if q["type"] == "cloze"]
        assert len(clozes) == len(questions) == 32
        blanks = sum(q["text"].count("[[") for q in questions)
        assert sum(len(collection.get_note(n).cards()) for n in clozes) == blanks
        edited = copy.deepcopy(banks)
        cloze = next(q for q in edited[0]["questions"] if q["type"] == "cloze")
        cloze["explanation"] = "Edited in the bank."
        write_apkg(edited, second, timestamp=1_700_000_100)  # a later export
        log = import_into(collection, second)
        assert log["new"] == 0 and log["updated"] == notes and log["conflicting"] == 0
        assert collection.note_count() == notes
        guid = genanki.guid_for(f"{edited[0]['bank']['id']}/{cloze['id']}")
        note_id = collection.db.scalar("select id from notes where guid = ?", guid)
        assert collection.get_note(note_id)["Back Extra"] == "<p>Edited in the bank.</p>\n"
    finally:
        collection.close()


def test_anki_export_needs_a_file(runner):
    result = runner.invoke(args=["questions", "export", "--format", "anki"])
    assert result.exit_code != 0 and "-o FILE.apkg" in result.output


def test_gift_export_reports_what_it_cannot_hold_and_reimports(app, runner, tmp_path):
    runner.invoke(args=["questions", "import", str(SAMPLE_BANKS)])
    target = tmp_path / "sample.gift"
    result = runner.invoke(args=["questions", "export", "--format", "gift", "-o", str(target)])
    assert result.exit_code == 0
    assert "not exported: sample-bank/colour-cloze: GIFT has no question with several blanks" in (
        result.output
    )
    assert "exported without 1 extra card(s): sample-bank" in result.output
    checked = runner.invoke(args=["questions", "check", str(target)])
    assert checked.exit_code == 0, checked.output
    text = target.read_text()
    assert "$CATEGORY: $course$/top/Sample Bank" in text and "// [id:capital-single]" in text
    # qtype_ordering's GIFT, with its numbering style (core Moodle 4.4 on)
    assert "{>4 ALL VERTICAL ABSOLUTE_POSITION SHOW none\none\ntwo\n" in text


def test_gift_files_import_from_the_cli(app, runner):
    result = runner.invoke(args=["questions", "import", str(GIFT_DIR / "every-construct.gift")])
    assert result.exit_code == 0, result.output
    assert "added 10" in result.output
    bad = runner.invoke(args=["questions", "import", str(GIFT_DIR)])
    assert (
        bad.exit_code == 1 and "malformed.gift" in bad.output and "nothing imported" in bad.output
    )


@pytest.mark.parametrize("many", [False, True], ids=["file", "folder"])
def test_moodle_xml_export_check_and_import_round_trip(app, runner, tmp_path, many):
    """The contract: `export --format moodle-xml [-o FILE|DIR]`; `check` and `import` read
    .xml files as Moodle XML. Importing the export changes no question but those it named."""
    assert runner.invoke(args=["questions", "import", str(QUESTIONS)]).exit_code == 0
    target = tmp_path / ("out" if many else "all.xml")
    if many:
        target.mkdir()
    result = runner.invoke(
        args=["questions", "export", "--format", "moodle-xml", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert "not exported" not in result.output
    assert "exported without card: surge-of-chinese-llms/llm-backers" in result.output
    written = sorted(target.iterdir()) if many else [target]
    if many:
        assert [p.name for p in written][:2] == [
            "01-surge-of-chinese-llms.xml",
            "02-year-of-ai-unicorns.xml",
        ]
    assert written[0].read_text().startswith('<?xml version="1.0" encoding="UTF-8"?>\n<quiz>')
    checked = runner.invoke(args=["questions", "check", str(target)])
    assert checked.exit_code == 0, checked.output
    dry = runner.invoke(args=["questions", "import", "--dry-run", str(target)])
    # Only what the export named changes (questions' own cards, a range, a pattern); the 84
    # extra cards are not in the file, so they would be retired.
    named = set(re.findall(r"^warning: exported without [^:]*: ([\w-]+/[\w-]+)$",
                           result.output, re.MULTILINE))  # fmt: skip
    assert len(named) > 80
    kept = 303 - len(named)
    assert f"added 0, updated {len(named)}, retired 84, unchanged {kept}" in dry.output, dry.output


def test_moodle_xml_files_import_from_the_cli(app, runner):
    result = runner.invoke(args=["questions", "import", str(DATA / "moodle" / "every-type.xml")])
    assert result.exit_code == 0, result.output
    assert "added 9" in result.output


def test_schema_command_writes_what_is_committed(runner, tmp_path):
    target = tmp_path / "schema.json"
    result = runner.invoke(args=["questions", "schema", "-o", str(target)])
    assert result.exit_code == 0, result.output
    committed = files("quizapp.banks").joinpath("question-bank.schema.json").read_text()
    assert target.read_text(encoding="utf-8") == committed


def test_gift_grading_moodle_would_do_otherwise_is_warned_at_check(runner, tmp_path):
    bank = tmp_path / "weights.gift"
    bank.write_text("::w::Pick the big ones.{~%50%a ~%30%b ~c####Because.}\n", encoding="utf-8")
    result = runner.invoke(args=["questions", "check", str(bank)])
    assert result.exit_code == 0  # a warning, not an error
    assert "weights.gift:1:1: warning: the right answers' weights add up to 80%" in result.output
