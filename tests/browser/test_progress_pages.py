"""Dashboards and item analysis in Chromium, on demo data."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from quizapp.extensions import db
from quizapp.models import User
from quizapp.services.demo import DEMO_PASSWORD
from tests.browser.helpers import log_in, serious_violations
from tests.conftest import DEMO_STUDENTS
from tests.factories import STAFF_PASSWORD, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_app(demo_app):
    make_user(demo_app, "teacher", "admin", STAFF_PASSWORD)  # an admin sees every student
    return demo_app


def test_student_dashboard_shows_charts(demo_app, live_server, page):
    with demo_app.app_context():
        name = db.session.scalar(sa.select(User.username).where(User.role == "student").limit(1))
    log_in(page, live_server, name, DEMO_PASSWORD)
    page.get_by_role("link", name="My progress").click()
    for chart in ("Score over time", "Reviews in the past year", "Cards due in the next 30 days"):
        expect(page.get_by_role("img", name=chart)).to_be_visible()
    expect(page.locator("#score-chart circle").first).to_be_attached()
    assert page.locator("#review-heatmap rect[data-count]").count() >= 365
    page.get_by_text("Scores as a table").click()
    expect(page.locator("#scores-table tbody tr").first).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("link", name="All attempts").click()
    assert serious_violations(page) == []


def test_item_analysis_shows_statistics_and_flags(demo_app, live_server, page):
    # A dozen demo students give each question fewer than the default ten responses.
    demo_app.config["ITEM_MIN_RESPONSES"] = 3
    log_in(page, live_server, "teacher", "marking essays all night")
    page.get_by_role("link", name="Students", exact=True).click()
    expect(page.locator("#class tbody tr")).to_have_count(DEMO_STUDENTS)
    assert serious_violations(page) == []
    page.get_by_role("link", name="Item analysis").click()
    page.get_by_label("Bank", exact=True).select_option("love-and-hate-in-deepfake")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#test-stats")).to_contain_text("Cronbach")
    assert page.locator("#items tbody tr").count() >= 24
    flags = page.locator("#flags li")
    assert flags.count() >= 1
    assert re.search(r"\(09-love-and-hate-in-deepfake\.yaml, line \d+\)", flags.first.inner_text())
    assert serious_violations(page) == []
    flags.first.get_by_role("link").first.click()  # the question; the second, its file
    expect(page.locator("#question-stats")).to_be_visible()
    assert serious_violations(page) == []
