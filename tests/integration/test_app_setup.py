"""The installed `quizapp` command and the environment-driven configuration."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from quizapp import create_app
from quizapp.config import load_secret_key
from tests.conftest import QUESTIONS, ROOT

QUIZAPP = Path(sys.executable).parent / "quizapp"


def run_quizapp(tmp_path, *args, **env):
    environment = {**os.environ, "QUIZAPP_INSTANCE_PATH": str(tmp_path / "instance"), **env}
    environment.pop("QUIZAPP_SECRET_KEY", None)
    environment.pop("QUIZAPP_DATABASE_URL", None)
    return subprocess.run(
        [str(QUIZAPP), *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_console_script_needs_no_app_option(tmp_path):
    result = run_quizapp(tmp_path, "questions", "check", "--strict")
    assert result.returncode == 0, result.stderr
    assert "10 bank(s)" in result.stdout


def test_console_script_migrates_and_imports_into_the_instance_folder(tmp_path):
    assert run_quizapp(tmp_path, "db", "upgrade").returncode == 0
    result = run_quizapp(tmp_path, "questions", "import", str(QUESTIONS))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("added ")
    assert (tmp_path / "instance" / "quizapp.db").exists()


def test_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("QUIZAPP_SECRET_KEY", raising=False)
    first = load_secret_key(tmp_path)
    assert len(first) == 64
    assert load_secret_key(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    monkeypatch.setenv("QUIZAPP_SECRET_KEY", "from-env")
    assert load_secret_key(tmp_path) == "from-env"


def test_environment_configures_the_app(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZAPP_INSTANCE_PATH", str(tmp_path / "inst"))
    monkeypatch.setenv("QUIZAPP_DATABASE_URL", f"sqlite:///{tmp_path / 'elsewhere.db'}")
    monkeypatch.setenv("QUIZAPP_QUESTIONS_DIR", "/srv/banks")
    monkeypatch.delenv("QUIZAPP_SECRET_KEY", raising=False)
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("elsewhere.db")
    assert app.config["QUESTIONS_DIR"] == "/srv/banks"
    assert app.config["SECRET_KEY"] == (tmp_path / "inst" / "secret_key").read_text()
    # A dict passed by a caller (a test) wins over the environment.
    assert create_app({"QUESTIONS_DIR": "x"}).config["QUESTIONS_DIR"] == "x"
