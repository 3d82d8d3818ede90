"""The layering holds: a pure domain, services without Flask, thin views, blueprints apart,
question types behind their registry, modules that fit in a head, one meaning per class name."""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest

from quizapp import qtypes

PACKAGE = Path(__file__).resolve().parents[2] / "quizapp"
TEMPLATES = PACKAGE / "templates"
BLUEPRINTS = ("main", "auth", "quiz", "study", "progress", "classroom", "authoring", "classes",
              "api")  # fmt: skip
PURE = [
    *sorted((PACKAGE / "banks").rglob("*.py")),
    *sorted((PACKAGE / "qtypes").rglob("*.py")),
    *sorted((PACKAGE / "memory").rglob("*.py")),
    *(PACKAGE / name for name in ("attempt_rules.py", "study_queue.py", "scheduling.py")),
    PACKAGE / "assignment_rules.py",
    *(PACKAGE / name for name in ("stats.py", "charts.py", "markdown.py", "csvfiles.py")),
    PACKAGE / "formatting.py",
    *(PACKAGE / name for name in ("ids.py", "vocab.py", "passwords.py", "throttling.py")),
]
FRAMEWORK = ("flask", "flask_sqlalchemy", "flask_login", "flask_wtf", "quizapp.extensions",
             "quizapp.models", "quizapp.services", "quizapp.database", "quizapp.web",
             "sqlalchemy", "wtforms", "werkzeug", "markupsafe")  # fmt: skip
SERVICES = sorted((PACKAGE / "services").rglob("*.py"))
VIEWS = sorted(path for name in BLUEPRINTS for path in (PACKAGE / name).glob("*.py"))
# Code that must ask the registry instead of naming a question type.
TYPE_BLIND = [*SERVICES, *VIEWS, *sorted((PACKAGE / "web").glob("*.py"))]
MAX_LINES = 400


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # resolve relative imports against the package path
                parts = path.relative_to(PACKAGE.parent).with_suffix("").parts[: -node.level]
                if path.name == "__init__.py":
                    parts = path.relative_to(PACKAGE.parent).parts[: -node.level]
                names.add(".".join((*parts, node.module or "")).rstrip("."))
            else:
                names.add(node.module or "")
    return names


def within(name: str, packages) -> bool:
    """Whether module `name` is one of `packages` or inside one of them."""
    return any(name == package or name.startswith(package + ".") for package in packages)


def short(path: Path) -> str:
    return str(path.relative_to(PACKAGE))


@pytest.mark.parametrize("path", PURE, ids=short)
def test_pure_module_imports_no_framework(path):
    assert {name for name in imported_modules(path) if within(name, FRAMEWORK)} == set()


@pytest.mark.parametrize("path", SERVICES, ids=short)
def test_services_import_no_web_framework(path):
    web = ["flask", "flask_login", "flask_wtf", "wtforms", "werkzeug", "quizapp.validators"]
    web += [f"quizapp.{name}" for name in (*BLUEPRINTS, "web")]
    assert {name for name in imported_modules(path) if within(name, web)} == set()


@pytest.mark.parametrize("path", VIEWS, ids=short)
def test_blueprints_query_nothing_and_import_no_other_blueprint(path):
    others = [f"quizapp.{name}" for name in BLUEPRINTS if name != path.parent.name]
    forbidden = ["sqlalchemy", "quizapp.models", *others]
    assert {name for name in imported_modules(path) if within(name, forbidden)} == set()


def _type_literals(path: Path) -> list[str]:
    keys = set(qtypes.type_names())
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{short(path)}:{node.lineno}: {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and node.value in keys
    ]


@pytest.mark.parametrize("path", TYPE_BLIND, ids=short)
def test_views_and_services_never_name_a_question_type(path):
    assert _type_literals(path) == []


def test_templates_never_name_a_question_type():
    keys = "|".join(map(re.escape, qtypes.type_names()))
    quoted = re.compile(rf"""["']({keys})["']""")
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        if path.parent == TEMPLATES / "quiz" / "types":
            continue  # the types' own fragments
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            found.extend(f"{path.relative_to(TEMPLATES)}:{number}" for _ in quoted.findall(line))
    assert found == []


def test_every_type_has_its_template():
    for qtype in qtypes.TYPES.values():
        folder = qtype.template_folder or TEMPLATES
        assert (folder / qtype.template).is_file(), qtype.key


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=short)
def test_no_module_is_over_400_lines(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{short(path)} has {lines} lines"


def test_no_two_classes_share_a_name():
    defined = defaultdict(list)
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                defined[node.name].append(f"{short(path)}:{node.lineno}")
    assert {name: places for name, places in defined.items() if len(places) > 1} == {}


def _bank_column(node: ast.AST, names: tuple[str, ...]) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and getattr(node.value, "id", None) == "Bank"
        and node.attr in names
    )


def _bank_orderings(tree: ast.AST) -> list[int]:
    """Lines that order banks by a column of their own: Bank.position anywhere, or an
    order_by naming Bank.title or Bank.slug."""
    lines = [node.lineno for node in ast.walk(tree) if _bank_column(node, ("position",))]
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "order_by":
            lines += [
                part.lineno
                for arg in node.args
                for part in ast.walk(arg)
                if _bank_column(part, ("title", "slug"))
            ]
    return lines


def test_banks_are_ordered_one_way():
    """Banks are listed in one order everywhere: queries.BANK_ORDER, used by every query that
    orders banks, and no module orders them by a column of its own."""
    allowed = {PACKAGE / "services" / "queries.py", PACKAGE / "models.py"}
    found = {
        f"{path.relative_to(PACKAGE)}:{line}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path not in allowed
        for line in _bank_orderings(ast.parse(path.read_text(encoding="utf-8")))
    }
    assert not found, "order banks with queries.BANK_ORDER"
    assert _bank_orderings(ast.parse("s.order_by(Bank.title)\nBank.position"))  # the check works
