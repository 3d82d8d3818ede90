"""Configuration: defaults, then QUIZAPP_* environment variables, then the dict a caller passes."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from .throttling import PER_ACCOUNT, PER_ADDRESS

SECRET_KEY_FILE = "secret_key"


def load_secret_key(instance_path: Path) -> str:
    """Return QUIZAPP_SECRET_KEY, or a key generated once and kept in the instance folder."""
    from_env = os.environ.get("QUIZAPP_SECRET_KEY")
    if from_env:
        return from_env
    key_file = instance_path / SECRET_KEY_FILE
    try:
        return key_file.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        pass
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # O_EXCL: when two processes start at once, exactly one writes the key and both use it.
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key)
    return key


def settings_from_environment(instance_path: Path) -> dict:
    """Build the settings that come from the environment (or its defaults)."""
    database_url = os.environ.get("QUIZAPP_DATABASE_URL") or (
        f"sqlite:///{instance_path / 'quizapp.db'}"
    )
    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "QUESTIONS_DIR": os.environ.get("QUIZAPP_QUESTIONS_DIR", "questions"),
    }


DEFAULTS: dict = {
    "SQLALCHEMY_ENGINE_OPTIONS": {},
    "BOOTSTRAP_SERVE_LOCAL": True,
    "BOOTSTRAP_BOOTSWATCH_THEME": None,
    # Whole requests; each uploaded bank file is also capped (UPLOAD_FILE_LIMIT).
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
    "UPLOAD_FILE_LIMIT": 2 * 1024 * 1024,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,
    # Failed logins allowed per 15 minutes, counted in the database across processes.
    "LOGIN_FAILURES_PER_ACCOUNT": PER_ACCOUNT.failures,
    "LOGIN_FAILURES_PER_ADDRESS": PER_ADDRESS.failures,
}
