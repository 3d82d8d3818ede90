"""Domain modules stay pure: no Flask, no extensions, no models."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "quizapp"
PURE = [
    *sorted((PACKAGE / "banks").glob("*.py")),
    *(PACKAGE / name for name in ("grading.py", "answers.py", "markdown.py")),
    *(PACKAGE / name for name in ("passwords.py", "throttling.py", "scheduling.py")),
    *(PACKAGE / name for name in ("stats.py", "charts.py")),
]
FORBIDDEN = ("flask", "flask_sqlalchemy", "flask_login", "flask_wtf", "quizapp.extensions",
             "quizapp.models", "quizapp.services")  # fmt: skip


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # resolve relative imports against the package path
                parts = path.relative_to(PACKAGE.parent).with_suffix("").parts[: -node.level]
                names.add(".".join((*parts, node.module or "")).rstrip("."))
            else:
                names.add(node.module or "")
    return names


@pytest.mark.parametrize("path", PURE, ids=lambda p: p.name)
def test_pure_module_imports_no_framework(path):
    bad = {name for name in imported_modules(path) if name.startswith(FORBIDDEN)}
    assert bad == set()
