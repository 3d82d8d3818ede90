"""How long grading a typed answer takes (issue 13): the normaliser, a whole judgement against
each shipped short-answer and cloze question, and the B7 probe's pattern on hostile input.
Prints numbers; asserts nothing.

    .venv/bin/python bench/grading.py [--repeat 2000]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from quizapp import qtypes
from quizapp.banks.loader import load_paths
from quizapp.qtypes.textmatch import TextKey, judge, normalise

ROOT = Path(__file__).resolve().parent.parent
RESPONSES = ["Ernie Bott", "31 August 2023", "the Lensa app", "x" * 500, "a " * 250]


def per_call(function, repeat: int) -> float:
    """Median microseconds per call over five batches."""
    times = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(repeat):
            function()
        times.append((time.perf_counter() - start) / repeat * 1e6)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=2000)
    repeat = parser.parse_args().repeat
    questions = [
        q.to_data()
        for bank in load_paths([ROOT / "questions"]).banks
        for q in bank.questions
        if q.type in ("short", "cloze")
    ]
    print(f"{'what':<52} {'µs/call':>9}")
    uncached = normalise.__wrapped__  # the cache would hide the work
    for response in RESPONSES:
        label = f"normalise({response[:12]!r}{'...' if len(response) > 12 else ''})"
        print(f"{label:<52} {per_call(lambda r=response: uncached(r), repeat):9.1f}")
    for response in RESPONSES:

        def grade_all(r=response):
            for data in questions:
                typed = r if data["type"] == "short" else [r] * data["text"].count("[[")
                qtypes.get(data["type"]).grade(data, typed)

        micro = per_call(grade_all, max(1, repeat // 100)) / len(questions)
        label = f"grade one question, mean of {len(questions)} ({response[:10]!r})"
        print(f"{label:<52} {micro:9.1f}")
    probe = TextKey(["Bletchley Park"], pattern=r"(\w+\s?)+ Park")
    hostile = "a" * 40 + "!"
    print(
        f"{'B7 probe pattern, 41 chars (re hung 30 s)':<52} "
        f"{per_call(lambda: judge(hostile, probe), repeat):9.1f}"
    )
    longest = "a" * 499 + "!"
    print(
        f"{'B7 probe pattern, 500 chars':<52} "
        f"{per_call(lambda: judge(longest, probe), repeat // 10):9.1f}"
    )


if __name__ == "__main__":
    main()
