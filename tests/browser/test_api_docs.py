"""A developer opens /api/docs in Chromium: Swagger UI, served by the app itself, shows every
operation of the API under the app's strict Content Security Policy, and can call one with a
token. Nothing is fetched from anywhere else (the page works offline)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from quizapp.api import api
from tests.api_client import make_token
from tests.conftest import SAMPLE_BANKS, load_banks
from tests.factories import make_user

pytestmark = pytest.mark.browser


def test_the_docs_page_shows_every_operation_and_calls_one(app, live_server, page):
    load_banks(app, SAMPLE_BANKS)
    token = make_token(app, make_user(app, "developer"))
    elsewhere = []
    page.on(
        "request",
        lambda request: (
            elsewhere.append(request.url)
            if urlsplit(request.url).netloc != urlsplit(live_server).netloc
            and not request.url.startswith("data:")
            else None
        ),
    )
    page.goto(live_server + "/api/docs")
    operations = page.locator(".opblock")
    operations.first.wait_for()
    assert operations.count() == len(api.operations)
    assert page.locator(".info .title").inner_text().startswith("quizapp API")

    # Authorize with the token, then try "List the banks".
    page.get_by_role("button", name="Authorize").first.click()
    page.locator(".modal-ux input").fill(token)
    page.locator(".modal-ux").get_by_role("button", name="Apply credentials").click()
    page.locator(".modal-ux").get_by_role("button", name="Close").click()
    banks = page.locator("#operations-banks-list_banks")
    banks.locator(".opblock-summary").click()
    banks.get_by_role("button", name="Try it out").click()
    banks.get_by_role("button", name="Execute").click()
    body = banks.locator(".live-responses-table .response-col_description pre").first
    body.wait_for()
    assert "sample-bank" in body.inner_text()
    assert elsewhere == []
