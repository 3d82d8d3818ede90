"""Public pages: the list of banks, one bank's page, and the health check."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, render_template

from ..extensions import db
from ..services.catalogue import bank_listing, bank_overview

bp = Blueprint("main", __name__)


@bp.get("/")
def home():
    return render_template("main/home.html", banks=bank_listing(db.session))


@bp.get("/banks/<slug>")
def bank(slug: str):
    overview = bank_overview(db.session, slug)
    if overview is None:
        abort(404)
    return render_template("main/bank.html", overview=overview)


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return {"status": "error", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}
