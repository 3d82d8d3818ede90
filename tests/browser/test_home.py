"""A person opens quizapp in Chromium and sees the banks."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import QUESTIONS, load_banks

pytestmark = pytest.mark.browser


def test_home_page_lists_the_banks(app, live_server, page):
    load_banks(app, QUESTIONS)
    page.goto(live_server + "/")
    rows = page.locator("#banks tbody tr")
    assert rows.count() == 10
    assert rows.first.get_by_role("link").inner_text() == "Surge of Chinese LLMs"
    # Bootstrap is served by the app itself: the page works offline.
    assert page.evaluate("getComputedStyle(document.body).fontFamily") != ""
    page.get_by_role("link", name="AI Photographer Goes Viral").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("AI Photographer Goes Viral")
    assert "Miaoya" in page.locator(".summary").inner_text()
