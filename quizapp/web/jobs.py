"""Work that outlives its request: a daemon thread of the web process with its own app context
and database session. What it does is recorded in the database (a run row with its progress),
so any process can show it; a thread that dies with its process leaves a run that reads as
interrupted."""

from __future__ import annotations

import threading

from flask import current_app

from ..extensions import db
from ..services import study


def optimise_in_background(run_id: int) -> threading.Thread:
    """Do the queued optimiser run `run_id` in a background thread."""
    app = current_app._get_current_object()

    def work() -> None:
        with app.app_context():
            try:
                study.run_optimiser(db.session, run_id)
            except Exception:
                app.logger.exception("optimiser run %s failed", run_id)
                _record_failure(run_id)
            finally:
                db.session.remove()

    thread = threading.Thread(target=work, name=f"optimiser-run-{run_id}", daemon=True)
    thread.start()
    return thread


def _record_failure(run_id: int) -> None:
    """Close the run as failed; if even that fails (the database is gone), it will read as
    interrupted once it is stale."""
    db.session.rollback()
    try:
        study.fail_run(db.session, run_id, "Something went wrong; try again later.")
    except Exception:
        current_app.logger.exception("could not record that optimiser run %s failed", run_id)
