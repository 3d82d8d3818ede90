"""Two-button mode in Chromium: a review by keyboard alone (1 Again, Space or 3 Good), and at a
phone's size the two buttons fill the bar pinned to the bottom without sideways scrolling."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from quizapp.extensions import db
from quizapp.models import Review, User
from quizapp.scheduling import Rating
from tests.browser.helpers import counts, register, serious_violations

pytestmark = pytest.mark.browser

SETTING = "Grade with two buttons: Again (still learning) and Good (know it)"


def ratings_of(app, username: str) -> list[Rating]:
    with app.app_context():
        return [
            Rating(rating)
            for rating in db.session.scalars(
                sa.select(Review.rating)
                .join(User, User.id == Review.user_id)
                .where(User.username == username)
                .order_by(Review.id)
            )
        ]


def settle(page) -> None:
    """Wait until no grade is on its way."""
    expect(page.locator("#reviewer:not([data-busy])")).to_have_count(1)


def test_a_two_button_review_by_keyboard_alone(sample_app, live_server, page):
    register(page, live_server, "twokeys")
    page.goto(live_server + "/study/settings")
    page.get_by_label(SETTING).focus()
    page.keyboard.press("Space")  # tick the box
    expect(page.get_by_label(SETTING)).to_be_checked()
    page.get_by_role("button", name="Save", exact=True).focus()
    page.keyboard.press("Enter")
    page.wait_for_url(live_server + "/study/")

    page.goto(live_server + "/study/all")
    expect(page.locator("#show-answer")).to_be_focused()
    expect(page.locator("p.key-hint")).to_contain_text("3 Good (know it)")
    assert counts(page) == (10, 0, 0)
    page.keyboard.press("Space")
    buttons = page.locator("#grade-form button[name=rating]")
    expect(buttons).to_have_count(2)
    expect(buttons.nth(0)).to_contain_text("still learning")
    expect(buttons.nth(1)).to_contain_text("know it")
    expect(page.locator("#grade-help")).to_contain_text("Did you know it?")
    expect(page.locator(".grade-3")).to_be_focused()
    assert serious_violations(page) == []

    # Hard and Easy are not offered, so their keys do nothing.
    page.keyboard.press("2")
    page.keyboard.press("4")
    settle(page)
    assert counts(page) == (10, 0, 0) and ratings_of(sample_app, "twokeys") == []

    page.keyboard.press("1")  # Again: still learning
    expect(page.locator("#count-new")).to_have_text("9")
    expect(page.locator("#grade-help")).to_have_count(0)
    settle(page)
    for number in range(9):
        expect(page.locator("#show-answer")).to_be_focused()
        page.keyboard.press("Space")
        expect(page.locator("#back")).to_be_visible()
        if number % 3 == 0:
            page.keyboard.press("3")
        elif number % 3 == 1:
            page.keyboard.press("Space")  # Good has the focus: Space presses it
        else:
            # Focus moved off the buttons (as after a click on the page): Space is still Good.
            page.evaluate("document.activeElement.blur()")
            page.keyboard.press("Space")
        expect(page.locator("#count-new")).to_have_text(str(8 - number))
        settle(page)
    assert ratings_of(sample_app, "twokeys") == [Rating.AGAIN] + [Rating.GOOD] * 9
    assert counts(page) == (0, 10, 0)


def test_two_buttons_fill_the_phone_bar(sample_app, live_server, page):
    page.set_viewport_size({"width": 390, "height": 844})
    register(page, live_server, "twothumbs")
    page.goto(live_server + "/study/settings")
    page.get_by_label(SETTING).check()
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(live_server + "/study/")

    page.goto(live_server + "/study/sample-bank")
    expect(page.locator("p.key-hint")).to_be_hidden()
    page.locator("#flashcard").click()  # a tap shows the answer
    expect(page.locator("#back")).to_be_visible()
    bar = page.locator("#grade-form").bounding_box()
    assert bar["width"] >= 389 and abs(bar["y"] + bar["height"] - 844) <= 1
    again, good = (page.locator(f"#grade-form .grade-{value}") for value in (1, 3))
    left, right = again.bounding_box(), good.bounding_box()
    # Side by side, an even half each, spanning the bar but for its padding.
    assert abs(left["y"] - right["y"]) <= 1 and abs(left["width"] - right["width"]) <= 1
    assert left["x"] <= 12 and right["x"] + right["width"] >= 390 - 12
    assert left["width"] >= 160
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert serious_violations(page) == []

    good.click()  # a tap on Good
    expect(page.locator("#back")).to_be_hidden()
    expect(page.locator("#study-progress")).to_have_attribute(
        "aria-valuetext", re.compile(r"^1 reviewed")
    )
    assert ratings_of(sample_app, "twothumbs") == [Rating.GOOD]
