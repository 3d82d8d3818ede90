"""Read-then-write transactions from separate processes serialise instead of failing."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import sqlalchemy as sa

from quizapp.database import write_transaction
from quizapp.extensions import db
from quizapp.models import Bank
from tests.conftest import database_url

WORKER = textwrap.dedent(
    """
    import sys
    import sqlalchemy as sa
    from quizapp.database import write_transaction
    from quizapp.extensions import db
    from quizapp.models import Bank
    from tests.conftest import make_app

    app = make_app(sys.argv[1])
    with app.app_context():
        for _ in range(int(sys.argv[2])):
            with write_transaction(db.session) as session:
                # FOR UPDATE for PostgreSQL; on SQLite the IMMEDIATE transaction does it.
                bank = session.scalar(
                    sa.select(Bank).where(Bank.slug == "counter").with_for_update()
                )
                bank.position = bank.position + 1  # read, then write: a lost update if unlocked
    """
)


def test_concurrent_read_then_write_never_locks_or_loses(app, database):
    with app.app_context():
        db.session.add(Bank(slug="counter", title="Counter", position=0))
        db.session.commit()
    runs, workers = 40, 3
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(database), str(runs)],
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(workers)
    ]
    outcomes = [(p.communicate()[1], p.returncode) for p in processes]
    assert [stderr for stderr, code in outcomes if code != 0] == []
    with app.app_context():
        count = db.session.scalar(sa.select(Bank.position).where(Bank.slug == "counter"))
    assert count == runs * workers


def test_write_transaction_rolls_back_whole_on_error(app):
    with app.app_context():
        try:
            with write_transaction(db.session) as session:
                session.add(Bank(slug="half", title="Half"))
                session.flush()
                raise RuntimeError("boom")
        except RuntimeError:
            pass
        assert db.session.scalar(sa.select(Bank).where(Bank.slug == "half")) is None


def test_a_write_after_reads_sees_what_others_wrote_since(app, database):
    """The read transaction ends where the write one begins (on SQLite, on the same
    connection): the write reads the rows as they are now, not as they were when read."""
    with app.app_context():
        db.session.add(Bank(slug="counter", title="Counter", position=0))
        db.session.commit()
        bank = db.session.scalar(sa.select(Bank).where(Bank.slug == "counter"))
        assert bank.position == 0  # a read transaction is open now
        other = sa.create_engine(database_url(database))
        with other.begin() as connection:
            connection.execute(sa.update(Bank).where(Bank.slug == "counter").values(position=5))
        other.dispose()
        with write_transaction(db.session) as session:
            bank = session.scalar(sa.select(Bank).where(Bank.slug == "counter"))
            bank.position += 1
        db.session.remove()
        assert db.session.scalar(sa.select(Bank.position).where(Bank.slug == "counter")) == 6
