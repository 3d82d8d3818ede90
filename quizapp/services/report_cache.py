"""Reports computed from finished answers (item analysis, the calibration of readiness
predictions, the class overview's attempt figures), kept until the answers they summarise
change, as Moodle keeps its quiz statistics.

Every bank carries an answers stamp: a random token replaced, in the same transaction, by each
write that changes what such a report reads of the bank's questions (an attempt submitted or
reopened, a regrade, "I was right" on a finished attempt, a student's role). A report is kept
under the stamps it was computed from, so any such change makes the next view compute it again;
a stamp is random, not a counter, so a database restored from a backup cannot meet a report
kept from another history. Only numbers and plain tuples are kept, never a row object, and per
database (engine) and process, at most MAX_REPORTS of them (the least recently used go first).

Other figures that change rarely are kept the same way on shelves of their own (SHELVES), so
that a class's worth of them never pushes the reports out.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar
from weakref import WeakKeyDictionary

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from ..models import AttemptItem, Bank, Question
from .queries import driver_rows, rows

MAX_REPORTS = 256
# What each shelf holds at most: reports, and a year of review counts per student (progress).
SHELVES = {"reports": MAX_REPORTS, "review days": 2048}
T = TypeVar("T")

_reports: WeakKeyDictionary[Engine, dict[str, OrderedDict[Hashable, object]]] = WeakKeyDictionary()
_lock = threading.Lock()


def new_stamp() -> str:
    return secrets.token_hex(8)


_STAMP_BANKS = sa.update(Bank).values(answers_stamp=sa.bindparam("stamp"))
_BANKS_OF_ATTEMPT = (
    sa.select(Question.bank_id)
    .join(AttemptItem, AttemptItem.question_id == Question.id)
    .where(AttemptItem.attempt_id == sa.bindparam("attempt"))
)


def answers_changed(session: Session, bank_ids: Iterable[int] | None = None) -> None:
    """Inside the write transaction that changes finished answers: a new stamp for the banks
    of those answers (every bank when `bank_ids` is None)."""
    statement = _STAMP_BANKS
    if bank_ids is not None:
        statement = statement.where(Bank.id.in_(sorted(set(bank_ids))))
    session.execute(statement.execution_options(synchronize_session=False), {"stamp": new_stamp()})


def attempt_changed(session: Session, attempt_id: int) -> None:
    """answers_changed for the banks of one attempt's questions."""
    answers_changed(session, rows(session, _BANKS_OF_ATTEMPT, attempt=attempt_id).scalars())


_STAMPS = sa.select(Bank.id, Bank.answers_stamp).order_by(Bank.id)


def all_stamps(session: Session) -> tuple[tuple[int, str], ...]:
    """Every bank's stamp: the key part of a report over all banks."""
    return tuple(map(tuple, driver_rows(session, _STAMPS)))


def cached(session: Session, key: Hashable, compute: Callable[[], T], shelf: str = "reports") -> T:
    """The value kept under `key` (which holds the stamps it depends on) on `shelf`, or
    compute() kept. The value is shared by every later request: it must never be changed."""
    kept = _shelf_of(session.get_bind(), shelf)
    with _lock:
        if key in kept:
            kept.move_to_end(key)
            return kept[key]  # type: ignore[return-value]
    value = compute()
    with _lock:
        kept[key] = value
        while len(kept) > SHELVES[shelf]:
            kept.popitem(last=False)
    return value


def _shelf_of(engine: Engine, shelf: str) -> OrderedDict[Hashable, object]:
    with _lock:
        shelves = _reports.get(engine)
        if shelves is None:
            shelves = _reports[engine] = {}
        return shelves.setdefault(shelf, OrderedDict())
