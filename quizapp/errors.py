"""Storage faults (a full disk, a read-only database, a lock held too long) as a clear 503.

Every write runs in one transaction that is rolled back whole when it fails, so a fault leaves
nothing half-written; what is left is to tell the user plainly that nothing was saved, and to
show them what they sent so that retyping it is never needed.
"""

from __future__ import annotations

import sqlite3

import sqlalchemy as sa
from flask import Flask, current_app, render_template, request

from .database import StorageFault, storage_fault
from .extensions import db

REASONS = {
    "full": "the server's disk is full",
    "read-only": "the database is read-only at the moment",
    "busy": "the database is busy with another long change",
    "unreachable": "the database cannot be reached",
}
# Posted fields that are not the user's own words, or must never be echoed back.
NOT_SHOWN = ("csrf_token", "step", "action", "position", "card_id", "version", "review_id")
SHOWN_FIELDS, SHOWN_CHARACTERS = 20, 2000
RETRY_AFTER_SECONDS = "30"
# SQLAlchemy wraps errors from statements; the write-lock retry raises sqlite3's own.
STORAGE_ERRORS = (sa.exc.DBAPIError, sqlite3.Error, StorageFault)


def posted_values() -> list[tuple[str, str]]:
    """What the user typed or chose in the failed form, passwords and hidden fields left out."""
    values = []
    for key, value in request.form.items(multi=True):
        lowered = key.lower()
        if key in NOT_SHOWN or "password" in lowered or lowered == "confirm" or not value.strip():
            continue
        values.append((key, value[:SHOWN_CHARACTERS]))
    return values[:SHOWN_FIELDS]


def wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json" or request.is_json


def storage_fault_response(error: Exception):
    fault = storage_fault(error)
    if fault is None:
        raise error  # not a storage fault: Flask logs it and answers with its 500 page
    db.session.rollback()
    current_app.logger.warning(
        "storage fault (%s) on %s %s: %s", fault, request.method, request.path, error
    )
    writing = request.method not in ("GET", "HEAD")
    reason = REASONS[fault]
    if writing:
        message = f"Can't save right now: {reason}. Nothing was saved."
    else:
        message = f"This page can't be shown right now: {reason}. Nothing was changed."
    headers = {"Retry-After": RETRY_AFTER_SECONDS}
    if wants_json():
        return {"ok": False, "saved": False, "fault": fault, "message": message}, 503, headers
    try:
        page = render_template(
            "storage_fault.html", message=message, writing=writing, posted=posted_values()
        )
    except Exception:  # the page itself needs the database (the logged-in user): plain text
        db.session.rollback()
        return message, 503, {**headers, "Content-Type": "text/plain; charset=utf-8"}
    return page, 503, headers


def register_storage_fault_pages(app: Flask) -> None:
    for error in STORAGE_ERRORS:
        app.register_error_handler(error, storage_fault_response)
