"""Counts that add up, over HTTP on the ten shipped banks: the decks' counts sum to All decks,
each deck's own limits cap it, and each count is what studying that deck gives."""

from __future__ import annotations

import re

import pytest

from tests.conftest import QUESTIONS, csrf_token, load_banks

JSON = {"Accept": "application/json"}


@pytest.fixture
def learner(app, client, auth):
    load_banks(app, QUESTIONS)
    auth.register("counter")
    return auth


def deck_rows(client) -> dict[str, tuple[int, int, int]]:
    """Every row of the deck list: slug -> (new, learning, due)."""
    html = client.get("/study/").get_data(as_text=True)
    rows = re.findall(
        r'data-deck="([^"]+)".*?text-primary">(\d+)<.*?text-danger">(\d+)<.*?text-success">(\d+)<',
        html,
        re.S,
    )
    return {slug: tuple(map(int, counts)) for slug, *counts in rows}


def limits_form(client) -> dict[str, str]:
    """The deck limits form as the page fills it."""
    html = client.get("/study/limits").get_data(as_text=True)
    fields = dict(re.findall(r'name="(decks-\d+-[a-z_]+)"[^>]*?value="([^"]*)"', html))
    fields.update(re.findall(r'name="(decks-\d+-deck)" type="hidden" value="([^"]*)"', html))
    return fields


def set_deck_limit(auth, slug: str, new: str = "", reviews: str = ""):
    fields = limits_form(auth.client)
    index = next(k.split("-")[1] for k, v in fields.items() if k.endswith("-deck") and v == slug)
    fields[f"decks-{index}-new_per_day"] = new
    fields[f"decks-{index}-reviews_per_day"] = reviews
    return auth.post("/study/limits", fields)


def study_deck(client, slug: str) -> int:
    """Grade Easy every card the deck offers until it has none; returns how many."""
    token = csrf_token(client, "/study/")
    given = 0
    while "card" in (payload := client.get(f"/study/{slug}", headers=JSON).json):
        card = payload["card"]
        data = {"csrf_token": token, "card_id": card["id"], "version": card["version"]}
        response = client.post(f"/study/{slug}/grade", data={**data, "rating": 4}, headers=JSON)
        assert response.status_code == 200
        given += 1
    return given


def test_decks_add_up_to_all_decks_and_to_the_daily_limit(learner, client):
    rows = deck_rows(client)
    total = rows.pop("all")
    assert len(rows) == 10
    assert tuple(map(sum, zip(*rows.values(), strict=True))) == total
    assert total[0] == 20  # the default limit, shared by every deck
    home = client.get("/").get_data(as_text=True)
    assert re.search(r'data-count="new">20<', home)


def test_a_decks_own_limit_caps_it_and_leaves_the_rest_to_the_next_decks(learner, client):
    before = deck_rows(client)
    first, second, *_ = (slug for slug in before if slug != "all")
    assert before[first][0] == 20 and before[second][0] == 0  # every bank has over 20 cards
    assert set_deck_limit(learner, first, new="3").status_code == 302
    rows = deck_rows(client)
    assert (rows[first][0], rows[second][0], rows["all"][0]) == (3, 17, 20)
    assert 'value="3"' in client.get("/study/limits").get_data(as_text=True)


def test_each_deck_gives_exactly_the_count_it_shows(learner, client):
    first, second, *_ = (slug for slug in deck_rows(client) if slug != "all")
    set_deck_limit(learner, first, new="4")
    shown = deck_rows(client)
    assert study_deck(client, second) == shown[second][0]
    after = deck_rows(client)
    assert after[first] == shown[first]  # studying one deck left the other's count alone
    assert study_deck(client, first) == shown[first][0] == 4
    assert deck_rows(client)["all"][0] == 20 - 4 - shown[second][0]


@pytest.mark.parametrize(
    ("new", "message"),
    [("-1", "between 0 and 9999"), ("lots", "Not a valid integer value")],
)
def test_bad_deck_limits_rerender_with_a_message(learner, client, new, message):
    slug = next(slug for slug in deck_rows(client) if slug != "all")
    response = set_deck_limit(learner, slug, new=new)
    assert response.status_code == 422 and message in response.get_data(as_text=True)


def test_a_deck_that_is_gone_is_refused_and_nothing_is_saved(learner, client):
    fields = limits_form(client)
    fields["decks-0-deck"] = "no-such-deck"
    fields["decks-1-new_per_day"] = "2"
    response = learner.post("/study/limits", fields)
    assert response.status_code == 422 and "no-such-deck" in response.get_data(as_text=True)
    assert 'value="2"' not in client.get("/study/limits").get_data(as_text=True)
