"""Moodle's per-answer feedback over HTTP: a GIFT bank's feedback for the answer a student gave
is shown beside the mark once the answer is checked, and never before (it is part of the key)."""

from __future__ import annotations

from tests.conftest import GIFT_DIR, load_banks
from tests.factories import answer, items_of, start


def test_feedback_for_the_answer_given_is_shown_after_checking_only(app, client, auth):
    load_banks(app, GIFT_DIR / "every-construct.gift")
    auth.register("pupil")
    attempt = start(auth, banks=["gift-sample"], count="10")
    tomb = next(i for i in items_of(app, attempt) if i.question.slug == "grant-tomb")
    before = client.get(f"/quiz/{attempt}/q/{tomb.position}").get_data(as_text=True)
    assert "Who is buried in Grant" in before and "He is, with his wife." not in before
    assert answer(auth, app, attempt, tomb.position, {"answer": "Grant"}).status_code == 302
    after = client.get(f"/quiz/{attempt}/q/{tomb.position}").get_data(as_text=True)
    assert '<p class="mb-2 grade-note">He is, with his wife.</p>' in after
