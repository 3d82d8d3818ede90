"""No instructor page shows where the server keeps its files (issue 20): a crawl of the class,
item analysis, class teaching and authoring pages (and the pages an edit or a broken upload
leads to) never finds the absolute path of the questions folder or of the repository."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from urllib.parse import urljoin, urlsplit

import pytest

from quizapp.extensions import db
from quizapp.services.accounts import create_user
from tests.conftest import QUESTIONS, ROOT, Auth, csrf_token, dispose, load_banks, make_app
from tests.factories import STAFF_PASSWORD, question_id, upload

AREAS = ("/class/", "/authoring/", "/classes/")
PER_SHAPE = 3  # pages of one kind (the same route with other ids) visited
SKIPPED = (".apkg", ".gift", ".yaml", ".csv", "/logout")
LINK = re.compile(r'href="([^"#]+)')


def shape(path: str) -> str:
    """The route a path takes: ids and slugs (anything with a digit or a hyphen) blanked."""
    return "/".join("*" if re.search(r"[\d-]", part) else part for part in path.split("/"))


@pytest.fixture
def served(database, tmp_path):
    """The shipped banks imported from a questions folder the app may write, a demo class
    with history, and an admin."""
    folder = tmp_path / "questions"
    shutil.copytree(QUESTIONS, folder)
    app = make_app(database, QUESTIONS_DIR=str(folder))
    load_banks(app, folder)
    args = ["demo", "--students", "6", "--days", "10", "--seed", "3"]
    assert app.test_cli_runner().invoke(args=args).exit_code == 0
    with app.app_context():
        create_user(db.session, "teacher", STAFF_PASSWORD, "admin")
    yield app, folder
    dispose(app)


def test_no_instructor_page_shows_a_server_path(served):
    app, folder = served
    client = app.test_client()
    Auth(client).login("teacher", STAFF_PASSWORD)
    secrets = {str(folder.resolve()), str(folder), str(ROOT), str(folder.parent)}

    # Pages reached through a form: an edit's preview, a verdict's preview, broken files.
    edit_url = "/authoring/banks/surge-of-chinese-llms/questions/pangu-maker/edit"
    page = client.get(edit_url).get_data(as_text=True)
    fields = dict(re.findall(r'name="(q_\w+)"[^>]*value="([^"]*)"', page))
    fields.update(re.findall(r'<textarea[^>]*name="(q_\w+)"[^>]*>\n?(.*?)</textarea>', page, re.S))
    fields.update({"q_shuffle": "true", "q_prompt": "Which company launched Pangu 3.0?"})
    made = client.post(
        edit_url, data={**fields, "csrf_token": csrf_token(client, edit_url), "action": "continue"}
    )
    assert made.status_code == 302
    broken = (
        (folder / "01-surge-of-chinese-llms.yaml")
        .read_text()
        .replace("type: single", "type: singel", 1)
    )
    problems = upload(client, ("01-surge-of-chinese-llms.yaml", broken.encode()))
    assert problems.status_code == 422
    pages = {"(problems page)": problems.get_data(as_text=True)}

    queue = [
        *AREAS,
        made.headers["Location"],
        f"/class/questions/{question_id(app, 'pangu-maker')}",
    ]
    seen, shapes = set(queue), Counter()
    while queue:
        url = queue.pop(0)
        response = client.get(url)
        assert response.status_code in (200, 302), url
        body = response.get_data(as_text=True)
        pages[url] = body
        for link in LINK.findall(body):
            target = urlsplit(urljoin(url, link.replace("&amp;", "&")))
            path = target.path + (f"?{target.query}" if target.query else "")
            if (
                target.netloc
                or not target.path.startswith(AREAS)
                or target.path.endswith(SKIPPED)
                or path in seen
                or shapes[shape(target.path)] >= PER_SHAPE
            ):
                continue
            seen.add(path)
            shapes[shape(target.path)] += 1
            queue.append(path)
    assert len(pages) > 40, sorted(pages)  # the crawl went through every area
    for url, body in pages.items():
        for secret in secrets:
            assert secret not in body, f"{url} shows {secret}"
