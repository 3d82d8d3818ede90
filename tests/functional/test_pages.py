"""Public pages over real HTTP through the test client."""

from __future__ import annotations

from sqlalchemy.engine import make_url

from tests.conftest import POSTGRES, QUESTIONS, SERVER_URL, dispose, load_banks, make_app
from tests.factories import sample_counts


def test_home_lists_banks_with_counts(sample_app):
    page = sample_app.test_client().get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-bank="sample-bank"' in html
    assert "Sample Bank" in html
    counts = sample_counts()
    assert f'<td class="text-end">{counts["questions"]}</td>' in html
    assert f'<td class="text-end">{counts["cards"]}</td>' in html  # derived and extra cards


def test_home_without_banks_says_how_to_load_them(client):
    assert "quizapp questions import" in client.get("/").get_data(as_text=True)


def test_bank_page_renders_summary_markdown_sanitised(sample_app):
    html = sample_app.test_client().get("/banks/sample-bank").get_data(as_text=True)
    assert "<strong>sample</strong>" in html
    assert "<script>alert" not in html
    assert 'href="javascript:' not in html
    assert 'href="https://example.org/"' in html


def test_unknown_bank_is_404(client):
    assert client.get("/banks/nope").status_code == 404


def test_healthz_reports_database(client, app):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_healthz_fails_when_database_is_unreachable(tmp_path):
    if POSTGRES:
        broken = make_app(
            make_url(SERVER_URL).set(database="no_such_database").render_as_string(False)
        )
    else:
        # A directory is not a database file: every connection attempt fails.
        broken = make_app(tmp_path / "db-path-is-a-directory")
        (tmp_path / "db-path-is-a-directory").mkdir()
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"
    dispose(broken)


def test_real_banks_render(app):
    load_banks(app, QUESTIONS)
    client = app.test_client()
    html = client.get("/").get_data(as_text=True)
    assert html.count("data-bank=") == 10
    assert client.get("/banks/tang-xiaoou-passes-away").status_code == 200
