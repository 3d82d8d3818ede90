"""Every student page at a phone's size (390x844) and a desktop's (1280x900): nothing scrolls
sideways, focus lands where the student acts next, the keyboard paths work, the phone gets its
own controls (a collapsing menu with Log out, the bottom bar, a tap on the card, grade buttons
pinned full-width at the bottom), and axe finds nothing serious or critical."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from quizapp.extensions import db
from quizapp.models import User
from tests.browser.helpers import register, serious_violations
from tests.factories import (
    enrol,
    first_card,
    make_attempt,
    make_course,
    make_quiz_assignment,
    make_user,
)

pytestmark = pytest.mark.browser

SIZES = {"phone": (390, 844), "desktop": (1280, 900)}

STUDENT_PAGES = [
    "/",
    "/banks/sample-bank",
    "/quiz/new",
    "/study/",
    "/study/sample-bank",
    "/study/settings",
    "/study/limits",
    "/progress/",
    "/progress/attempts",
    "/classes/",
    "/account/password",
]


@pytest.fixture(params=list(SIZES))
def size(request, page):
    width, height = SIZES[request.param]
    page.set_viewport_size({"width": width, "height": height})
    page.on("dialog", lambda dialog: dialog.accept())  # "Start a timed exam now?"
    return request.param


def fits(page) -> bool:
    """Nothing pushes the page wider than the window."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def focused(page) -> str:
    """The focused element's id (or tag, if it has none)."""
    return page.evaluate("document.activeElement.id || document.activeElement.tagName")


def find_user_of(app, name: str) -> User:
    with app.app_context():
        return db.session.scalar(db.select(User).where(User.username == name))


def check_page(page, where: str) -> None:
    assert fits(page), f"{where} scrolls sideways"
    assert serious_violations(page) == [], where


def test_every_student_page_fits_and_passes_axe(sample_app, live_server, page, size):
    register(page, live_server, f"sweeper-{size}")
    for path in STUDENT_PAGES:
        page.goto(live_server + path)
        check_page(page, f"{path} at {size}")
    page.goto(live_server + "/")
    menu = page.get_by_role("button", name=re.compile("menu", re.I))
    if size == "phone":
        # The bottom bar leads to the three places a student goes most ...
        bar = page.get_by_role("navigation", name="Sections")
        for name in ("Quiz", "Study", "Progress"):
            expect(bar.get_by_role("link", name=name)).to_be_visible()
        # ... and Log out is one tap into the collapsed menu.
        expect(page.get_by_role("button", name="Log out")).to_be_hidden()
        menu.click()
    else:
        expect(menu).to_be_hidden()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r".*/(login)?$"))


def test_pages_reached_from_other_pages_fit_and_pass_axe(sample_app, live_server, page, size):
    """The pages a student reaches only through another one: a card's info, the cram start,
    results showing the wrong ones only, and an enrolled student's class and assignment."""
    register(page, live_server, f"deeper-{size}")
    student = find_user_of(sample_app, f"deeper-{size}")
    attempt = make_attempt(sample_app, student, answers="wrong", submit=True)
    course = make_course(sample_app, make_user(sample_app, f"teacher-{size}", "instructor"))
    enrol(sample_app, course, student)
    assignment = make_quiz_assignment(sample_app, course)
    for path in (
        f"/study/card/{first_card(sample_app)}",
        "/study/sample-bank/cram",
        f"/quiz/{attempt}/results?show=wrong",
        f"/classes/{course}",
        f"/classes/{course}/assignments/{assignment}",
    ):
        response = page.goto(live_server + path)
        assert response.status == 200, path
        check_page(page, f"{path} at {size}")


def test_today_leads_to_each_action(sample_app, live_server, page, size):
    register(page, live_server, f"todayer-{size}")
    today = page.locator("#today")
    today.get_by_role("link", name="Study all").click()
    page.wait_for_url(re.compile(r".*/study/all$"))
    page.goto(live_server + "/banks/sample-bank")
    modes = page.locator("#modes")
    for mode in ("flashcards", "cram", "quiz", "exam"):
        expect(modes.locator(f"#mode-{mode}")).to_be_visible()
    modes.get_by_role("button", name=re.compile("^Quiz")).click()
    page.wait_for_url(re.compile(r".*/quiz/\d+/q/0$"))
    check_page(page, f"a question at {size}")
    page.goto(live_server + "/")
    page.locator("#today").get_by_role("link", name=re.compile("^Resume")).click()
    page.wait_for_url(re.compile(r".*/quiz/\d+/q/0$"))


def test_practice_by_keyboard_with_marks_on_the_answers(sample_app, live_server, page, size):
    register(page, live_server, f"keys-{size}")
    page.goto(live_server + "/quiz/new")
    page.get_by_label("Sample Bank").check()
    page.get_by_label("Number of questions").fill("9")
    page.get_by_role("button", name="Start").click()
    page.wait_for_url(re.compile(r".*/quiz/\d+/q/0$"))
    choices = 0
    for number in range(9):
        # The first control has focus as the page loads.
        kind = page.evaluate("document.activeElement.type || document.activeElement.tagName")
        assert kind in ("radio", "checkbox", "text", "number", "select-one", "SELECT"), kind
        if kind in ("radio", "checkbox"):
            choices += 1
            page.keyboard.press("1")  # number keys pick options
            assert page.evaluate("document.activeElement.checked")
            page.get_by_role("button", name="Check answer").focus()
            page.keyboard.press("Enter")
        else:
            page.get_by_role("button", name="I don't know").click()
        # After Check, focus is on the verdict; each option is marked with words.
        expect(page.locator("#feedback-heading")).to_be_focused()
        if kind in ("radio", "checkbox"):
            assert page.locator(".mark").count() >= 1
        if number == 0:
            check_page(page, f"feedback at {size}")
        page.keyboard.press("Enter")  # Enter goes on
        if number < 8:
            page.wait_for_url(re.compile(rf".*/q/{number + 1}$"))
    assert choices >= 3  # single, multiple and true/false
    page.wait_for_url(re.compile(r".*/results$"))
    check_page(page, f"results at {size}")
    grid = page.get_by_role("navigation", name=re.compile("question", re.I))
    expect(grid.first).to_be_visible()
    page.get_by_role("button", name=re.compile(r"^Retry the \d+ I missed")).click()
    page.wait_for_url(re.compile(r".*/quiz/\d+/q/0$"))


def test_flashcards_by_keyboard_or_by_tap(sample_app, live_server, page, size):
    register(page, live_server, f"cards-{size}")
    page.goto(live_server + "/study/sample-bank")
    expect(page.locator("#show-answer")).to_be_focused()
    check_page(page, f"a card's front at {size}")
    legend = page.locator("p.key-hint")
    bar = page.locator("#grade-form")
    if size == "phone":
        expect(legend).to_be_hidden()
        page.locator("#flashcard").click()  # a tap on the card shows the answer
        expect(page.locator("#back")).to_be_visible()
        box, width = bar.bounding_box(), page.viewport_size["width"]
        # Full width, pinned to the bottom of the screen.
        assert box["width"] >= width - 1 and abs(box["y"] + box["height"] - 844) <= 1
    else:
        expect(legend).to_be_visible()
        page.keyboard.press("Space")
        expect(page.locator("#back")).to_be_visible()
    expect(page.locator("#grade-help")).to_be_visible()  # what the four grades mean
    check_page(page, f"a card's back at {size}")
    expect(page.locator(".grade-3")).to_be_focused()
    for _ in range(30):
        if page.locator("#done").is_visible():
            break
        if page.locator("#back").is_hidden():
            page.keyboard.press("Space")
        page.keyboard.press("4")  # Easy: the card leaves today's queue
        expect(page.locator("#reviewer:not([data-busy])")).to_have_count(1)
        expect(page.locator("#grade-help")).to_have_count(0)
    expect(page.locator("#done")).to_be_visible()
    expect(page.locator("#session-summary")).to_contain_text("10 cards studied")
    expect(page.locator("#study-progress")).to_have_attribute(
        "aria-valuetext", "10 reviewed, 0 left"
    )
    check_page(page, f"the session summary at {size}")


def test_cram_knows_and_still_learning_with_keys(sample_app, live_server, page, size):
    register(page, live_server, f"crammer-{size}")
    page.goto(live_server + "/study/sample-bank/cram")
    page.get_by_role("button", name=re.compile("Start")).first.click()
    page.wait_for_url(re.compile(r".*/study/cram/\d+$"))
    expect(page.locator("#show-answer")).to_be_focused()
    check_page(page, f"cram at {size}")
    url = page.url
    for number in range(10):
        page.keyboard.press("Space")
        expect(page.locator("#back")).to_be_visible()
        page.keyboard.press("1" if number < 2 else "2")  # two still learning
        expect(page.locator("#cram-progress")).to_have_attribute("value", str(number + 1))
    assert page.url == url  # in place, no page loads
    expect(page.locator("#cram-result")).to_be_visible()
    expect(page.locator("#cram-score")).to_contain_text("8 of 10 known")
    page.get_by_role("button", name=re.compile("Go through the 2 still learning")).click()
    expect(page.locator("#cram-place")).to_contain_text("card 1 of 2")
    check_page(page, f"cram's second round at {size}")


def test_an_exam_keeps_its_timer_in_sight_and_lists_the_unanswered(
    sample_app, live_server, page, size
):
    register(page, live_server, f"examinee-{size}")
    page.goto(live_server + "/banks/sample-bank")
    page.locator("#mode-exam").click()  # the confirm dialog is accepted
    page.wait_for_url(re.compile(r".*/quiz/\d+/q/0$"))
    timer = page.locator("#countdown")
    expect(timer).to_contain_text("left")
    assert "warning" not in (timer.get_attribute("class") or "")  # ten minutes: not yet
    check_page(page, f"an exam question at {size}")
    page.mouse.wheel(0, 2000)  # the timer stays in sight as the page scrolls
    page.wait_for_timeout(200)
    box = timer.bounding_box()
    assert box is not None and 0 <= box["y"] < page.viewport_size["height"]
    page.get_by_role("button", name="Finish exam").click()
    page.wait_for_url(re.compile(r".*/summary$"))
    expect(page.locator("#summary-line")).to_contain_text("questions not answered")
    check_page(page, f"the exam summary at {size}")
    page.get_by_role("button", name="Submit all and finish").click()
    page.wait_for_url(re.compile(r".*/results$"))
    check_page(page, f"exam results at {size}")


def test_without_javascript_every_new_flow_still_works(sample_app, live_server, browser):
    """The server-rendered baseline on a phone: Log out in reach, Today's Study all, a card
    shown and graded by plain forms to the session summary, and a practice answered."""
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        register(page, live_server, "plain")
        assert fits(page)
        expect(page.get_by_role("button", name="Log out")).to_be_visible()
        page.locator("#today").get_by_role("link", name="Study all").click()
        for _ in range(30):
            if page.locator("#done").is_visible():
                break
            page.get_by_role("link", name=re.compile("^Show answer")).click()
            page.get_by_role("button", name=re.compile("^Easy")).click()
        expect(page.locator("#session-summary")).to_contain_text("10 cards studied")
        assert fits(page)
        page.goto(live_server + "/banks/sample-bank")
        page.locator("#mode-quiz").click()
        page.wait_for_url(re.compile(r".*/quiz/\d+/q/0$"))
        page.get_by_role("button", name="I don't know").click()
        expect(page.locator("#feedback-heading")).to_be_visible()
        page.get_by_role("link", name="Next question").click()
        page.wait_for_url(re.compile(r".*/q/1$"))
        assert fits(page)
    finally:
        context.close()


def test_show_password_reveals_what_was_typed(app, live_server, page, size):
    page.goto(live_server + "/login")
    field = page.get_by_label("Password", exact=True)
    field.fill("typed with care")
    assert field.get_attribute("type") == "password"
    page.get_by_label("Show password").check()
    assert field.get_attribute("type") == "text"
    check_page(page, f"log in at {size}")


def test_the_time_limit_shows_for_exams_only(sample_app, live_server, page, size):
    register(page, live_server, f"limiter-{size}")
    page.goto(live_server + "/quiz/new")
    limit = page.get_by_label("Time limit in minutes")
    expect(limit).to_be_hidden()
    page.get_by_label("Number of questions").fill("6")
    page.get_by_label("Exam: no feedback").check()
    expect(limit).to_be_visible()
    expect(limit).to_have_value("6")  # a minute a question to start with
    check_page(page, f"new quiz with an exam picked at {size}")


def test_ordering_warns_when_one_item_takes_two_positions(sample_app, live_server, page):
    register(page, live_server, "orderer")
    page.goto(live_server + "/quiz/new")
    page.get_by_label("Sample Bank").check()
    page.get_by_label("Number of questions").fill("9")
    page.get_by_role("button", name="Start").click()
    page.wait_for_url(re.compile(r".*/quiz/\d+/q/0$"))
    for _ in range(9):  # Skip on to the ordering question
        if "increasing order" in page.locator("#prompt").inner_text():
            break
        page.locator("#skip").click()
        page.wait_for_load_state()
    warning = page.locator("#ordering-duplicates")
    page.get_by_label("Position 1").select_option("two")
    page.get_by_label("Position 2").select_option("two")
    expect(warning).to_have_text("Picked for more than one position: “two”.")
    page.get_by_label("Position 2").select_option("one")
    expect(warning).to_have_text("")
