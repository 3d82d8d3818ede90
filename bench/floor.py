"""The floor: the least a request that does real work costs on quizapp's stack.

Flask + Flask-SQLAlchemy on a SQLite file in WAL mode with quizapp's connection settings; one
POST that verifies the signed session cookie, loads the user by id, runs one more indexed
SELECT, parses a small form, INSERTs one row in a write transaction (BEGIN IMMEDIATE, as quizapp
does) and renders a small Jinja template that extends a base. bench/cpu.py compares every
quizapp request with this one. It imports nothing from quizapp, so it stays the same while the
app changes.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import Flask, abort, render_template, request, session
from flask_sqlalchemy import SQLAlchemy
from jinja2 import DictLoader
from sqlalchemy import event
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

WRITE = "floor_write"
PRAGMAS = ("foreign_keys=ON", "busy_timeout=15000", "journal_mode=WAL", "synchronous=NORMAL")
TEMPLATES = {
    "base.html": """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{% block title %}{% endblock %} · floor</title>
<link rel="stylesheet" href="/static/style.css"></head>
<body><nav><a href="/">Home</a> <span>{{ member.name }}</span></nav>
<main>{% block content %}{% endblock %}</main></body></html>""",
    "note.html": """{% extends "base.html" %}
{% block title %}Note {{ note.id }}{% endblock %}
{% block content %}<h1>{{ note.title }}</h1><p>{{ note.body }}</p>
<p>Rated {{ note.rating }}; your previous note: {{ previous or "none" }}.</p>
<ul>{% for word in note.body.split()[:10] %}<li>{{ word }}</li>{% endfor %}</ul>
{% endblock %}""",
}


class Base(DeclarativeBase):
    pass


# As quizapp: objects stay loaded after a commit (no reload to render the page).
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})


class Member(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(40), unique=True)


class Note(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("member.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(100))
    body: Mapped[str] = mapped_column(sa.Text)
    rating: Mapped[int]
    created_at: Mapped[datetime]


def _configure(dbapi_connection, _record) -> None:
    # quizapp's settings; quizapp's own listener (on every Engine) may have set them already.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in PRAGMAS:
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _begin(connection) -> None:
    driver = connection.connection.driver_connection
    # When quizapp is imported in the same process (bench/cpu.py), its listener on every Engine
    # has begun the transaction already, with a plain BEGIN: beginning twice would fail. The
    # write then takes the lock at its INSERT rather than at BEGIN, for the same CPU.
    if isinstance(driver, sqlite3.Connection) and not driver.in_transaction:
        write = connection.get_execution_options().get(WRITE, False)
        driver.execute("BEGIN IMMEDIATE" if write else "BEGIN")


def create_floor_app(path: str, secret_key: str = "floor-secret") -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY=secret_key, SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    app.jinja_loader = DictLoader(TEMPLATES)
    db.init_app(app)
    with app.app_context():
        event.listen(db.engine, "connect", _configure)
        event.listen(db.engine, "begin", _begin)

    @app.post("/login/<int:member_id>")
    def login(member_id: int):
        session["member"] = member_id
        return "ok"

    @app.post("/notes")
    def add_note():
        member = db.session.get(Member, session.get("member", 0))
        if member is None:
            abort(403)
        previous = db.session.scalar(
            sa.select(Note.created_at)
            .where(Note.member_id == member.id)
            .order_by(Note.id.desc())
            .limit(1)
        )
        title = request.form.get("title", "").strip()[:100]
        body = request.form.get("body", "").strip()
        rating = request.form.get("rating", type=int)
        if not title or rating is None:
            abort(400)
        db.session.commit()  # the read transaction ends; the write one takes the lock
        db.session.connection(execution_options={WRITE: True})
        note = Note(
            member_id=member.id,
            title=title,
            body=body,
            rating=rating,
            created_at=datetime.now(UTC).replace(tzinfo=None),
        )
        db.session.add(note)
        db.session.commit()
        return render_template("note.html", member=member, note=note, previous=previous)

    return app


def fill(app: Flask, members: int = 200, notes_each: int = 20) -> None:
    """Create the tables and some members with notes (so the SELECT has rows to search)."""
    with app.app_context():
        db.create_all()
        now = datetime.now(UTC).replace(tzinfo=None)
        db.session.execute(
            sa.insert(Member), [{"name": f"member{i}"} for i in range(1, members + 1)]
        )
        db.session.execute(
            sa.insert(Note),
            [
                {"member_id": m, "title": "t", "body": "b", "rating": 3, "created_at": now}
                for m in range(1, members + 1)
                for _ in range(notes_each)
            ],
        )
        db.session.commit()


def serve(path: str) -> Flask:
    """The floor app on a database that fill() made, with a page to tell it is up: gunicorn's
    entry for bench/load.py."""
    app = create_floor_app(path)
    app.add_url_rule("/up", "up", lambda: "up")
    return app
