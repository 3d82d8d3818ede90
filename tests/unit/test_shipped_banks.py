"""The ten shipped banks keep their promises: strict-clean, counts, coverage, own words."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from quizapp import qtypes
from quizapp.banks.cards import bank_flashcards
from quizapp.banks.loader import load_paths
from tests.conftest import QUESTIONS, ROOT

SOURCE = ROOT.parent / "shared" / "source" / "china-ai-2023-top10.txt"
EXPECTED_TITLES = [
    "Surge of Chinese LLMs",
    "The Year of AI Unicorns",
    "China's Generative AI Regulation Takes Effect",
    "Public Rollouts of Chinese Chatbots",
    "Stricter US Export Control on Chips",
    "Huawei's AI Computing Ambition",
    "AI Photographer Goes Viral",
    "China Joins Global Dialogue on AI Safety",
    "The Love and Hate in Deepfake",
    "SenseTime Co-founder Tang Xiaoou Passes Away",
]
COPY_RUN = 8  # words in a row shared with the source that count as copying


@pytest.fixture(scope="module")
def banks():
    result = load_paths([QUESTIONS])
    assert result.ok(strict=True), "\n".join(map(str, result.problems))
    return sorted(result.banks, key=lambda bank: bank.order)


def test_questions_dir_holds_exactly_the_ten_banks(banks):
    assert [bank.title for bank in banks] == EXPECTED_TITLES
    assert [bank.order for bank in banks] == list(range(1, 11))
    files = sorted(p.name for p in QUESTIONS.iterdir())
    assert files == [f"{bank.order:02d}-{bank.id}.yaml" for bank in banks]


@pytest.mark.parametrize("index", range(10))
def test_each_bank_meets_the_floor(banks, index):
    bank = banks[index]
    words = len(re.findall(r"\w[\w'.,-]*", bank.summary))
    assert 120 <= words <= 250, f"{bank.id}: summary has {words} words"
    assert len(bank.questions) >= 24
    assert len({q.type for q in bank.questions}) >= 5
    assert len(bank.cards) >= 6
    assert all(q.explanation for q in bank.questions)
    assert len(bank_flashcards(bank)) >= len(bank.questions) + 6


def test_every_type_is_used_at_least_twelve_times(banks):
    counts = Counter(q.type for bank in banks for q in bank.questions)
    assert {t: counts[t] for t in qtypes.type_names() if counts[t] < 12} == {}


def _words(text: str) -> list[str]:
    text = re.sub(r"\[\[([^\]|]*)[^\]]*\]\]", r"\1", text)  # cloze blanks read as their answer
    return re.findall(r"[a-z0-9]+", text.lower().replace("'", "").replace("-", ""))


def _texts(bank):
    yield bank.summary
    for question in bank.questions:
        yield from (question.prompt or "", question.explanation or "")
        yield from (str(v) for v in question.body.values() if isinstance(v, str))
        if not isinstance(question.card, bool):
            yield from (question.card.front, question.card.back)
    for card in bank.cards:
        yield from (card.front, card.back)


@pytest.mark.skipif(not SOURCE.exists(), reason="the shared source text is not beside the repo")
def test_no_run_of_eight_words_is_copied_from_the_source(banks):
    source = _words(SOURCE.read_text(encoding="utf-8"))
    runs = {tuple(source[i : i + COPY_RUN]) for i in range(len(source) - COPY_RUN + 1)}
    copied = []
    for bank in banks:
        for text in _texts(bank):
            words = _words(text)
            for i in range(len(words) - COPY_RUN + 1):
                if tuple(words[i : i + COPY_RUN]) in runs:
                    copied.append(f"{bank.id}: {' '.join(words[i : i + COPY_RUN])}")
    assert copied == []
