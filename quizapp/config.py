"""Configuration: defaults, then QUIZAPP_* environment variables, then the dict a caller passes."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from .throttling import REGISTRATIONS_PER_ADDRESS, LoginPolicy

# Integer settings that an environment variable QUIZAPP_<NAME> may set.
INTEGER_SETTINGS = (
    "TRUSTED_PROXIES",
    "LOGIN_FAILURES_PER_ACCOUNT",
    "LOGIN_FAILURES_PER_ACCOUNT_TOTAL",
    "LOGIN_FAILURES_PER_ADDRESS",
    "REGISTRATIONS_PER_ADDRESS",
    "FORM_REQUEST_LIMIT",
    "FORM_FIELD_LIMIT",
    "ABANDON_PRACTICE_DAYS",
    "ITEM_MIN_RESPONSES",
)

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
    settings = {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "QUESTIONS_DIR": os.environ.get("QUIZAPP_QUESTIONS_DIR", "questions"),
    }
    for name in INTEGER_SETTINGS:
        value = os.environ.get(f"QUIZAPP_{name}", "").strip()
        if value:
            least = 0 if name == "TRUSTED_PROXIES" else 1
            if not (value.isascii() and value.isdigit() and int(value) >= least):
                raise ValueError(f"QUIZAPP_{name} must be a whole number of at least {least}")
            settings[name] = int(value)
    return settings


DEFAULTS: dict = {
    "SQLALCHEMY_ENGINE_OPTIONS": {},
    "BOOTSTRAP_SERVE_LOCAL": True,
    "BOOTSTRAP_BOOTSWATCH_THEME": None,
    # Whole requests to the upload route; each uploaded bank file is also capped.
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
    "UPLOAD_FILE_LIMIT": 2 * 1024 * 1024,
    # Every other request is small: a whole body, and one text field of a multipart form.
    "FORM_REQUEST_LIMIT": 256 * 1024,
    "FORM_FIELD_LIMIT": 64 * 1024,
    # How many reverse proxies in front of the app set X-Forwarded-For/-Proto/-Host (0: none: the
    # headers are ignored and the connection's own address and scheme count).
    "TRUSTED_PROXIES": 0,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,
    # Per 15 minutes, counted in the database across processes (see quizapp.throttling):
    # failed password checks on one account from one address, on one account from all
    # addresses, and from one address before it is slowed down; new accounts per address
    # before each further one waits longer.
    "LOGIN_FAILURES_PER_ACCOUNT": LoginPolicy.per_account,
    "LOGIN_FAILURES_PER_ACCOUNT_TOTAL": LoginPolicy.account_ceiling,
    "LOGIN_FAILURES_PER_ADDRESS": LoginPolicy.per_address,
    "REGISTRATIONS_PER_ADDRESS": REGISTRATIONS_PER_ADDRESS,
    # An unfinished practice attempt idle for this many days is closed as abandoned (unscored)
    # by the student's next practice start or by `quizapp quizzes close-abandoned`.
    "ABANDON_PRACTICE_DAYS": 7,
    # Item analysis names no question "worth a look" on fewer responses than this: it shows
    # "n=3: too few to judge" instead (Moodle warns its figures mislead below ~20-30).
    "ITEM_MIN_RESPONSES": 10,
}
