"""quizapp: quizzes and spaced-repetition flashcards from instructor-written question banks."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, abort, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from jinja2 import ChoiceLoader, FunctionLoader
from markupsafe import Markup
from sqlalchemy.engine import make_url
from werkzeug.routing import IntegerConverter

from . import api, database, formatting, qtypes
from .api.problems import http_problem
from .auth.views import bp as auth_bp
from .authoring.views import bp as authoring_bp
from .banks.files import shown_name
from .classes.views import bp as classes_bp
from .classroom.views import bp as classroom_bp
from .cli import backup_command, demo_command, questions, restore_command, serve_command, users
from .cli_study import quizzes_group, study_group
from .cli_tokens import tokens_group
from .config import DEFAULTS, load_secret_key, settings_from_environment
from .errors import register_storage_fault_pages
from .extensions import bootstrap, csrf, db, login_manager, migrate
from .main.views import bp as main_bp
from .markdown import render_bank_inline, render_bank_markdown, render_inline, render_markdown
from .progress.views import bp as progress_bp
from .quiz.views import bp as quiz_bp
from .security import init_app as register_transport_security
from .services.accounts import load_session_user
from .study.views import bp as study_bp
from .web.chrome import deck_links, page_chrome, row_links

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


class BoundedInt(IntegerConverter):
    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def create_app(config: dict | None = None) -> Flask:
    """Build the app: settings, extensions, blueprints, commands, error pages. Nothing else."""
    instance_path = os.environ.get("QUIZAPP_INSTANCE_PATH")
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    # Ids in URLs are database integers: anything larger is simply not found.
    app.url_map.converters["int"] = BoundedInt
    app.config.update(DEFAULTS)
    app.config.update(settings_from_environment(Path(app.instance_path)))
    app.config.update(config or {})
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_secret_key(Path(app.instance_path))
    _ensure_sqlite_folder(app)
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A server can drop idle connections; a SQLite file cannot.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            "pool_pre_ping": True,
            **app.config["SQLALCHEMY_ENGINE_OPTIONS"],
        }

    # First registered, so their request hooks run first and their response hooks last.
    register_transport_security(app)
    register_response_hooks(app)
    register_extensions(app)
    register_blueprints(app)
    register_template_helpers(app)
    register_commands(app)
    return app


CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",  # Bootstrap's form controls draw with data: SVGs
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)


def register_response_hooks(app: Flask) -> None:

    @app.before_request
    def refuse_nul_characters():
        # No text we keep may hold NUL (PostgreSQL refuses it); say so instead of failing later.
        values = [
            *request.args.values(),
            *request.form.values(),
            *(request.view_args or {}).values(),
        ]
        values = [value for value in values if isinstance(value, str)]
        if any("\x00" in value for value in values):
            abort(400)

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        static = (request.endpoint or "").endswith("static")
        if not static and current_user.is_authenticated:
            # Pages with personal data must not be kept by browsers or shared caches.
            headers["Cache-Control"] = "no-store"
        return response


def _ensure_sqlite_folder(app: Flask) -> None:
    path = database.sqlite_file(make_url(app.config["SQLALCHEMY_DATABASE_URI"]))
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            database.configure(engine)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    csrf.init_app(app)
    bootstrap.init_app(app)
    login_manager.init_app(app)

    @login_manager.user_loader
    def load_user(token: str):
        return load_session_user(db.session, token)


def register_blueprints(app: Flask) -> None:
    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(quiz_bp)
    app.register_blueprint(study_bp)
    app.register_blueprint(progress_bp)
    app.register_blueprint(classroom_bp)
    app.register_blueprint(classes_bp)
    app.register_blueprint(authoring_bp)
    api.register(app)
    register_error_pages(app)


def register_error_pages(app: Flask) -> None:
    messages = {
        400: "The request could not be understood.",
        403: "You are not allowed to see this page.",
        404: "There is nothing here.",
        405: "That action is not available here.",
        413: "That request is too large.",
        429: "Too many requests; wait a moment.",
    }

    def render_error(error):
        if request.path.startswith("/api/"):
            return http_problem(error)  # a URL no API operation has
        code = getattr(error, "code", 500) or 500
        message = messages.get(code, "Something went wrong on our side.")
        return render_template("error.html", code=code, message=message), code

    for code in messages:
        app.register_error_handler(code, render_error)

    register_storage_fault_pages(app)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        message = "This form expired or was sent from elsewhere. Go back, reload and try again."
        return render_template("error.html", code=400, message=message), 400


def _question_type_template(name: str):
    """Templates of question types defined outside the app (such as a test's own type)."""
    path = qtypes.template_path(name)
    if path is None or not path.is_file():
        return None
    return path.read_text(encoding="utf-8"), str(path), lambda: True


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.loader = ChoiceLoader(
        [app.jinja_env.loader, FunctionLoader(_question_type_template)]
    )
    app.jinja_env.globals["page_chrome"] = page_chrome
    app.jinja_env.globals["row_links"] = row_links
    app.jinja_env.globals["deck_links"] = deck_links
    app.jinja_env.filters["markdown"] = lambda text: Markup(render_markdown(text))
    app.jinja_env.filters["markdown_inline"] = lambda text: Markup(render_inline(text))
    app.jinja_env.filters["points"] = formatting.points
    app.jinja_env.filters["out_of"] = formatting.out_of
    app.jinja_env.filters["count_of"] = formatting.count_of
    app.jinja_env.filters["percent_of"] = formatting.percent
    app.jinja_env.filters["pct"] = formatting.pct
    # For bank text only (kept once rendered): never for anything a user typed.
    app.jinja_env.filters["bank_markdown"] = lambda text: Markup(render_bank_markdown(text))
    app.jinja_env.filters["bank_markdown_inline"] = lambda text: Markup(render_bank_inline(text))
    # Bank files are named relative to the questions folder: never a server's directories.
    app.jinja_env.filters["source"] = lambda where: where.shown(app.config["QUESTIONS_DIR"])
    app.jinja_env.filters["source_name"] = lambda path: shown_name(
        path, app.config["QUESTIONS_DIR"]
    )


def register_commands(app: Flask) -> None:
    app.cli.add_command(questions)
    app.cli.add_command(users)
    app.cli.add_command(demo_command)
    app.cli.add_command(serve_command)
    app.cli.add_command(study_group)
    app.cli.add_command(quizzes_group)
    app.cli.add_command(tokens_group)
    # Flask-Migrate's `db` group gets the two commands that keep the data safe.
    app.cli.commands["db"].add_command(backup_command)
    app.cli.commands["db"].add_command(restore_command)
