"""Two-button mode: a study setting that makes the reviewer offer Again (still learning) and
Good (know it) only, as Quizlet does; the server still takes all four grades."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Review, User
from quizapp.scheduling import Rating
from tests.conftest import csrf_token

SETTINGS = {
    "desired_retention": "0.90",
    "new_per_day": "20",
    "reviews_per_day": "200",
    "timezone": "UTC",
    "learning_steps": "y",
}


@pytest.fixture
def learner(sample_app, auth):
    auth.register("twobuttons")
    return auth


def two_buttons_of(app) -> bool:
    with app.app_context():
        return db.session.scalar(sa.select(User.two_buttons).where(User.username == "twobuttons"))


def save_settings(client, **changes):
    """Submit the settings page's form as a browser does, with the token the page carries."""
    token = csrf_token(client, "/study/settings")
    return client.post("/study/settings", data={"csrf_token": token, **SETTINGS, **changes})


def grade_buttons(client) -> list[tuple[str, str]]:
    """(rating, text) of each grade button on the card's revealed back."""
    page = client.get("/study/sample-bank?reveal=1").get_data(as_text=True)
    buttons = re.findall(r'<button type="submit" name="rating" value="(\d)"[^>]*>(.*?)</button>',
                         page, re.S)  # fmt: skip
    return [(value, " ".join(re.sub(r"<[^>]+>", " ", text).split())) for value, text in buttons]


def test_the_setting_is_off_by_default_and_saved_by_the_settings_form(learner, client, app):
    page = client.get("/study/settings").get_data(as_text=True)
    checkbox = re.search(r'<input[^>]*name="two_buttons"[^>]*>', page).group(0)
    assert "checked" not in checkbox and two_buttons_of(app) is False
    # Without the form's token nothing is saved.
    refused = client.post("/study/settings", data={**SETTINGS, "two_buttons": "y"})
    assert refused.status_code == 400 and two_buttons_of(app) is False

    assert save_settings(client, two_buttons="y").status_code == 302
    assert two_buttons_of(app) is True
    checkbox = re.search(r'<input[^>]*name="two_buttons"[^>]*>', client.get("/study/settings").text)
    assert "checked" in checkbox.group(0)
    # Picking a retention from the workload table keeps the other settings, this one too.
    learner.post("/study/retention", {"desired_retention": "0.85"})
    assert two_buttons_of(app) is True

    assert save_settings(client).status_code == 302  # an unticked box is sent as nothing
    assert two_buttons_of(app) is False


def test_the_reviewer_offers_four_grades_or_two(learner, client):
    four = grade_buttons(client)
    assert [value for value, _ in four] == ["1", "2", "3", "4"]
    assert [text.split()[0] for _, text in four] == ["Again", "Hard", "Good", "Easy"]

    save_settings(client, two_buttons="y")
    page = client.get("/study/sample-bank?reveal=1").get_data(as_text=True)
    assert grade_buttons(client) == [
        ("1", "Again 1 still learning 1m"),
        ("3", "Good 3 know it 10m"),
    ]
    assert re.search(r'class="btn grade-3 btn-success" autofocus', page)  # Enter/Space: Good
    # The one-time note and the key legend explain the two buttons.
    assert "Did you know it?" in page and "Hard</dt>" not in page
    assert "<kbd>1</kbd> Again (still learning)" in page
    assert "<kbd>3</kbd> Good (know it)" in page


def test_good_from_the_two_button_page_is_recorded_and_an_old_tabs_hard_still_counts(
    learner, client, app
):
    save_settings(client, two_buttons="y")
    page = client.get("/study/sample-bank?reveal=1").get_data(as_text=True)
    form = re.search(r'<form id="grade-form".*?</form>', page, re.S).group(0)
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
    action = re.search(r'action="([^"]+)"', form).group(1)
    # The page's own form, without JavaScript: a plain POST that redirects to the next card.
    response = client.post(action, data={**fields, "rating": "3"})
    assert response.status_code == 302 and "last=" in response.headers["Location"]

    # A tab opened before the switch still shows Hard: the server takes it.
    following = client.get("/study/sample-bank?reveal=1").get_data(as_text=True)
    second = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', following))
    assert second["card_id"] != fields["card_id"]
    assert client.post(action, data={**second, "rating": "2"}).status_code == 302

    with app.app_context():
        ratings = db.session.execute(
            sa.select(Review.card_id, Review.rating).order_by(Review.id)
        ).all()
    assert [(str(card), Rating(rating)) for card, rating in ratings] == [
        (fields["card_id"], Rating.GOOD),
        (second["card_id"], Rating.HARD),
    ]
