"""Authoring in the browser: upload, located problems, preview, confirm, download; staff only."""

from __future__ import annotations

import io
import re
import threading
import zipfile

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Bank, Question, QuestionVersion, Upload
from quizapp.services.accounts import create_user
from tests.conftest import (
    DATA,
    GIFT_DIR,
    SAMPLE_BANKS,
    Auth,
    csrf_token,
    load_banks,
    logged_in_copy,
)
from tests.factories import confirm_form, snapshot, upload, upload_id_of

SAMPLE = (SAMPLE_BANKS / "sample.yaml").read_text()


@pytest.fixture
def teacher(app):
    with app.app_context():
        create_user(db.session, "teacher", "marking essays all night", "instructor")
    client = app.test_client()
    Auth(client).login("teacher", "marking essays all night")
    return client


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
    assert f'<li class="has-problem has-error" id="problem-first">{number}' in html
    assert snapshot(app) == before
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Upload)) == 0


def test_gift_upload_problems_are_located_too(teacher):
    response = upload(teacher, ("malformed.gift", (GIFT_DIR / "malformed.gift").read_bytes()))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "at line 4, column 1: an essay question" in html


def test_moodle_xml_uploads_are_checked_previewed_and_imported(app, teacher):
    xml = (DATA / "moodle" / "every-type.xml").read_bytes()
    broken = upload(teacher, ("broken.xml", xml.replace(b"</quiz>", b"")))
    assert broken.status_code == 422
    assert "XML: no element found" in broken.get_data(as_text=True)
    response = upload(teacher, ("every-type.xml", xml))
    assert response.status_code == 302
    preview = teacher.get(response.headers["Location"]).get_data(as_text=True)
    assert "added 9, updated 0, retired 0, unchanged 0" in preview
    upload_id = re.search(r"/authoring/uploads/(\d+)", response.headers["Location"]).group(1)
    teacher.post(f"/authoring/uploads/{upload_id}/confirm", data=confirm_form(teacher, upload_id))
    with app.app_context():
        question = db.session.scalar(sa.select(Question).where(Question.slug == "closest-planet"))
        assert question.bank.source_path == "upload/every-type.xml"


def test_gift_grading_moodle_would_do_otherwise_is_warned_at_upload(teacher):
    gift = b"::w::Pick the big ones.{~%50%a ~%30%b ~c####Because.}\n"
    response = upload(teacher, ("weights.gift", gift))
    preview = teacher.get(response.headers["Location"]).get_data(as_text=True)
    assert "weights.gift, line 1: the right answers&#39; weights add up to 80%" in preview


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
    # The updated question and the ten new GIFT questions, as students will see them.
    assert preview.count('class="card mb-3 question-preview"') == 11
    assert "Who is buried in Grant" in preview
    with app.app_context():
        question = db.session.scalar(sa.select(Question).where(Question.slug == "capital-single"))
        assert question.version == 1  # a preview changes nothing
    upload_id = re.search(r"/authoring/uploads/(\d+)", response.headers["Location"]).group(1)
    form = confirm_form(teacher, upload_id)
    confirm = teacher.post(f"/authoring/uploads/{upload_id}/confirm", data=form)
    assert confirm.status_code == 302
    assert "Imported: added 11, updated 1, retired 1, unchanged 8" in teacher.get(
        "/authoring/"
    ).get_data(as_text=True)
    again = teacher.post(f"/authoring/uploads/{upload_id}/confirm", data=form)
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


def test_downloads_in_four_formats(app, teacher):
    load_banks(app, SAMPLE_BANKS)
    index = teacher.get("/authoring/").get_data(as_text=True)
    assert 'href="/authoring/banks/sample-bank.xml">Moodle XML<' in index
    # The bank's own file, byte for byte, while it holds what was imported.
    yaml_bytes = teacher.get("/authoring/banks/sample-bank.yaml").get_data()
    assert yaml_bytes == (SAMPLE_BANKS / "sample.yaml").read_bytes()
    gift = teacher.get("/authoring/banks/sample-bank.gift")
    assert gift.headers["Content-Disposition"] == 'attachment; filename="sample-bank.gift"'
    assert "// [id:capital-single]" in gift.get_data(as_text=True)
    xml = teacher.get("/authoring/banks/sample-bank.xml")
    assert xml.headers["Content-Disposition"] == 'attachment; filename="sample-bank.xml"'
    assert xml.mimetype == "application/xml"
    assert "<idnumber>capital-single</idnumber>" in xml.get_data(as_text=True)
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


def true_false_bank(count: int, word: str, bank_id: str = "many") -> str:
    lines = ["version: 1", f"bank: {{id: {bank_id}, title: Many, summary: s}}", "questions:"]
    lines += [  # no explanations: one warning each
        f"  - {{id: q{n:04d}, type: true_false, prompt: 'Claim {n} is {word}', answer: true}}"
        for n in range(count)
    ]
    return "\n".join(lines) + "\n"


def test_b18_preview_never_writes_so_it_works_on_a_read_only_database(app, teacher, read_only):
    """B18 (and GET never writes): the preview was a dry run of the import inside a write
    transaction; on a database that refuses writes it must still show what would change."""
    load_banks(app, SAMPLE_BANKS)
    changed = SAMPLE.replace("Mercury orbits closest", "Mercury is nearest")
    location = upload(teacher, ("sample.yaml", changed.encode())).headers["Location"]
    before = snapshot(app)
    viewer = logged_in_copy(read_only(), teacher)
    response = viewer.get(location)
    assert response.status_code == 200
    assert "added 0, updated 1, retired 0, unchanged" in response.get_data(as_text=True)
    assert snapshot(app) == before


def test_b18_preview_of_a_big_upload_is_bounded(app, teacher):
    """B18: every diff and every new question of a 20,000-question upload was rendered (a page
    of tens of MB, past the worker timeout); now the counts are whole and the lists capped."""
    first = upload_id_of(upload(teacher, ("many.yaml", true_false_bank(300, "old").encode())))
    teacher.post(f"/authoring/uploads/{first}/confirm", data=confirm_form(teacher, first))
    bigger = true_false_bank(300, "new") + true_false_bank(300, "extra").split("questions:\n")[
        1
    ].replace("id: q", "id: x")
    location = upload(teacher, ("many.yaml", bigger.encode())).headers["Location"]
    html = teacher.get(location).get_data(as_text=True)
    assert "added 300, updated 300, retired 0, unchanged 0" in html
    assert html.count('<pre class="diff"') == 50  # the updated questions come first
    assert html.count('class="card mb-3 question-preview"') == 50
    assert "550 more added or updated question(s) are not shown here." in html
    assert html.count("and 100 more, not listed here.") == 2  # added and updated lists
    assert "Warnings (600)" in html and "and 400 more, not listed here." in html
    assert len(html) < 400_000


def test_b19_more_than_twenty_files_says_so_on_the_page(teacher):
    """B19: the "at most 20 files" error was attached to the 21st file, which was not shown."""
    files = [
        (f"bank-{n}.yaml", SAMPLE.replace("id: sample-bank", f"id: bank-{n}").encode())
        for n in range(21)
    ]
    response = upload(teacher, *files)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "21 files sent, at most 20 at once" in html
    assert '<ul class="mb-0 mt-2" id="general-problems">' in html


@pytest.fixture
def admin(app):
    with app.app_context():
        create_user(db.session, "colleague", "another long passphrase", "admin")
    client = app.test_client()
    Auth(client).login("colleague", "another long passphrase")
    return client


def prompt_versions(app) -> list[tuple[int, str]]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(QuestionVersion.number, QuestionVersion.data)
            .join(Question)
            .where(Question.slug == "capital-single")
            .order_by(QuestionVersion.number)
        )
        return [(number, data["explanation"]) for number, data in rows]


def test_b20_a_preview_made_stale_by_another_import_is_not_applied(app, teacher, admin):
    """B20: upload A and upload B of one bank; after A was imported, B's old preview (and a
    second click on A) re-applied itself, churning versions A/B/A."""
    load_banks(app, SAMPLE_BANKS)
    first = upload_id_of(upload(teacher, ("s.yaml", SAMPLE.replace("orbits", "A").encode())))
    second = upload_id_of(upload(admin, ("s.yaml", SAMPLE.replace("orbits", "B").encode())))
    form_a, form_b = confirm_form(teacher, first), confirm_form(admin, second)
    teacher.post(f"/authoring/uploads/{first}/confirm", data=form_a)
    refused = admin.post(f"/authoring/uploads/{second}/confirm", data=form_b)
    assert refused.headers["Location"].endswith(f"/authoring/uploads/{second}")
    assert "changed after you opened this preview" in admin.get(
        refused.headers["Location"]
    ).get_data(as_text=True)
    again = teacher.post(f"/authoring/uploads/{first}/confirm", data=form_a)
    assert "already imported" in teacher.get(again.headers["Location"]).get_data(as_text=True)
    assert [number for number, _ in prompt_versions(app)] == [1, 2]
    assert "Mercury A closest" in prompt_versions(app)[-1][1]
    # B confirmed from a fresh preview is applied, once.
    admin.post(f"/authoring/uploads/{second}/confirm", data=confirm_form(admin, second))
    assert [number for number, _ in prompt_versions(app)] == [1, 2, 3]
    assert "Mercury B closest" in prompt_versions(app)[-1][1]


def test_b20_confirming_one_upload_four_times_at_once_imports_it_once(app, teacher):
    """B20: applied_at was checked before the import's transaction, so simultaneous confirms
    of one upload all imported it."""
    load_banks(app, SAMPLE_BANKS)
    upload_id = upload_id_of(upload(teacher, ("s.yaml", SAMPLE.replace("orbits", "A").encode())))
    form = confirm_form(teacher, upload_id)
    clients = [logged_in_copy(app, teacher) for _ in range(4)]
    barrier = threading.Barrier(len(clients))
    messages: list[str] = []

    def confirm(client):
        barrier.wait()
        response = client.post(f"/authoring/uploads/{upload_id}/confirm", data=form)
        messages.append(client.get(response.headers["Location"]).get_data(as_text=True))

    threads = [threading.Thread(target=confirm, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(messages) == 4
    assert sum("Imported: added 0, updated 1" in message for message in messages) == 1
    assert sum("already imported" in message for message in messages) == 3
    assert [number for number, _ in prompt_versions(app)] == [1, 2]
