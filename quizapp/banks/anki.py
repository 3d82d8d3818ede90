"""Anki packages (.apkg) of banks' flashcards, through genanki.

One deck per bank (quizapp::<title>), one note per flashcard. A card with gaps (a cloze
question's) is a note of Anki's cloze kind, `{{c1::...}}` per gap, so Anki asks one gap per
card; every other card is a front/back note. Note GUIDs come from the card key
("<bank id>/<card id>"), so importing an updated export into Anki updates notes in place.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import json
import sqlite3
import tempfile
import time
import zipfile
from pathlib import Path
from typing import IO, Any

import genanki

from .. import qtypes
from ..markdown import render_markdown
from .cards import bank_flashcards
from .document import BankFile, Flashcard, bank_from_data

MODEL_ID = 1_734_204_001  # stable forever: Anki matches note types by id
CLOZE_MODEL_ID = 1_734_204_002
MODEL = genanki.Model(
    MODEL_ID,
    "quizapp card",
    fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Key"}],
    templates=[
        {
            "name": "Card 1",
            "qfmt": "{{Front}}",
            "afmt": '{{FrontSide}}<hr id="answer">{{Back}}',
        }
    ],
    sort_field_index=2,
)
# Laid out as Anki's own Cloze note type: fields Text and Back Extra, one card per deletion.
CLOZE_MODEL = genanki.Model(
    CLOZE_MODEL_ID,
    "quizapp cloze",
    fields=[{"name": "Text"}, {"name": "Back Extra"}],
    templates=[
        {
            "name": "Cloze",
            "qfmt": "{{cloze:Text}}",
            "afmt": "{{cloze:Text}}<br>\n{{Back Extra}}",
        }
    ],
    model_type=genanki.Model.CLOZE,
)
GAP = "\ue020{}\ue021"  # where gap n goes while the text is rendered


def deck_id(bank_id: str) -> int:
    digest = hashlib.sha256(f"quizapp-deck:{bank_id}".encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:4], "big") % (1 << 30)


def cloze_text(pieces: list[str], answers: list[str]) -> str:
    """Rendered Markdown with each gap as an Anki cloze deletion {{cN::answer}}."""
    marked = "".join(piece + GAP.format(n) for n, piece in enumerate(pieces[:-1])) + pieces[-1]
    rendered = render_markdown(marked)
    for number, answer in enumerate(answers):
        # Entities for the two characters Anki's cloze syntax would read in an answer.
        shown = html.escape(answer).replace(":", "&#58;").replace("}", "&#125;")
        rendered = rendered.replace(GAP.format(number), f"{{{{c{number + 1}::{shown}}}}}")
    return rendered


def card_note(bank: BankFile, card: Flashcard) -> genanki.Note:
    key = f"{bank.id}/{card.id}"
    tags = sorted({bank.id, *card.tags})
    question = next((q for q in bank.questions if q.id == card.question_id), None)
    gaps = None
    if question is not None and question.card is True:
        gaps = qtypes.get(question.type).card_gaps(question.to_data())
    if gaps is not None:
        fields = [cloze_text(*gaps), render_markdown(question.explanation)]
        return genanki.Note(model=CLOZE_MODEL, fields=fields, tags=tags, guid=genanki.guid_for(key))
    fields = [render_markdown(card.front), render_markdown(card.back), key]
    return genanki.Note(model=MODEL, fields=fields, tags=tags, guid=genanki.guid_for(key))


def build_decks(banks: list[dict[str, Any]]) -> list[genanki.Deck]:
    decks = []
    for data in banks:
        bank = bank_from_data(data)
        deck = genanki.Deck(deck_id(bank.id), f"quizapp::{bank.title}")
        for card in bank_flashcards(bank):
            deck.add_note(card_note(bank, card))
        decks.append(deck)
    return decks


def write_apkg(banks: list[dict[str, Any]], out: IO[bytes] | str | Path, timestamp=None) -> int:
    """Write the package; returns the number of notes. Notes are stamped `timestamp` (now by
    default): Anki updates a note it has only from a newer one. (genanki's own writer leaves
    its temporary collection file behind, so the collection is built in a folder we remove.)"""
    decks = build_decks(banks)
    package = genanki.Package(decks)
    timestamp = time.time() if timestamp is None else timestamp
    with tempfile.TemporaryDirectory() as folder:
        collection = Path(folder) / "collection.anki2"
        connection = sqlite3.connect(collection)
        try:
            package.write_to_db(
                connection.cursor(), timestamp, itertools.count(int(timestamp * 1000))
            )
            connection.commit()
        finally:
            connection.close()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(collection, "collection.anki2")
            archive.writestr("media", json.dumps({}))
    return sum(len(deck.notes) for deck in decks)
