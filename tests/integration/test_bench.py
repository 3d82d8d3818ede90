"""The CPU benchmark runs end to end at a tiny size. Its numbers are printed, never asserted:
this checks only that the script runs and prints its tables."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

# Options of bench/cpu.py for a run of a few seconds.
TINY = {
    "students": 3,
    "class-students": 4,
    "days": 3,
    "rounds": 2,
    "warmup": 1,
    "history-days": 2,
    "history-per-day": 2,
    "history-attempts": 1,
}


@pytest.mark.bench
def test_cpu_benchmark_runs_and_prints_its_table(tmp_path):
    options = [part for key, value in TINY.items() for part in (f"--{key}", str(value))]
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "cpu.py"), "--keep", str(tmp_path), *options],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    for line in (
        "CPU per request",
        "floor (bench/floor.py)",
        "question page (GET)",
        "answer (practice check, POST)",
        "next flashcard (GET /study/all)",
        "grade a flashcard (JSON POST)",
        "progress dashboard",
        "class overview (instructor)",
        "item analysis, busiest bank",
        "scaling: the same student",
        "item analysis of",
    ):
        assert line in out, out
