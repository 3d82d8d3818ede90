"""The `quizapp` console script: Flask's CLI bound to the app factory (commands in cli.py)."""

from __future__ import annotations

import click
from flask.cli import FlaskGroup

from . import create_app


def _create_app(*_args):
    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=True)
def main() -> None:
    """quizapp: quizzes and spaced-repetition flashcards (run, db, questions, ...)."""
