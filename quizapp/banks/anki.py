"""Anki packages (.apkg) of banks' flashcards, through genanki.

One deck per bank (quizapp::<title>), one note per flashcard. Note GUIDs come from the card key
("<bank id>/<card id>"), so importing an updated export into Anki updates notes in place.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import sqlite3
import tempfile
import time
import zipfile
from pathlib import Path
from typing import IO, Any

import genanki

from ..markdown import render_markdown
from .cards import bank_flashcards
from .document import bank_from_data

MODEL_ID = 1_734_204_001  # stable forever: Anki matches note types by id
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


def deck_id(bank_id: str) -> int:
    digest = hashlib.sha256(f"quizapp-deck:{bank_id}".encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:4], "big") % (1 << 30)


def build_decks(banks: list[dict[str, Any]]) -> list[genanki.Deck]:
    decks = []
    for data in banks:
        bank = bank_from_data(data)
        deck = genanki.Deck(deck_id(bank.id), f"quizapp::{bank.title}")
        for card in bank_flashcards(bank):
            key = f"{bank.id}/{card.id}"
            deck.add_note(
                genanki.Note(
                    model=MODEL,
                    fields=[render_markdown(card.front), render_markdown(card.back), key],
                    tags=sorted({bank.id, *card.tags}),
                    guid=genanki.guid_for(key),
                )
            )
        decks.append(deck)
    return decks


def write_apkg(banks: list[dict[str, Any]], out: IO[bytes] | str | Path) -> int:
    """Write the package; returns the number of notes. (genanki's own writer leaves its
    temporary collection file behind, so the collection is built in a folder we remove.)"""
    decks = build_decks(banks)
    package = genanki.Package(decks)
    timestamp = time.time()
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
