"""The instructors' and operators' commands of `quizapp` (the script itself: console.py)."""

from __future__ import annotations

import os
import sqlite3
import sys
from datetime import datetime
from pathlib import Path

import click
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask import current_app
from flask.cli import with_appcontext

from .banks.anki import write_apkg
from .banks.document import LoadResult
from .banks.export import FORMATS, MOODLE_FORMATS, bank_filename
from .banks.loader import load_paths
from .banks.schema import schema_text
from .database import StorageFault, storage_fault
from .extensions import db
from .models import ROLES
from .services import backup
from .services.accounts import (
    AccountError,
    clear_login_failures,
    create_user,
    normalise_username,
    reset_password,
    set_role,
)
from .services.demo import DEMO_PASSWORD, generate, history_end
from .services.exporter import export_banks
from .services.importer import ImportBusy, import_banks, plan_import


@click.group()
def questions() -> None:
    """Check, import and export question banks."""


def _paths(paths: tuple[str, ...]) -> list[str]:
    return list(paths) or [current_app.config["QUESTIONS_DIR"]]


def _report(result: LoadResult, strict: bool) -> None:
    for problem in result.problems:
        click.echo(str(problem), err=True)
    errors, warnings = len(result.errors), len(result.warnings)
    questions_count = sum(len(bank.questions) for bank in result.banks)
    verdict = "ok" if result.ok(strict) else "FAILED"
    click.echo(
        f"{verdict}: {result.files} file(s), {len(result.banks)} bank(s), "
        f"{questions_count} question(s); {errors} error(s), {warnings} warning(s)"
        + (" (warnings count as errors with --strict)" if strict and warnings else "")
    )


@questions.command("check")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@with_appcontext
def check_command(paths: tuple[str, ...], strict: bool) -> None:
    """Validate bank files (default: the questions directory) and print every problem."""
    result = load_paths(_paths(paths))
    _report(result, strict)
    if not result.ok(strict):
        sys.exit(1)


@questions.command("import")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--dry-run", is_flag=True, help="Show what would change and change nothing.")
@click.option("--strict", is_flag=True, help="Refuse to import while any warning remains.")
@with_appcontext
def import_command(paths: tuple[str, ...], dry_run: bool, strict: bool) -> None:
    """Check bank files and, if there is no error, apply them all in one transaction."""
    targets = _paths(paths)
    result = load_paths(targets)
    if not result.ok(strict):
        _report(result, strict)
        click.echo("nothing imported", err=True)
        sys.exit(1)
    for problem in result.problems:
        click.echo(str(problem), err=True)
    directories = [path for path in targets if Path(path).is_dir()]
    if dry_run:
        plan = plan_import(db.session, result.banks, retire_under=directories)
        db.session.rollback()  # ends the read; a plan never writes
        click.echo("dry run, would have: " + plan.report.summary())
        return
    try:
        report = import_banks(db.session, result.banks, retire_under=directories)
    except (sa.exc.DBAPIError, sqlite3.Error, StorageFault) as exc:
        fault = storage_fault(exc)
        if fault is None:
            raise
        if isinstance(exc, ImportBusy):
            raise click.ClickException(str(exc)) from exc
        reason = getattr(exc, "orig", None) or exc
        message = f"the database cannot take the import ({fault}: {reason}); nothing was imported"
        raise click.ClickException(message) from exc
    click.echo(report.summary())


@questions.command("schema")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="File to write.")
def schema_command(output: str | None) -> None:
    """Print (or write) the JSON Schema of bank files, generated from the question types."""
    if output:
        Path(output).write_text(schema_text(), encoding="utf-8")
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(schema_text(), nl=False)


EXPORT_FORMATS = sorted([*FORMATS, *MOODLE_FORMATS, "anki"])


@questions.command("export")
@click.option(
    "--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="yaml", show_default=True
)
@click.option(
    "-o",
    "--output",
    type=click.Path(),
    help="File to write (default: standard output); an existing directory gets one file per "
    "bank. An Anki package (--format anki) needs a file: -o FILE.apkg.",
)
@with_appcontext
def export_command(fmt: str, output: str | None) -> None:
    """Write the active banks from the database: YAML, JSON, GIFT or Moodle XML (Moodle), or
    Anki (.apkg). What GIFT or Moodle XML cannot hold is listed as a warning."""
    banks = export_banks(db.session)
    if fmt == "anki":
        if not output or Path(output).is_dir():
            raise click.UsageError("an Anki package is binary: give a file, -o FILE.apkg")
        notes = write_apkg(banks, output)
        click.echo(f"wrote {len(banks)} deck(s), {notes} note(s) to {output}", err=True)
        return
    if fmt in MOODLE_FORMATS:
        writer, suffix = MOODLE_FORMATS[fmt]
        for line in writer(banks).messages():
            click.echo(f"warning: {line}", err=True)

        def dump(group: list[dict]) -> str:
            return writer(group).text

    else:
        suffix, dump = "." + fmt, FORMATS[fmt]
    if output and Path(output).is_dir():
        for bank in banks:
            (Path(output) / bank_filename(bank, suffix)).write_text(dump([bank]), encoding="utf-8")
        click.echo(f"wrote {len(banks)} bank file(s) to {output}", err=True)
        return
    text = dump(banks)
    if output:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"wrote {len(banks)} bank(s) to {output}", err=True)
    else:
        click.echo(text, nl=False)


@click.group()
def users() -> None:
    """Create accounts and set their roles (there is no default account)."""


@users.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), default="student", show_default=True)
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from standard input (for scripts)."
)
@with_appcontext
def create_user_command(name: str, role: str, password_stdin: bool) -> None:
    """Create user NAME; the password comes from a prompt, or from stdin when piped."""
    try:
        user = create_user(db.session, name, _new_password(password_stdin), role)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"created {user.role} '{user.username}'")


def _new_password(from_stdin: bool) -> str:
    """A password from stdin (piped, or with --password-stdin) or from a prompt asked twice."""
    if from_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@users.command("set-password")
@click.argument("name")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from standard input (for scripts)."
)
@with_appcontext
def set_password_command(name: str, password_stdin: bool) -> None:
    """Give user NAME a new password (for one who forgot theirs); their sessions end."""
    try:
        user = reset_password(db.session, name, _new_password(password_stdin))
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"new password set for '{user.username}'; their sessions have ended")


@users.command("set-role")
@click.argument("name")
@click.argument("role", type=click.Choice(ROLES))
@with_appcontext
def set_role_command(name: str, role: str) -> None:
    """Give user NAME the role ROLE (student, instructor or admin)."""
    try:
        user = set_role(db.session, name, role)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"'{user.username}' is now {user.role}")


@users.command("unlock")
@click.argument("name")
@with_appcontext
def unlock_command(name: str) -> None:
    """Forget NAME's failed logins, so the login limits let them in at once."""
    cleared = clear_login_failures(db.session, name)
    click.echo(f"cleared {cleared} failed login(s) of '{normalise_username(name)}'")


@click.command("demo")
@click.option("--students", default=30, show_default=True, type=click.IntRange(1, 1_000_000))
@click.option("--days", default=90, show_default=True, type=click.IntRange(1, 3650))
@click.option("--seed", default=1, show_default=True, type=int, help="Same seed, same data.")
@click.option(
    "--until",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="End the history on this day (UTC) instead of now; with --seed, the same data "
    "whenever it runs.",
)
@with_appcontext
def demo_command(students: int, days: int, seed: int, until: datetime | None) -> None:
    """Fill the database with fake students, their quizzes and reviews, and classes with
    instructors, assignments (closed, open, upcoming) and overrides (needs banks loaded)."""
    try:
        report = generate(db.session, students, days, seed, history_end(until))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(report.summary())
    click.echo(f"every demo account's password (students and instructors): {DEMO_PASSWORD!r}")


@click.command("backup")
@click.argument("file", type=click.Path())
@click.option("--force", is_flag=True, help="Replace FILE if it exists (never the live database).")
@with_appcontext
def backup_command(file: str, force: bool) -> None:
    """Make a consistent copy of the live SQLite database in FILE (safe while it is in use)."""
    try:
        live = backup.sqlite_path(db.engine.url)
        revision = backup.backup(live, Path(file), force=force)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"backed up {live} to {file} (schema {revision}, integrity ok)")


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, exists=True))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the database.")
@with_appcontext
def restore_command(file: str, yes: bool) -> None:
    """Check a backup, then put it in place of the live SQLite database."""
    try:
        live = backup.sqlite_path(db.engine.url)
        backup.check_file(Path(file))
        if not yes:
            click.confirm(f"Replace {live} with {file}?", abort=True)
        known = {script.revision for script in current_migrations().walk_revisions()}
        revision = backup.restore(Path(file), live, known)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    db.engine.dispose()
    click.echo(f"restored {file} (schema {revision}); run `quizapp db upgrade` if it is older")


def current_migrations() -> ScriptDirectory:
    return ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())


SERVE_TIMEOUT = 120  # seconds; gunicorn's own 30 s is too short to import a 2 MB upload


@click.command("serve", context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.option("--bind", "-b", default="127.0.0.1:8000", show_default=True)
@click.option(
    "--workers", "-w", type=int, default=None, help="Default: 2 x CPU cores + 1 (sync workers)."
)
@click.option("--worker-class", "-k", default="sync", show_default=True)
@click.option(
    "--timeout",
    "-t",
    type=click.IntRange(1),
    default=SERVE_TIMEOUT,
    show_default=True,
    help="Seconds a request may take before gunicorn restarts its worker "
    "(a 2 MB bank upload takes tens of seconds).",
)
@click.pass_context
def serve_command(
    ctx: click.Context, bind: str, workers: int | None, worker_class: str, timeout: int
) -> None:
    """Serve the app with gunicorn (for real use); extra options go to gunicorn."""
    workers = workers or 2 * (os.cpu_count() or 1) + 1
    argv = [
        sys.executable, "-m", "gunicorn", "--bind", bind, "--workers", str(workers),
        "--worker-class", worker_class, "--timeout", str(timeout), "--access-logfile", "-",
        # The app alone decides whose X-Forwarded-* to believe (QUIZAPP_TRUSTED_PROXIES);
        # gunicorn would otherwise take X-Forwarded-Proto from any local client.
        "--forwarded-allow-ips", "", *ctx.args,
        "quizapp:create_app()",
    ]  # fmt: skip
    click.echo(f"serving on http://{bind} with {workers} {worker_class} worker(s)", err=True)
    os.execv(sys.executable, argv)
