"""A student reviews flashcards in Chromium with the keyboard alone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import counts, register, serious_violations

pytestmark = pytest.mark.browser


def test_review_ten_cards_with_the_keyboard_only(sample_app, live_server, page):
    register(page, live_server, "keyboarder")
    page.goto(live_server + "/study/")
    assert serious_violations(page) == []
    page.goto(live_server + "/study/all")
    assert counts(page) == (10, 0, 0)
    assert page.locator("#back").is_hidden()
    assert serious_violations(page) == []
    url = page.url

    fronts = []
    for number in range(10):
        fronts.append(page.locator("#front").inner_text())
        page.keyboard.press("Space")
        expect(page.locator("#back")).to_be_visible()
        if number == 0:
            assert serious_violations(page) == []
        grade = "4" if number % 2 else "3"  # Easy graduates at once; Good starts learning
        before = counts(page)
        page.keyboard.press(grade)
        expect(page.locator("#count-new")).to_have_text(str(before[0] - 1))
    assert page.url == url  # no page load between cards
    assert counts(page) == (0, 5, 0)  # five Good cards are learning, five Easy ones graduated
    assert len(set(fronts)) == 10

    page.keyboard.press("u")  # undo the last grade (an Easy): that card is new again
    expect(page.locator("#count-new")).to_have_text("1")
    assert page.locator("#front").inner_text() == fronts[-1]
    page.keyboard.press("Space")
    page.keyboard.press("1")  # Again: now it is learning
    expect(page.locator("#count-learning")).to_have_text("6")
    assert counts(page) == (0, 6, 0)

    page.goto(live_server + "/study/")
    row = page.locator('tr[data-deck="all"]')
    assert re.sub(r"\s+", " ", row.inner_text()).startswith("All decks 0 6 0")
    page.get_by_role("link", name=re.compile("^Study all")).click()
    page.get_by_role("link", name="Card info").click()
    expect(page.locator("#card-memory")).to_contain_text("Learning")
    assert serious_violations(page) == []
    page.goto(live_server + "/study/settings")
    assert serious_violations(page) == []
    page.goto(live_server + "/study/all/cram")
    assert serious_violations(page) == []
    page.keyboard.press("Enter")  # "Start cramming" has the focus
    page.wait_for_url(re.compile(r".*/study/cram/\d+$"))
    assert serious_violations(page) == []
    page.keyboard.press("Space")
    page.wait_for_selector("#back")
