"""Optimise my schedule: on a simulated student who remembers far longer than FSRS's defaults
assume, the fit is kept, said in plain words, and every card is replanned at once; a run shows
its progress, is one at a time, and is the student's own."""

from __future__ import annotations

import html
import re
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from quizapp import scheduling
from quizapp.extensions import db
from quizapp.memory import MINIMUM_REVIEWS
from quizapp.memory.synthetic import student_log
from quizapp.models import CardState, OptimiserRun, User, utcnow
from quizapp.scheduling import Preferences, Rating
from quizapp.services import study
from quizapp.vocab import JobStatus
from tests.conftest import QUESTIONS, Auth, csrf_token, load_banks
from tests.factories import make_review, study_history, user_named
from tests.unit.test_memory_compat import STRONG_STUDENT

JSON = {"Accept": "application/json"}


@pytest.fixture
def strong(app, client, auth):
    """A student whose log (about 1,650 reviews of 300 cards over 100 days) was made by
    remembering with STRONG_STUDENT's parameters while scheduled with the defaults."""
    load_banks(app, QUESTIONS)
    auth.register("strong")
    with app.app_context():
        user = user_named("strong")
    study_history(app, user, student_log(STRONG_STUDENT, cards=300, days=100, seed=0))
    return auth


def text(client, url: str) -> str:
    """A page as its reader sees it (entities decoded)."""
    return html.unescape(client.get(url).get_data(as_text=True))


def dues(app, name="strong") -> dict[int, object]:
    with app.app_context():
        user = user_named(name)
        return {
            s.card_id: s.due
            for s in db.session.scalars(sa.select(CardState).where(CardState.user_id == user.id))
        }


def optimise(auth) -> str:
    """Press "Optimise my schedule"; returns the run's page."""
    response = auth.post("/study/optimise")
    assert response.status_code == 302
    assert re.fullmatch(r"/study/optimise/\d+", response.headers["Location"])
    return response.headers["Location"]


def finished(client, url: str, timeout: float = 60) -> dict:
    """Poll the run as the page's script does until it is no longer working."""
    deadline = time.monotonic() + timeout
    while (status := client.get(url, headers=JSON).json)["working"]:
        assert time.monotonic() < deadline, status
        time.sleep(0.1)
    return status


def test_fitted_parameters_are_kept_explained_and_replan_every_card_at_once(strong, client, app):
    page = text(client, "/study/settings")
    assert "FSRS's default parameters" in page and "Optimise my schedule</button>" in page
    before = dues(app)
    url = optimise(strong)
    status = finished(client, url)
    assert status == {"working": False, "done": 7, "total": 7, "status": "done"}
    result = text(client, url)
    assert "New parameters kept" in result
    assert re.search(
        r"Your cards will come back (about \d+% later|after about [\d.]+ times)", result
    )
    assert "FSRS's default parameters" in result  # what they were compared with
    with app.app_context():
        user = user_named("strong")
        assert len(user.fsrs_parameters) == 21
        run = db.session.scalar(sa.select(OptimiserRun))
        fitted, current = run.result["fitted"], run.result["current"]
        assert fitted["log_loss"] < current["log_loss"]
        assert f"{run.result['rescheduled']} card(s) were rescheduled" in result
    after = dues(app)
    later = sum(after[card] > before[card] for card in before)
    assert later > 0.8 * len(before)  # this student remembers longer: cards come back later
    settings = text(client, "/study/settings")
    assert "personal parameters" in settings and "parameters kept" in settings


def test_a_refit_that_does_not_predict_better_changes_nothing(strong, client, app):
    finished(client, optimise(strong))
    with app.app_context():
        kept = user_named("strong").fsrs_parameters
    before = dues(app)
    url = optimise(strong)
    finished(client, url)
    page = text(client, url)
    assert "Nothing changed" in page and "your previous personal parameters" in page
    with app.app_context():
        assert user_named("strong").fsrs_parameters == kept
    assert dues(app) == before


def test_next_intervals_follow_the_new_parameters_at_once(strong, client, app):
    card_id = next(iter(dues(app)))
    with app.app_context():
        default = study.card_info(db.session, user_named("strong"), card_id).memory
    finished(client, optimise(strong))
    with app.app_context():
        user = user_named("strong")
        memory = study.card_info(db.session, user, card_id).memory
        assert memory.stability != default.stability  # replanned from its history
        moment = memory.due + timedelta(days=1)
        personal = scheduling.review(memory, Rating.GOOD, moment, card_id, study.preferences(user))
        defaults = Preferences(desired_retention=user.desired_retention)
        assert (
            personal.interval
            != scheduling.review(memory, Rating.GOOD, moment, card_id, defaults).interval
        )
    make_review(app, user, card_id, Rating.GOOD, now=moment)
    assert dues(app)[card_id] == personal.memory.due  # the grade used the personal parameters


def test_one_run_at_a_time_and_an_interrupted_run_can_be_restarted(strong, app):
    with app.app_context():
        user = user_named("strong")
        first, created = study.start_run(db.session, user)
        again, created_again = study.start_run(db.session, user)
        assert created and not created_again and again.id == first.id
        # Its process died: not heard from for longer than the run may take. Real time: the
        # page below and the next start_run judge it by the real now.
        first.updated_at = utcnow() - timedelta(hours=1)
        db.session.commit()
        assert study.interrupted(first)
        page = text(strong.client, f"/study/optimise/{first.id}")
        assert "interrupted" in page
        fresh, created = study.start_run(db.session, user)
        assert created and fresh.id != first.id
        assert db.session.get(OptimiserRun, first.id).status == JobStatus.FAILED
        finished_run = study.run_optimiser(db.session, fresh.id)
        assert finished_run.status == JobStatus.DONE


def test_progress_page_refreshes_itself_without_javascript_while_a_run_works(strong, app):
    with app.app_context():
        run, _ = study.start_run(db.session, user_named("strong"))
    page = text(strong.client, f"/study/optimise/{run.id}")
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    assert re.search(r'<progress[^>]*id="optimise-bar" max="7" value="0"', page)
    assert "js/optimise.js" in page


def test_a_student_without_enough_reviews_is_told_how_many_are_missing(app, client, auth):
    load_banks(app, QUESTIONS)
    auth.register("newcomer")
    page = text(client, "/study/settings")
    assert f"Optimising needs {MINIMUM_REVIEWS} reviews" in page and "you have 0" in page
    auth.post("/study/optimise")
    assert f"needs {MINIMUM_REVIEWS} reviews" in text(client, "/study/settings")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OptimiserRun)) == 0


def test_a_run_is_its_owners_only(strong, app):
    url = optimise(strong)
    finished(strong.client, url)
    other = Auth(app.test_client())
    other.register("nosy")
    assert other.client.get(url).status_code == 404
    assert other.client.get(url, headers=JSON).status_code == 404


def test_back_to_the_defaults_replans_with_them(strong, client, app):
    before = dues(app)
    finished(client, optimise(strong))
    response = strong.post("/study/optimise/defaults", follow_redirects=True)
    assert "default parameters again" in response.get_data(as_text=True)
    with app.app_context():
        assert user_named("strong").fsrs_parameters is None
    assert dues(app) == before


def test_plain_posts_need_the_csrf_token(strong, client):
    assert client.post("/study/optimise").status_code == 400
    assert client.post("/study/optimise/defaults").status_code == 400
    token = csrf_token(client, "/study/settings")
    response = client.post("/study/optimise", data={"csrf_token": token})
    assert response.status_code == 302
    finished(client, response.headers["Location"])  # the run ends before the test does


def test_the_command_optimises_everyone_with_a_progress_bar(strong, app, runner):
    with app.app_context():
        few = User(username="few", password_hash="x")
        db.session.add(few)
        db.session.commit()
    card = next(iter(dues(app)))
    make_review(app, few, card)
    result = runner.invoke(args=["study", "optimise"])
    assert result.exit_code == 0, result.output
    assert "Optimising" in result.output
    assert re.search(r"strong: kept new parameters; Your cards will come back", result.output)
    assert f"few: skipped (0 of the {MINIMUM_REVIEWS} reviews needed)" in result.output
    again = runner.invoke(args=["study", "optimise", "--user", "Strong"])
    assert "strong: kept the current parameters" in again.output
    missing = runner.invoke(args=["study", "optimise", "--user", "nobody"])
    assert missing.exit_code != 0 and "no user 'nobody'" in missing.output
