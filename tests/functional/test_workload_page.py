"""The workload simulator on the study settings page: a chart with a text table, a suggested
retention the student can pick, kept per student until what it depends on changes."""

from __future__ import annotations

import html
import re

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.memory import RETENTIONS
from quizapp.models import WorkloadEstimate
from tests.factories import user_named


@pytest.fixture
def learner(sample_app, client, auth):
    auth.register("planner")
    return auth


def settings_page(client) -> str:
    return html.unescape(client.get("/study/settings").get_data(as_text=True))


def simulate(auth) -> str:
    response = auth.post("/study/workload")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/study/settings#workload")
    return settings_page(auth.client)


def estimates(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(WorkloadEstimate))


def test_the_page_simulates_only_when_asked(learner, client, app):
    page = settings_page(client)
    assert "Simulate my workload" in page and 'id="workload-chart"' not in page
    assert estimates(app) == 0  # reading the page computed and wrote nothing


def test_a_simulation_shows_a_chart_a_table_and_the_suggested_retention(learner, app):
    page = simulate(learner)
    assert re.search(r'<svg[^>]*role="img"[^>]*aria-labelledby="workload-chart-title', page)
    assert '<desc id="workload-chart-desc">From 70% to 97% desired retention' in page
    table = page.split('id="workload-table"')[1].split("</table>")[0]
    rows = re.findall(r'data-retention="([\d.]+)"', table)
    assert rows == [f"{r:.2f}" for r in RETENTIONS]
    suggested = re.search(r'class="table-info" data-retention="([\d.]+)"', table).group(1)
    assert f"least time per remembered card is at <strong>{suggested}</strong>" in page
    assert "<caption>Simulated over 365 days on" in table
    for header in ("Reviews a day", "Minutes a day", "Cards remembered after a year"):
        assert f'<th scope="col" class="text-end">{header}</th>' in table
    assert "yours now" in table.split('data-retention="0.90"')[1].split("</tr>")[0]
    assert estimates(app) == 1


def test_the_student_picks_a_retention_from_the_table(learner, client, app):
    simulate(learner)
    response = learner.post("/study/retention", {"desired_retention": "0.85"})
    assert response.status_code == 302
    page = settings_page(client)
    assert "Desired retention set to 0.85" in page
    assert "yours now" in page.split('data-retention="0.85"')[1].split("</tr>")[0]
    with app.app_context():
        assert user_named("planner").desired_retention == pytest.approx(0.85)


@pytest.mark.parametrize("value", ["0.99", "plenty", ""])
def test_a_retention_outside_the_range_is_refused(learner, client, app, value):
    learner.post("/study/retention", {"desired_retention": value})
    assert "could not be used" in settings_page(client)
    with app.app_context():
        assert user_named("planner").desired_retention == pytest.approx(0.9)


def test_the_table_is_kept_until_the_limits_it_depends_on_change(learner, client):
    simulate(learner)
    learner.post("/study/retention", {"desired_retention": "0.80"})
    assert 'id="workload-table"' in settings_page(client)  # retention is an input of no row
    data = {"desired_retention": "0.80", "new_per_day": "5", "reviews_per_day": "200",
            "timezone": "UTC", "learning_steps": "y"}  # fmt: skip
    assert learner.post("/study/settings", data).status_code == 302
    page = settings_page(client)
    assert 'id="workload-table"' not in page and "changed since the last simulation" in page
    assert 'id="workload-table"' in simulate(learner)
