"""What the query benchmarks share: a throwaway database with the shipped banks, and a timer."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def median_ms(function, repeat: int = 7) -> float:
    """Median wall time in ms of `function()` (after one warm-up call)."""
    function()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def app_with_banks(name: str, database_url: str | None = None):
    """An app on a fresh database (a SQLite file in a new temporary folder unless a URL is
    given), migrated to the head and holding the ten banks. Call it before importing models
    elsewhere: the instance folder is chosen here."""
    folder = tempfile.mkdtemp(prefix=f"quizapp-{name}-")
    os.environ["QUIZAPP_INSTANCE_PATH"] = folder
    from flask_migrate import upgrade

    from quizapp import create_app
    from quizapp.banks.loader import load_paths
    from quizapp.extensions import db
    from quizapp.services.importer import import_banks

    url = database_url or f"sqlite:///{folder}/{name}.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        import_banks(db.session, load_paths([ROOT / "questions"]).banks)
        db.session.remove()
    return app
