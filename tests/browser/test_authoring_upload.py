"""An instructor uploads a bank with a mistake, fixes it, previews and confirms, in Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from quizapp.extensions import db
from quizapp.services.accounts import create_user
from tests.browser.helpers import log_in, serious_violations
from tests.conftest import SAMPLE_BANKS

pytestmark = pytest.mark.browser


def test_upload_fix_preview_confirm(app, live_server, page):
    with app.app_context():
        create_user(db.session, "teacher", "marking essays all night", "instructor")
    log_in(page, live_server, "teacher", "marking essays all night")
    page.get_by_role("link", name="Authoring").click()
    assert serious_violations(page) == []
    good = (SAMPLE_BANKS / "sample.yaml").read_text()
    broken = good.replace("answer: Mercury", "answer: Pluto")

    page.get_by_label("Bank files", exact=True).set_input_files(
        {"name": "sample.yaml", "mimeType": "application/yaml", "buffer": broken.encode()}
    )
    page.get_by_role("button", name="Check files").click()
    problem = page.locator(".has-problem .problem").first
    assert "answer 'Pluto' is not one of the choices" in problem.inner_text()
    assert "Nothing was imported" in page.locator("#summary").inner_text()
    assert serious_violations(page) == []

    page.get_by_label("Bank files", exact=True).set_input_files(
        {"name": "sample.yaml", "mimeType": "application/yaml", "buffer": good.encode()}
    )
    page.get_by_role("button", name="Check files").click()
    page.wait_for_url(re.compile(r".*/authoring/uploads/\d+$"))
    assert (
        "added 10, updated 0, retired 0, unchanged 0"
        in page.locator("#import-summary").inner_text()
    )
    assert page.locator(".question-preview").count() == 9
    assert serious_violations(page) == []

    page.get_by_role("button", name="Confirm and import").click()
    page.wait_for_url(live_server + "/authoring/")
    expect(page.locator("body")).to_contain_text("Imported: added 10")
    row = page.locator('tr[data-bank="sample-bank"]')
    assert "upload/sample.yaml" in row.inner_text()
