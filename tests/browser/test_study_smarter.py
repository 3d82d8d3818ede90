"""Study settings in Chromium: the workload chart and its table, optimising with and without
JavaScript; a practice that resumes, starts fresh and is discarded."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from quizapp.memory.synthetic import student_log
from tests.browser.helpers import PASSWORD, log_in, register, serious_violations
from tests.conftest import QUESTIONS, load_banks
from tests.factories import study_history, user_named
from tests.unit.test_memory_compat import STRONG_STUDENT

pytestmark = pytest.mark.browser

CHART = "Daily study time and cards remembered after a year, by desired retention"


@pytest.fixture
def strong(app):
    """A student whose log says they remember far longer than FSRS's defaults assume."""
    load_banks(app, QUESTIONS)

    def make(page, base: str) -> None:
        register(page, base, "strong")
        with app.app_context():
            user = user_named("strong")
        study_history(app, user, student_log(STRONG_STUDENT, cards=300, days=100, seed=0))

    return make


def test_workload_chart_with_its_table_and_a_retention_to_pick(strong, live_server, page):
    strong(page, live_server)
    page.goto(live_server + "/study/settings")
    page.get_by_role("button", name="Simulate my workload").click()
    chart = page.get_by_role("img", name=CHART)
    expect(chart).to_be_visible()
    description = page.locator("#workload-chart-desc").text_content()
    assert description.startswith("From 70% to 97% desired retention, study time goes")
    assert page.locator("#workload-chart circle").count() == 16  # two series, eight points
    # The same figures as a table, for screen readers and anyone who wants the numbers.
    table = page.get_by_role("table", name=re.compile("Simulated over 365 days"))
    assert table.locator("tbody tr").count() == 8
    headers = table.locator("thead th").all_inner_texts()
    assert headers[:4] == [
        "Desired retention", "Reviews a day", "Minutes a day", "Cards remembered after a year"
    ]  # fmt: skip
    suggested = page.locator("#workload-suggestion strong").inner_text()
    assert table.locator("tr.table-info th").inner_text().startswith(suggested)
    assert serious_violations(page) == []
    page.get_by_role("button", name="Use 0.85").click()
    expect(page.get_by_role("alert")).to_contain_text("Desired retention set to 0.85")
    expect(page.locator('tr[data-retention="0.85"]')).to_contain_text("yours now")
    assert page.get_by_role("spinbutton", name="Desired retention").input_value() == "0.85"


def test_optimise_shows_progress_and_says_what_changed(strong, live_server, page):
    strong(page, live_server)
    page.goto(live_server + "/study/settings")
    page.get_by_role("button", name="Optimise my schedule").click()
    page.wait_for_url(re.compile(r".*/study/optimise/\d+$"))
    # The script moves the bar, then reloads the page with the result.
    expect(page.get_by_role("heading", name="New parameters kept")).to_be_visible(timeout=60_000)
    expect(page.locator("#optimise-result .lead")).to_contain_text("Your cards will come back")
    assert page.locator("#optimise-metrics tbody tr").count() == 2
    assert serious_violations(page) == []
    page.get_by_role("link", name="Back to study settings").click()
    expect(page.locator("#personal-schedule")).to_contain_text("personal parameters")


def test_optimise_without_javascript_refreshes_until_done(strong, app, browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        strong(page, live_server)
        page.goto(live_server + "/study/settings")
        page.get_by_role("button", name="Optimise my schedule").click()
        page.wait_for_url(re.compile(r".*/study/optimise/\d+$"))
        heading = page.get_by_role("heading", name="New parameters kept")
        expect(heading).to_be_visible(timeout=60_000)  # the page refreshed itself
    finally:
        context.close()


def test_practise_resumes_and_the_student_can_start_fresh_or_discard(app, live_server, page):
    load_banks(app, QUESTIONS)
    register(page, live_server, "resumer")
    practise = page.get_by_role("button", name="Practise AI Photographer Goes Viral")
    practise.click()
    page.wait_for_url(re.compile(r".*/quiz/\d+/q/0$"))
    first = re.search(r"/quiz/(\d+)/", page.url).group(1)
    page.get_by_role("link", name="Home").first.click()
    expect(page.locator("#today [data-action=resume]")).to_contain_text(
        "Practice: AI Photographer Goes Viral"
    )
    assert serious_violations(page) == []
    practise.click()
    page.wait_for_url(re.compile(rf".*/quiz/{first}/q/0\?resumed=1$"))
    banner = page.get_by_label("Resumed practice")
    expect(banner).to_contain_text("You are carrying on the practice you started")
    assert serious_violations(page) == []
    banner.get_by_role("button", name="Start fresh").click()
    page.wait_for_url(re.compile(r".*/quiz/\d+/q/0$"))
    fresh = re.search(r"/quiz/(\d+)/", page.url).group(1)
    assert fresh != first and page.get_by_label("Resumed practice").count() == 0
    page.goto(live_server + "/")
    practise.click()
    page.get_by_label("Resumed practice").get_by_role("button", name="Discard it").click()
    page.wait_for_url(live_server + "/")
    expect(page.get_by_role("alert")).to_contain_text("Practice discarded.")
    assert page.locator("#today [data-action=resume]").count() == 0
    page.goto(live_server + "/progress/attempts")
    assert page.locator("#attempts tbody td", has_text="Abandoned").count() == 0
    page.get_by_label("Show abandoned and discarded practice").check()
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r".*show_abandoned=y"))
    assert page.locator("#attempts tbody td", has_text="Abandoned").count() == 2


def test_log_in_again_lands_on_the_study_counts(app, live_server, page):
    load_banks(app, QUESTIONS)
    register(page, live_server, "counter")
    today = page.locator("#study-today")
    expect(today).to_contain_text("New 20")
    page.get_by_role("button", name="Log out").click()
    log_in(page, live_server, "counter", PASSWORD)
    expect(page.locator("#study-today [data-count=new]")).to_have_text("20")
