"""The page frame and table links built once (quizapp/web/chrome.py) are what url_for gives."""

from __future__ import annotations

import pytest
from flask import url_for

from quizapp.web.chrome import MARKER, row_links
from tests.factories import make_user


@pytest.mark.parametrize("keep", [{}, {"course": 3}, {"course": 3, "assignment": 12}])
def test_row_links_are_url_for(app, keep):
    with app.test_request_context("/", environ_base={"SCRIPT_NAME": "/quiz"}):
        link = row_links("classroom.question", "question_id", **keep)
        for question_id in (1, 42, MARKER):
            assert link(question_id) == url_for(
                "classroom.question", question_id=question_id, **keep
            )


def test_row_links_without_the_id_in_the_path_fall_back_to_url_for(app):
    with app.test_request_context("/"):
        link = row_links("study.review", "show", deck="all")
        assert link(7) == url_for("study.review", deck="all", show=7)


def test_the_menu_follows_the_visitor_and_the_mount_point(client):
    home = client.get("/").get_data(as_text=True)
    assert 'class="nav-link active" href="/" aria-current="page">Banks</a>' in home
    assert 'href="/login">Log in</a>' in home
    assert "tabbar" not in home.split("<main")[1]  # no tab bar for a visitor
    # The same kind of page under a mount point: built again, with its addresses.
    mounted = client.get("/", base_url="http://localhost/quiz/").get_data(as_text=True)
    assert 'class="nav-link active" href="/quiz/" aria-current="page">Banks</a>' in mounted
    assert 'href="/quiz/login">Log in</a>' in mounted


def test_the_menu_follows_the_role_and_the_section(app, client, auth):
    make_user(app, "teacher1", "instructor")
    make_user(app, "student1")
    auth.login("student1")
    study = client.get("/study/").get_data(as_text=True)
    assert 'class="nav-link active" href="/study/" aria-current="page">Study</a>' in study
    assert "Authoring" not in study and "has-tabbar" in study
    auth.logout()
    auth.login("teacher1")
    progress = client.get("/progress/").get_data(as_text=True)
    assert 'href="/authoring/">Authoring</a>' in progress
    assert 'class="nav-link active" href="/progress/" aria-current="page">Progress</a>' in progress
    assert 'class="nav-link" href="/study/">Study</a>' in progress
