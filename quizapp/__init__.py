"""quizapp: quizzes and spaced-repetition flashcards from instructor-written question banks."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from markupsafe import Markup

from . import database  # noqa: F401  (registers the SQLite connection settings)
from .config import DEFAULTS, load_secret_key, settings_from_environment
from .extensions import bootstrap, csrf, db, migrate
from .markdown import render_inline, render_markdown

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def create_app(config: dict | None = None) -> Flask:
    """Build the app: settings, extensions, blueprints, commands, error pages. Nothing else."""
    instance_path = os.environ.get("QUIZAPP_INSTANCE_PATH")
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    app.config.update(DEFAULTS)
    app.config.update(settings_from_environment(Path(app.instance_path)))
    app.config.update(config or {})
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_secret_key(Path(app.instance_path))
    _ensure_sqlite_folder(app)

    register_extensions(app)
    register_blueprints(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def _ensure_sqlite_folder(app: Flask) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///") and uri != "sqlite:///:memory:":
        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    csrf.init_app(app)
    bootstrap.init_app(app)


def register_blueprints(app: Flask) -> None:
    from .main.views import bp as main_bp

    app.register_blueprint(main_bp)


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters["markdown"] = lambda text: Markup(render_markdown(text))
    app.jinja_env.filters["markdown_inline"] = lambda text: Markup(render_inline(text))


def register_commands(app: Flask) -> None:
    from .cli import questions

    app.cli.add_command(questions)
