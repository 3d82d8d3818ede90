"""Decide what an import changes: pure comparison of what is stored with what the files say."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Stored:
    content_hash: str
    active: bool


@dataclass
class Changes:
    """Keys sorted into what an import does with them."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def merge(self, other: Changes) -> None:
        for name in ("added", "updated", "retired", "unchanged"):
            getattr(self, name).extend(getattr(other, name))

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.retired)

    def summary(self) -> str:
        return (
            f"added {len(self.added)}, updated {len(self.updated)}, "
            f"retired {len(self.retired)}, unchanged {len(self.unchanged)}"
        )


def compare(stored: Mapping[str, Stored], incoming: Mapping[str, str]) -> Changes:
    """Compare stored items with incoming content hashes, both keyed by item key.

    A retired item that comes back counts as updated (it is brought back); stored items
    missing from `incoming` are retired, unless already retired.
    """
    changes = Changes()
    for key, digest in incoming.items():
        old = stored.get(key)
        if old is None:
            changes.added.append(key)
        elif old.content_hash != digest or not old.active:
            changes.updated.append(key)
        else:
            changes.unchanged.append(key)
    changes.retired.extend(key for key, old in stored.items() if old.active and key not in incoming)
    return changes
