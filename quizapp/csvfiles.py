"""CSV text that spreadsheets open safely. Pure."""

from __future__ import annotations

import csv
import io


def safe_cell(value) -> str:
    """Spreadsheet-safe text: a cell starting with = + - @ (or a tab) is not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_text(header: list[str], rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()
