"""A student makes an API token on their account page in Chromium, copies it once, uses it,
and revokes it; the page has no serious accessibility problems."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import register, serious_violations

pytestmark = pytest.mark.browser


def test_make_use_and_revoke_a_token(live_server, page):
    register(page, live_server, "phone-owner")
    page.get_by_role("link", name="phone-owner").click()
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_text("No tokens yet.")).to_be_visible()
    assert page.get_by_label("author", exact=False).count() == 0  # students are not offered it
    page.get_by_label("Name").fill("My phone")
    page.get_by_label("read: banks", exact=False).check()
    page.get_by_label("study: take quizzes", exact=False).check()
    page.get_by_role("button", name="Create token").click()
    token = page.get_by_label("Copy it now: it is shown only this once.").input_value()
    assert token.startswith("qzp_")
    assert serious_violations(page) == []

    api = page.request
    bearer = {"Authorization": f"Bearer {token}"}
    assert api.get(live_server + "/api/v1/me", headers=bearer).json()["token_name"] == "My phone"
    page.goto(live_server + "/account/tokens")  # shown once: gone from the page now
    assert token not in page.content()
    assert "My phone" in page.locator("#tokens").inner_text()

    page.get_by_role("button", name="Revoke My phone").click()
    expect(page.locator("#tokens")).to_contain_text("revoked")
    assert api.get(live_server + "/api/v1/me", headers=bearer).status == 401
