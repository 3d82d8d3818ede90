"""A student's Today: home, a bank's page and the dashboard turn each number into its action
(cards due -> Study, an unfinished attempt -> Resume, mistakes -> Retry, the weakest bank ->
Practise), and a bank's page has Quizlet's row of modes with the last score and cards due."""

from __future__ import annotations

import re

import pytest

from tests.conftest import csrf_token
from tests.factories import items_of, sample_counts, start
from tests.factories import take_practice as take

JSON = {"Accept": "application/json"}


@pytest.fixture
def student(sample_app, auth):
    auth.register("todayer")
    return auth


def section(page: str, ident: str) -> str:
    """The HTML of the element with that id up to the end of its card."""
    return page.split(f'id="{ident}"', 1)[1].split("</section>", 1)[0]


def test_a_new_student_is_told_to_study_the_cards_and_where_to_start(student, client):
    page = client.get("/").get_data(as_text=True)
    today = section(page, "today")
    cards = sample_counts()["cards"]
    assert 'href="/study/all">Study all</a>' in today
    assert f'<span class="fs-4 fw-semibold">{min(cards, 20)}</span> cards to study' in today
    # Nothing tried yet: the first bank is where to start, one button away.
    assert "Start with" in today and 'action="/quiz/quick/sample-bank"' in today
    assert 'data-action="retry"' not in today and 'data-action="resume"' not in today
    row = page.split('data-bank="sample-bank"', 1)[1].split("</tr>", 1)[0]
    assert '<td class="text-end" data-field="last-score">—</td>' in row
    assert 'href="/study/sample-bank"' in row


def test_an_unfinished_quiz_and_mistakes_lead_to_resume_and_retry(student, client, app):
    take(student, app, right={0}, count=3)
    unfinished = start(student, count="2")
    page = client.get("/").get_data(as_text=True)
    today = section(page, "today")
    assert f'href="/quiz/{unfinished}">Resume' in today
    assert 'id="mistakes-count">2</span> questions you got wrong last time' in today
    assert re.search(r'name="count" value="2">\s*<button[^>]*>Retry 2 mistakes<', today)
    assert "Your weakest bank" in today and "1 of " in today
    row = page.split('data-bank="sample-bank"', 1)[1].split("</tr>", 1)[0]
    assert 'data-field="last-score">33%</td>' in row


def test_the_bank_page_has_a_row_of_modes_with_the_last_score_and_cards_due(student, client, app):
    page = client.get("/banks/sample-bank").get_data(as_text=True)
    modes = section(page, "modes")
    assert "Not quizzed yet" in modes and "mode-retry" not in modes
    for mode in ("mode-flashcards", "mode-cram", "mode-quiz", "mode-exam"):
        assert f'id="{mode}"' in modes
    due = min(sample_counts()["cards"], 20)
    assert f"<strong>{due}</strong> cards due today" in modes
    take(student, app, right={0, 1}, count=4)
    modes = section(client.get("/banks/sample-bank").get_data(as_text=True), "modes")
    assert "Last score <strong>50%</strong>" in modes
    assert "2 of " in modes and "questions right" in modes
    assert re.search(r'id="mode-retry">Retry mistakes <span[^>]*>2</span>', modes)
    # Each mode works: Retry starts on the two missed questions, the exam starts timed.
    retry = student.post("/quiz/retry", {"bank": "sample-bank", "count": "2"})
    attempt = int(re.search(r"/quiz/(\d+)", retry.headers["Location"]).group(1))
    assert len(items_of(app, attempt)) == 2
    exam = student.post("/quiz/quick/sample-bank/exam")
    assert re.fullmatch(r"/quiz/\d+", exam.headers["Location"])


def test_the_dashboard_recommends_one_next_step_and_each_bank_row_acts(student, client, app):
    take(student, app, right={0}, count=2)
    page = client.get("/progress/").get_data(as_text=True)
    recommended = section(page, "recommended")
    assert "Recommended next:" in recommended and "Study all" in recommended
    row = page.split('data-mastery="sample-bank"', 1)[1].split("</tr>", 1)[0]
    assert 'action="/quiz/retry"' in row and ">Retry 1<" in row
    assert 'href="/study/sample-bank">Study' in row
    assert 'action="/quiz/quick/sample-bank"' in row
    # Each tile is a link to what it counts.
    tiles = page.split('id="today-heading"', 1)[1].split("</section>", 1)[0]
    assert tiles.count('class="stretched-link small" href="/study/all"') == 5
    # The meters announce counts, not raw fractions.
    assert 'aria-valuetext="1 of ' in row and "questions right" in row


def test_my_attempts_offer_resume_discard_and_review(student, client, app):
    finished = take(student, app, right={0}, count=2)
    unfinished = start(student, count="2")
    page = client.get("/progress/attempts").get_data(as_text=True)
    assert f'href="/quiz/{finished}/results">Review<' in page
    assert f'href="/quiz/{unfinished}">Resume<' in page
    assert f'action="/quiz/{unfinished}/discard"' in page
    assert f'action="/quiz/{finished}/discard"' not in page


def test_the_deck_list_links_each_deck_and_says_when_cards_come_next(student, client):
    page = client.get("/study/").get_data(as_text=True)
    assert '<a href="/banks/sample-bank">Sample Bank</a>' in page
    assert 'id="next-due"' not in page  # cards are waiting today
    token = csrf_token(client, "/study/")
    while "card" in (payload := client.get("/study/all", headers=JSON).json):
        card = payload["card"]
        data = {"csrf_token": token, "card_id": card["id"], "version": card["version"]}
        client.post("/study/all/grade", data={**data, "rating": 4}, headers=JSON)
    page = client.get("/study/").get_data(as_text=True)
    assert re.search(r'id="next-due">Nothing to study now. Next: <strong>\d+ cards?</strong>', page)
    info = client.get(f"/study/card/{card['id']}").get_data(as_text=True)
    assert 'href="/study/sample-bank">Back to the deck' in info


def test_the_dashboard_home_and_the_bank_page_show_the_same_counts(student, client, app):
    """The dashboard builds its Today from its own reads; home and the bank's page read theirs:
    the cards due, the mistakes and the unfinished quiz agree on all three."""
    take(student, app, right={0}, count=3)
    unfinished = start(student, count="2")
    dashboard = client.get("/progress/").get_data(as_text=True)
    home = client.get("/").get_data(as_text=True)
    modes = section(client.get("/banks/sample-bank").get_data(as_text=True), "modes")
    due = int(re.search(r'data-bank="sample-bank".*?data-field="due">(\d+)<', home, re.S)[1])
    assert due == min(sample_counts()["cards"], 20)
    row = dashboard.split('data-mastery="sample-bank"', 1)[1].split("</tr>", 1)[0]
    assert f'href="/study/sample-bank">Study {due}<' in row
    assert f"<strong>{due}</strong> cards due today" in modes
    assert ">Retry 2<" in row and 'name="count" value="2"' in row
    assert re.search(r'id="mode-retry">Retry mistakes <span[^>]*>2</span>', modes)
    assert 'id="mistakes-count">2</span>' in section(home, "today")
    assert "finish " in section(dashboard, "recommended")
    assert f'href="/quiz/{unfinished}">Resume' in section(dashboard, "recommended")
    assert f'href="/quiz/{unfinished}">Resume' in section(home, "today")
