"""Write banks back out as format-v1 YAML (one document per bank) or JSON (a list of banks);
the Moodle formats (GIFT, Moodle XML) are written by their own writers, listed here."""

from __future__ import annotations

import json
from typing import Any

import yaml

from .gift.writer import write_gift
from .moodle_xml.writer import write_moodle_xml


class _BankDumper(yaml.SafeDumper):
    """Block style throughout, with multi-line text as literal blocks, as instructors write it."""


def _represent_text(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BankDumper.add_representer(str, _represent_text)


def bank_filename(bank: dict[str, Any], suffix: str = ".yaml") -> str:
    header = bank["bank"]
    return f"{header.get('order', 0):02d}-{header['id']}{suffix}"


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

# Moodle's formats: (writer giving an Export with what it could not hold, file suffix).
MOODLE_FORMATS = {"gift": (write_gift, ".gift"), "moodle-xml": (write_moodle_xml, ".xml")}
