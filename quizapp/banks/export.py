"""Write banks back out as format-v1 YAML (one document per bank) or JSON (a list of banks)."""

from __future__ import annotations

import json
from typing import Any

import yaml


class _BankDumper(yaml.SafeDumper):
    """Block style throughout, with multi-line text as literal blocks, as instructors write it."""


def _represent_text(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BankDumper.add_representer(str, _represent_text)


def bank_filename(bank: dict[str, Any]) -> str:
    header = bank["bank"]
    return f"{header.get('order', 0):02d}-{header['id']}.yaml"


def dump_yaml(banks: list[dict[str, Any]]) -> str:
    return yaml.dump_all(
        banks,
        Dumper=_BankDumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        explicit_start=len(banks) > 1,
    )


def dump_json(banks: list[dict[str, Any]]) -> str:
    return json.dumps(banks, ensure_ascii=False, indent=2) + "\n"


FORMATS = {"yaml": dump_yaml, "json": dump_json}
