"""Fixing questions in Chromium (issue 20): from item analysis to the question form with its
live preview, the import preview that shows the question as students will see it (the YAML
diff behind a disclosure), confirm; the same form with JavaScript off; and the problems page's
editor, whose "edit line N" links put the caret on the line."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import log_in, serious_violations
from tests.conftest import SAMPLE_BANKS
from tests.factories import STAFF_PASSWORD, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def app(editable_app):
    """The sample bank imported from a copy under the app's own QUESTIONS_DIR, an instructor."""
    app, app.bank_file = editable_app
    make_user(app, "teacher", "instructor", STAFF_PASSWORD)
    return app


NEW_PROMPT = "Which planet orbits nearest to the Sun?"


def test_an_instructor_fixes_a_question_with_a_live_preview_then_confirms(app, live_server, page):
    before = app.bank_file.read_text()
    log_in(page, live_server, "teacher", STAFF_PASSWORD)
    page.goto(f"{live_server}/class/items?bank=sample-bank")
    row = page.locator('tr[data-question="capital-single"]')
    assert "Which planet is closest to the Sun?" in row.inner_text()
    row.get_by_role("link", name=re.compile(r"sample\.yaml, line \d+")).click()
    page.wait_for_url(re.compile(r".*/authoring/banks/sample-bank/#q-capital-single$"))
    page.get_by_role("link", name="Edit capital-single").click()
    assert serious_violations(page) == []

    page.get_by_label("Prompt").fill(NEW_PROMPT)
    preview = page.locator("#live-preview")
    preview.get_by_text(NEW_PROMPT).wait_for()  # the script asked the server for it
    assert preview.get_by_role("radio").count() == 4
    page.get_by_label("Choices", exact=True).fill("Mercury\nVenus\nEarth\nMars\nPluto")
    preview.get_by_role("radio", name="Pluto").wait_for()
    assert serious_violations(page) == []

    page.get_by_role("button", name="Continue to the import preview").click()
    page.wait_for_url(re.compile(r".*/authoring/uploads/\d+$"))
    card = page.locator(".question-preview")
    assert NEW_PROMPT in card.inner_text() and card.get_by_role("radio").count() == 5
    diff = card.locator("details.yaml-diff pre.diff")
    expect(diff).to_be_hidden()  # behind a disclosure
    card.get_by_text("What changed in the YAML").click()
    assert f"+prompt: {NEW_PROMPT}" in diff.inner_text()
    assert "No student has answered the old version yet" in card.inner_text()
    assert serious_violations(page) == []
    assert app.bank_file.read_text() == before  # nothing written before the confirmation

    page.get_by_role("button", name="Confirm and import").click()
    page.wait_for_url(re.compile(r".*/class/questions/\d+$"))
    expect(page.locator("body")).to_contain_text("Wrote sample.yaml.")
    assert app.bank_file.read_text() == before.replace(
        "prompt: Which planet is closest to the Sun?", f"prompt: {NEW_PROMPT}"
    ).replace(
        "choices: [Mercury, Venus, Earth, Mars]", "choices: [Mercury, Venus, Earth, Mars, Pluto]"
    )


def test_the_question_form_works_with_javascript_off(app, live_server, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, live_server, "teacher", STAFF_PASSWORD)
        page.goto(f"{live_server}/authoring/banks/sample-bank/questions/order-ordering/edit")
        page.get_by_label("Items").fill("one\ntwo\nthree\nfour\nfive")
        page.get_by_role("button", name="Check and preview").click()
        preview = page.locator("#live-preview")
        expect(preview.get_by_role("combobox")).to_have_count(5)  # one select per position
        page.get_by_label("Items").fill("one\ntwo")
        page.get_by_role("button", name="Continue to the import preview").click()
        expect(page.locator("#edit-problems")).to_contain_text("needs at least 3 items")
        page.get_by_label("Items").fill("one\ntwo\nthree\nfour\nfive")
        page.get_by_role("button", name="Continue to the import preview").click()
        page.wait_for_url(re.compile(r".*/authoring/uploads/\d+$"))
        assert "updated 1" in page.locator("#import-summary").inner_text()
    finally:
        context.close()


def test_the_problems_page_editor_goes_to_the_line_and_rechecks(app, live_server, page):
    log_in(page, live_server, "teacher", STAFF_PASSWORD)
    page.goto(f"{live_server}/authoring/")
    good = (SAMPLE_BANKS / "sample.yaml").read_text()
    broken = good.replace("answer: Mercury", "answer: Pluto")
    page.get_by_label("Bank files", exact=True).set_input_files(
        {"name": "sample.yaml", "mimeType": "application/yaml", "buffer": broken.encode()}
    )
    page.get_by_role("button", name="Check files").click()
    assert serious_violations(page) == []
    page.get_by_role("link", name="edit line 15").click()
    editor = page.get_by_label("Edit upload/sample.yaml here")
    chosen = editor.evaluate("e => e.value.slice(e.selectionStart, e.selectionEnd)")
    assert chosen == "    answer: Pluto"
    assert editor.evaluate("e => document.activeElement === e")
    editor.fill(broken.replace("answer: Pluto", "answer: Mercury"))
    page.get_by_role("button", name="Re-check").click()
    page.wait_for_url(re.compile(r".*/authoring/uploads/\d+$"))
    assert (
        "added 0, updated 0, retired 0, unchanged" in page.locator("#import-summary").inner_text()
    )
