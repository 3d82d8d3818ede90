"""Authoring in the browser: upload, located problems, preview, confirm, download; staff only."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Bank, Question, Upload
from quizapp.services.accounts import create_user
from tests.conftest import GIFT_DIR, SAMPLE_BANKS, Auth, csrf_token, load_banks
from tests.factories import snapshot

SAMPLE = (SAMPLE_BANKS / "sample.yaml").read_text()


@pytest.fixture
def teacher(app):
    with app.app_context():
        create_user(db.session, "teacher", "marking essays all night", "instructor")
    client = app.test_client()
    Auth(client).login("teacher", "marking essays all night")
    return client


def upload(client, *files, token=None):
    data = {
        "csrf_token": token or csrf_token(client, "/authoring/"),
        "files": [(io.BytesIO(content), name) for name, content in files],
    }
    return client.post("/authoring/upload", data=data, content_type="multipart/form-data")


def test_problems_are_shown_beside_their_lines_and_nothing_changes(app, teacher):
    load_banks(app, SAMPLE_BANKS)
    before = snapshot(app)
    broken = SAMPLE.replace("answer: Mercury", "answer: Pluto")
    response = upload(teacher, ("sample.yaml", broken.encode()))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Nothing was imported" in html
    line = broken.split("\n").index("    answer: Pluto") + 1
    message = "answer &#39;Pluto&#39; is not one of the choices"
    assert f"error</strong> at line {line}, column 13: {message}" in html
    number = f'<span class="line-number" aria-hidden="true">{line}</span>'
    assert f'<li class="has-problem">{number}' in html
    assert snapshot(app) == before
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Upload)) == 0


def test_gift_upload_problems_are_located_too(teacher):
    response = upload(teacher, ("malformed.gift", (GIFT_DIR / "malformed.gift").read_bytes()))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "at line 4, column 1: an essay question" in html


def test_valid_upload_previews_then_imports_once(app, teacher):
    load_banks(app, SAMPLE_BANKS)
    changed = SAMPLE.replace("Mercury orbits closest", "Mercury is nearest")
    start = changed.index("  - id: pi-numeric")
    end = changed.index("  - id: range-numeric")
    changed = changed[:start] + changed[end:]
    changed += "  - id: new-one\n    front: A new card\n    back: It is new\n"
    response = upload(
        teacher,
        ("sample.yaml", changed.encode()),
        ("every-construct.gift", (GIFT_DIR / "every-construct.gift").read_bytes()),
    )
    assert response.status_code == 302
    preview = teacher.get(response.headers["Location"]).get_data(as_text=True)
    assert "added 11, updated 1, retired 1, unchanged 8" in preview
    assert '<span class="diff-del">-explanation: Mercury orbits closest' in preview
    assert '<span class="diff-add">+explanation: Mercury is nearest' in preview
    assert preview.count('class="card mb-3 question-preview"') == 10  # new GIFT questions
    assert "Who is buried in Grant" in preview
    with app.app_context():
        question = db.session.scalar(sa.select(Question).where(Question.slug == "capital-single"))
        assert question.version == 1  # a preview changes nothing
    upload_id = re.search(r"/authoring/uploads/(\d+)", response.headers["Location"]).group(1)
    token = csrf_token(teacher, "/authoring/")
    confirm = teacher.post(f"/authoring/uploads/{upload_id}/confirm", data={"csrf_token": token})
    assert confirm.status_code == 302
    assert "Imported: added 11, updated 1, retired 1, unchanged 8" in teacher.get(
        "/authoring/"
    ).get_data(as_text=True)
    again = teacher.post(f"/authoring/uploads/{upload_id}/confirm", data={"csrf_token": token})
    assert "already imported" in teacher.get(again.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(Bank.source_path).where(Bank.slug == "gift-sample")) == (
            "upload/every-construct.gift"
        )
        question = db.session.scalar(sa.select(Question).where(Question.slug == "capital-single"))
        assert question.version == 2


def test_oversized_non_utf8_and_wrong_kind_of_file(app, teacher):
    app.config["UPLOAD_FILE_LIMIT"] = 1000
    big = upload(teacher, ("big.yaml", b"#" * 2000))
    assert big.status_code == 422 and "larger than" in big.get_data(as_text=True)
    latin = upload(teacher, ("latin.yaml", "bank: {id: caf\xe9}".encode("latin-1")))
    assert "not UTF-8" in latin.get_data(as_text=True)
    exe = upload(teacher, ("evil.exe", b"MZ"))
    assert "not a bank file" in exe.get_data(as_text=True)
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    huge = upload(teacher, ("huge.yaml", b"x" * 20_000))
    assert huge.status_code == 413


def test_yaml_tags_are_never_executed(teacher, tmp_path):
    marker = tmp_path / "pwned"
    payload = f"!!python/object/apply:os.system ['touch {marker}']\n".encode()
    response = upload(teacher, ("evil.yaml", payload))
    assert not marker.exists()
    assert response.status_code == 422
    assert "could not determine a constructor" in response.get_data(as_text=True) or (
        "must be a mapping" in response.get_data(as_text=True)
    )


def test_downloads_in_three_formats(app, teacher):
    load_banks(app, SAMPLE_BANKS)
    yaml_text = teacher.get("/authoring/banks/sample-bank.yaml").get_data(as_text=True)
    assert yaml_text.startswith("bank:\n  id: sample-bank")
    gift = teacher.get("/authoring/banks/sample-bank.gift")
    assert gift.headers["Content-Disposition"] == 'attachment; filename="sample-bank.gift"'
    assert "// [id:capital-single]" in gift.get_data(as_text=True)
    apkg = teacher.get("/authoring/banks/sample-bank.apkg").get_data()
    assert "collection.anki2" in zipfile.ZipFile(io.BytesIO(apkg)).namelist()
    assert teacher.get("/authoring/banks/nope.yaml").status_code == 404
    assert teacher.get("/authoring/banks/sample-bank.exe").status_code == 404


def test_students_cannot_reach_authoring(app, sample_app):
    client = app.test_client()
    Auth(client).register("learner")
    assert client.get("/authoring/").status_code == 403
    assert (
        upload(client, ("sample.yaml", SAMPLE.encode()), token=csrf_token(client, "/")).status_code
        == 403
    )
    assert client.get("/authoring/banks/sample-bank.yaml").status_code == 403


def test_uploads_belong_to_their_uploader(app, teacher):
    response = upload(teacher, ("sample.yaml", SAMPLE.encode()))
    location = response.headers["Location"]
    with app.app_context():
        create_user(db.session, "colleague", "another long passphrase", "admin")
    other = app.test_client()
    Auth(other).login("colleague", "another long passphrase")
    assert other.get(location).status_code == 404


def test_upload_needs_csrf(teacher):
    response = teacher.post(
        "/authoring/upload",
        data={"files": [(io.BytesIO(SAMPLE.encode()), "sample.yaml")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
