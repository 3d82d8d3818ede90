"""The parts of base.html every page repeats: the stylesheet and script links, the menu and the
phone's tab bar. Each is built once per kind of page (who is signed in, which section, which
mount point) and reused: a page then pays for no url_for and no macro call in its frame."""

from __future__ import annotations

from typing import NamedTuple

from flask import current_app, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape

from ..extensions import bootstrap


class Chrome(NamedTuple):
    head: Markup  # stylesheets
    menu: Markup  # the main menu's sections (inside its <ul>)
    account: Markup  # the password page's address (the username is shown by the template)
    logout: Markup  # the log-out form's action
    anonymous: Markup  # the log-in and register links of a visitor
    tabbar: Markup  # the phone's tab bar (empty for a visitor)
    scripts: Markup
    home: Markup  # the brand link's address


def _url(endpoint: str, **values) -> Markup:
    """url_for, escaped as the template would escape it."""
    return escape(url_for(endpoint, **values))


def nav_link(endpoint: str, label: str, here: bool) -> str:
    active = " active" if here else ""
    current = ' aria-current="page"' if here else ""
    return f'<a class="nav-link{active}" href="{_url(endpoint)}"{current}>{escape(label)}</a>'


def _item(endpoint: str, label: str, here: bool) -> str:
    return f'<li class="nav-item">{nav_link(endpoint, label, here)}</li>'


def _build(signed_in: bool, staff: bool, section: str | None, home: bool) -> Chrome:
    head = (
        f"{bootstrap.load_css()}\n"
        f'  <link rel="stylesheet" href="{_url("static", filename="css/app.css")}">\n'
        '  <noscript><link rel="stylesheet" href='
        f'"{_url("static", filename="css/nojs.css")}"></noscript>'
    )
    menu = [_item("main.home", "Home" if signed_in else "Banks", home)]
    tabbar = ""
    if signed_in:
        menu += [
            _item("quiz.new", "New quiz", section == "quiz"),
            _item("study.index", "Study", section == "study"),
            _item("progress.dashboard", "My progress", section == "progress"),
            _item("classes.index", "Classes", section == "classes"),
        ]
        if staff:
            menu += [
                _item("classroom.overview", "Students", section == "classroom"),
                _item("authoring.index", "Authoring", section == "authoring"),
            ]
        tabbar = "\n    ".join(
            [
                nav_link("quiz.new", "Quiz", section == "quiz"),
                nav_link("study.index", "Study", section == "study"),
                nav_link("progress.dashboard", "Progress", section == "progress"),
            ]
        )
    anonymous = (
        f'<li class="nav-item"><a class="nav-link" href="{_url("auth.login")}">Log in</a></li>\n'
        f'          <li class="nav-item"><a class="nav-link" href="{_url("auth.register")}">'
        "Register</a></li>"
    )
    return Chrome(
        head=Markup(head),
        menu=Markup("\n          ".join(menu)),
        account=_url("auth.password"),
        logout=_url("auth.logout"),
        anonymous=Markup(anonymous),
        tabbar=Markup(tabbar),
        scripts=Markup(bootstrap.load_js()),
        home=_url("main.home"),
    )


def page_chrome() -> Chrome:
    """This request's page frame, built on the first page of its kind (a few dozen kinds)."""
    signed_in = current_user.is_authenticated
    section = request.blueprint
    key = (
        request.script_root,
        signed_in,
        signed_in and current_user.is_staff,
        section,
        request.endpoint == "main.home",
    )
    built = current_app.extensions.setdefault("quizapp.chrome", {})
    chrome = built.get(key)
    if chrome is None:
        chrome = built[key] = _build(*key[1:])
    return chrome


MARKER = 2**31 - 1  # the largest id a URL takes (quizapp.BoundedInt)


def row_links(endpoint: str, key: str, **values):
    """A function: id -> url_for(endpoint, **{key: id}, **values), for the rows of a table.
    url_for runs once, with a marker id that each row's id then replaces."""
    built = url_for(endpoint, **{key: MARKER}, **values)
    head, found, tail = built.partition(f"/{MARKER}")
    if not found:  # the id is not a path segment of this endpoint: no shortcut
        return lambda value: url_for(endpoint, **{key: value}, **values)
    return lambda value: f"{head}/{int(value)}{tail}"


class DeckLinks(NamedTuple):
    """The study page's addresses that depend only on its deck."""

    review: str
    grade: str
    undo: str
    action: str  # a card action with card 0 and action ACTION: the page's script fills them in
    timezone: str
    index: str
    script: str


def deck_links(deck: str) -> DeckLinks:
    """The study page's addresses for `deck`, built once per deck. Only for a deck the view
    has checked ("all" or an active bank's slug), so only banks' slugs are kept."""
    key = (request.script_root, deck)
    built = current_app.extensions.setdefault("quizapp.deck_links", {})
    links = built.get(key)
    if links is None:
        links = built[key] = DeckLinks(
            review=url_for("study.review", deck=deck),
            grade=url_for("study.grade", deck=deck),
            undo=url_for("study.undo", deck=deck),
            action=url_for("study.card_action", card_id=0, action="ACTION", deck=deck),
            timezone=url_for("study.timezone"),
            index=url_for("study.index"),
            script=url_for("static", filename="js/study.js"),
        )
    return links
