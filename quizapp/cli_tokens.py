"""`quizapp tokens`: personal access tokens for scripts and CI, made by an admin on the server.
The token is printed once, on standard output alone, so `$(quizapp tokens create ...)` keeps it."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from .extensions import db
from .services import tokens
from .services.accounts import find_user


@click.group("tokens")
def tokens_group() -> None:
    """Personal access tokens for the JSON API."""


@tokens_group.command("create")
@click.option("--user", "username", required=True, help="Whose token it is.")
@click.option(
    "--scope",
    "scopes",
    required=True,
    multiple=True,
    type=click.Choice(tokens.SCOPES),
    help="read, study or author (author: instructors and admins); repeat for more than one.",
)
@click.option("--name", default="command line", show_default=True, help="A label for it.")
@with_appcontext
def create_command(username: str, scopes: tuple[str, ...], name: str) -> None:
    """Make a token and print it (once: only its digest is kept)."""
    user = find_user(db.session, username)
    if user is None:
        raise click.ClickException(f"no user '{username}'")
    try:
        made = tokens.create_token(db.session, user, name, scopes)
    except tokens.TokenError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"token {made.row.id} for '{user.username}' ({made.row.scopes}):", err=True)
    click.echo(made.secret)


@tokens_group.command("list")
@with_appcontext
def list_command() -> None:
    """Every token: id, user, scopes, name, created, last used, revoked."""
    rows = tokens.all_tokens(db.session)
    if not rows:
        click.echo("no tokens", err=True)
    for row in rows:
        used = row.last_used_at.isoformat(" ", "minutes") if row.last_used_at else "never"
        status = f"revoked {row.revoked_at:%Y-%m-%d %H:%M}" if row.revoked_at else "active"
        click.echo(
            f"{row.id}\t{row.user.username}\t{row.scopes.replace(' ', ',')}\t{row.name}\t"
            f"{row.hint}...\tcreated {row.created_at:%Y-%m-%d %H:%M}\tlast used {used}\t{status}"
        )


@tokens_group.command("revoke")
@click.argument("token_id", type=click.IntRange(0, 2**31 - 1))
@with_appcontext
def revoke_command(token_id: int) -> None:
    """Revoke a token by its id (see `quizapp tokens list`)."""
    row = tokens.revoke(db.session, token_id)
    if row is None:
        raise click.ClickException(f"no token {token_id}")
    click.echo(f"revoked token {row.id} ('{row.name}' of '{row.user.username}')")
