"""Bank files on disk: which files a path names, how they are shown, how their bytes are read."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath

from .document import Location, Problem

BANK_FILE_SUFFIXES = (".yaml", ".yml", ".json", ".gift", ".xml")


def find_bank_files(
    paths: Iterable[str | Path], suffixes=BANK_FILE_SUFFIXES, problems: list[Problem] | None = None
) -> list[Path]:
    """Regular files named directly, plus bank files found (sorted) under directories.

    A path that cannot be read (missing, a dangling link, a symlink loop) is a located error in
    `problems`, and so is a named file that is not a regular file (reading a FIFO would block);
    under a directory such files are skipped."""
    found: list[Path] = []

    def refuse(path: Path, reason: str) -> None:
        if problems is not None:
            problems.append(Problem(Location(display_path(path), 1, 1), "error", reason))

    for raw in paths:
        path = Path(raw)
        named = not path.is_dir()  # is_dir() is False for a loop or a missing path
        candidates = (
            [path] if named else sorted(p for p in path.rglob("*") if p.suffix.lower() in suffixes)
        )
        for candidate in candidates:
            try:
                mode = candidate.stat().st_mode
            except OSError as exc:
                refuse(candidate, f"cannot read file: {exc.strerror or exc}")
                continue
            if stat.S_ISREG(mode):
                found.append(candidate)
            elif named:
                refuse(candidate, "not a regular file (a pipe, device or socket): skipped")
    return found


def display_path(path: Path) -> str:
    # abspath, not resolve(): a link is shown by its own name (and a loop cannot raise).
    try:
        return str(Path(os.path.abspath(path)).relative_to(Path.cwd()))
    except ValueError:
        return str(path)


UPLOADED = "upload/"  # the names of uploaded files: never a place on the server


@lru_cache(maxsize=1024)  # pages name the same few files on every row
def shown_name(path: str | None, folder: str | Path | None) -> str:
    """A bank file's name as a page shows it: relative to the questions folder when it is in
    it, an upload's own name, else only the file's name (never a server's directories)."""
    if not path:
        return ""
    if path.startswith(UPLOADED):
        return path
    if folder:
        try:
            inside = Path(os.path.abspath(path)).relative_to(os.path.abspath(folder))
            return PurePosixPath(*inside.parts).as_posix()
        except ValueError:
            pass
    return Path(path).name


@dataclass(frozen=True)
class SourceLine:
    """Where a question is defined. `path` is as stored (possibly absolute): pages show it
    through `shown`, and str() gives only the file's name."""

    path: str | None
    line: int

    def shown(self, folder: str | Path | None) -> str:
        return f"{shown_name(self.path, folder)}, line {self.line}"

    def __str__(self) -> str:
        return self.shown(None)


def decode(data: bytes, path: str, problems: list[Problem]) -> str | None:
    """UTF-8 (a BOM is allowed); anything else is a located error."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        problems.append(
            Problem(
                Location(path, line, column),
                "error",
                f"file is not UTF-8 text (byte 0x{data[exc.start]:02x}); save it as UTF-8",
            )
        )
        return None
    return text.replace("\r\n", "\n")
