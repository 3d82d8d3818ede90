"""Fixing questions in the browser (issue 20): the problems page's editor and "Re-check"; the
per-type question form, which writes the bank file as a text editor would and goes through the
same preview and confirm; and the import preview, which renders each added or updated question
as students see it, keeps the YAML diff in a disclosure and counts who answered the old one."""

from __future__ import annotations

import html
import re

import pytest
import sqlalchemy as sa

from quizapp import qtypes
from quizapp.extensions import db
from quizapp.models import Bank, Question, Upload
from quizapp.qtypes.editing import COMMON_EDITABLE
from tests.conftest import GIFT_DIR, SAMPLE_BANKS, Auth, csrf_token, load_banks
from tests.factories import (
    STAFF_PASSWORD,
    confirm_form,
    exam_with,
    make_user,
    question_id,
    sample_bank,
    snapshot,
    staff_client,
    upload,
    upload_id_of,
)

SAMPLE = (SAMPLE_BANKS / "sample.yaml").read_text()
EDIT = "/authoring/banks/sample-bank/questions/{}/edit"


def uploads(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Upload))


def form_fields(page: str) -> dict[str, str]:
    """The question form's fields as a browser would send them untouched."""
    fields = {
        name: html.unescape(value)
        for name, value in re.findall(r'<input[^>]*name="(q_\w+)"[^>]*value="([^"]*)"', page)
    }
    for name, text in re.findall(r'<textarea[^>]*name="(q_\w+)"[^>]*>(.*?)</textarea>', page, re.S):
        fields[name] = html.unescape(text).removeprefix("\r\n").removeprefix("\n")
    for name, options in re.findall(r'<select[^>]*name="(q_\w+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option selected value="([^"]*)"', options) or re.search(
            r'<option value="([^"]*)" selected', options
        )
        fields[name] = chosen.group(1) if chosen else ""
    return fields


def post_form(client, slug: str, action: str = "check", **changes):
    return post_form_of(client, "sample-bank", slug, action, **changes)


def post_form_of(client, bank: str, slug: str, action: str = "check", **changes):
    """Post the question form as a browser would: its fields as shown, with `changes`."""
    url = f"/authoring/banks/{bank}/questions/{slug}/edit"
    fields = form_fields(client.get(url).get_data(as_text=True))
    data = {**fields, **changes, "csrf_token": csrf_token(client, url), "action": action}
    return client.post(url, data=data)


# ---- stage 1: the problems page's editor ---------------------------------------------------


def test_the_problems_page_edits_the_file_in_place_and_rechecks(sample_app):
    teacher = staff_client(sample_app)
    before = snapshot(sample_app)
    broken = SAMPLE.replace("answer: Mercury", "answer: Pluto")
    page = upload(teacher, ("sample.yaml", broken.encode())).get_data(as_text=True)
    editor = re.search(r'<textarea[^>]*name="files-0-text"[^>]*>(.*?)</textarea>', page, re.S)
    assert html.unescape(editor.group(1)).lstrip("\n") == broken
    assert '<input type="hidden" name="files-0-name" value="upload/sample.yaml">' in page
    assert 'href="#problem-first">Jump to the first error' in page
    token = csrf_token(teacher, "/authoring/")

    def recheck(text, **extra):
        data = {"csrf_token": token, "files-0-name": "sample.yaml", "files-0-text": text, **extra}
        return teacher.post("/authoring/recheck", data=data, content_type="multipart/form-data")

    still = recheck(broken.replace("answer: Pluto", "answer: Plutoo"))
    assert still.status_code == 422
    assert "answer &#39;Plutoo&#39; is not one of the choices" in still.get_data(as_text=True)
    assert uploads(sample_app) == 0 and snapshot(sample_app) == before
    fixed = recheck(broken.replace("answer: Pluto", "answer: Venus").replace("\n", "\r\n"))
    assert fixed.status_code == 302 and uploads(sample_app) == 1
    preview = teacher.get(fixed.headers["Location"]).get_data(as_text=True)
    assert "added 0, updated 1" in preview and snapshot(sample_app) == before
    teacher.post(
        fixed.headers["Location"] + "/confirm", data=confirm_form(teacher, upload_id_of(fixed))
    )
    with sample_app.app_context():
        question = db.session.scalar(sa.select(Question).where(Question.slug == "capital-single"))
        assert question.versions[-1].data["answer"] == "Venus"

    bare = teacher.post(
        "/authoring/recheck",
        data={"files-0-name": "sample.yaml", "files-0-text": SAMPLE},
        content_type="multipart/form-data",
    )
    assert bare.status_code == 400  # no CSRF token
    assert recheck(SAMPLE, revises="99999").status_code == 404  # not an upload of this user


def test_a_stored_upload_is_revised_as_a_new_upload_keeping_its_file(editable_app):
    app, file = editable_app
    teacher = staff_client(app, "admin")
    made = post_form(teacher, "capital-single", "continue", q_prompt="Which planet is nearest?")
    first = upload_id_of(made)
    editor = teacher.get(f"/authoring/uploads/{first}/edit").get_data(as_text=True)
    text = html.unescape(re.search(r'name="files-0-text"[^>]*>(.*?)</textarea>', editor, re.S)[1])
    assert (
        "Which planet is nearest?" in text
        and f'name="revises" type="hidden" value="{first}"' in editor
    )
    revised = teacher.post(
        "/authoring/recheck",
        data={
            "csrf_token": csrf_token(teacher, "/authoring/"),
            "revises": str(first),
            "files-0-name": "sample.yaml",
            "files-0-text": text.lstrip("\n").replace("nearest?", "nearest to the Sun?"),
        },
        content_type="multipart/form-data",
    )
    second = upload_id_of(revised)
    assert second != first
    teacher.post(f"/authoring/uploads/{second}/confirm", data=confirm_form(teacher, second))
    assert "    prompt: Which planet is nearest to the Sun?\n" in file.read_text()  # written back
    make_user(app, "colleague", "instructor", STAFF_PASSWORD)
    other = app.test_client()  # another instructor cannot open it
    Auth(other).login("colleague", STAFF_PASSWORD)
    assert other.get(f"/authoring/uploads/{second}/edit").status_code == 404


# ---- stage 2: the question form -------------------------------------------------------------


@pytest.mark.parametrize("question", sample_bank().questions, ids=lambda q: q.id)
def test_every_type_gets_a_form_made_of_its_editable_keys(sample_app, question):
    teacher = staff_client(sample_app)
    page = teacher.get(EDIT.format(question.id)).get_data(as_text=True)
    expected = [f"q_{f.key}" for f in COMMON_EDITABLE + qtypes.get(question.type).editable]
    assert list(dict.fromkeys(re.findall(r'name="(q_\w+)"', page))) == expected
    assert "As students will see it" in page
    unchanged = post_form(teacher, question.id, "continue")
    assert unchanged.status_code == 200 and 'id="no-change"' in unchanged.get_data(as_text=True)
    assert uploads(sample_app) == 0


def test_the_form_writes_the_file_like_a_text_editor_and_goes_through_preview(editable_app):
    app, file = editable_app
    before = file.read_bytes()
    exam_with(app, Auth(app.test_client()), "ann", {})
    exam_with(app, Auth(app.test_client()), "bob", {"capital-single": {"answer": "Venus"}})
    teacher = staff_client(app, "admin")

    checked = post_form(
        teacher,
        "capital-single",
        q_answer="Venus",
        q_choices="Mercury\nVenus\nEarth\nMars\nJupiter",
    )
    page = checked.get_data(as_text=True)
    assert checked.status_code == 200 and "Jupiter" in page.split('id="live-preview"')[1]
    assert uploads(app) == 0 and file.read_bytes() == before  # checking changes nothing

    made = post_form(
        teacher,
        "capital-single",
        "continue",
        q_answer="Venus",
        q_choices="Mercury\nVenus\nEarth\nMars\nJupiter",
    )
    assert made.status_code == 302 and file.read_bytes() == before
    preview = teacher.get(made.headers["Location"]).get_data(as_text=True)
    assert "added 0, updated 1, retired 0" in preview and "Made in the question form" in preview
    card = preview.split('class="card mb-3 question-preview"')[1]
    assert 'type="radio"' in card and "Jupiter" in card  # with the student controls
    assert "2 student(s) answered the old version." in card
    assert '<details class="mt-2 yaml-diff"><summary>What changed in the YAML</summary>' in card
    assert '<span class="diff-add">+answer: Venus</span>' in card
    assert 'id="regrade-note"' in preview

    done = teacher.post(
        made.headers["Location"] + "/confirm", data=confirm_form(teacher, upload_id_of(made))
    )
    assert done.headers["Location"].endswith(
        f"/class/questions/{question_id(app, 'capital-single')}"
    )
    after = file.read_text()
    changed = [
        (a, b)
        for a, b in zip(before.decode().split("\n"), after.split("\n"), strict=True)
        if a != b
    ]
    assert changed == [
        (
            "    choices: [Mercury, Venus, Earth, Mars]",
            "    choices: [Mercury, Venus, Earth, Mars, Jupiter]",
        ),
        ("    answer: Mercury", "    answer: Venus"),
    ]
    assert teacher.get("/authoring/banks/sample-bank.yaml").get_data() == file.read_bytes()
    question_page = teacher.get(done.headers["Location"]).get_data(as_text=True)
    assert (
        "2 answer(s) were graded with an earlier version" in question_page
    )  # a regrade can follow


def test_the_form_adds_and_removes_keys_and_keeps_block_text(editable_app):
    app, file = editable_app
    teacher = staff_client(app)
    text = file.read_text().replace(
        "    explanation: Pi is 3.14159...\n",
        "    explanation: |\n      Pi is 3.14159...\n      It never ends.\n",
    )
    file.write_text(text)
    load_banks(app, file.parent)
    made = post_form(
        teacher,
        "pi-numeric",
        "continue",
        q_explanation="Pi is 3.14159...\r\nIt never ends, nor repeats.",
        q_tags="",
        q_unit="units",
        q_points="2",
    )
    assert made.status_code == 302
    teacher.post(
        made.headers["Location"] + "/confirm", data=confirm_form(teacher, upload_id_of(made))
    )
    block = file.read_text().split("  - id: pi-numeric\n")[1].split("  - id: range-numeric")[0]
    assert block == (
        "    type: numeric\n"
        "    prompt: What is pi to two decimal places?\n"
        "    answer: 3.14\n"
        "    tolerance: 0.005\n"
        "    explanation: |\n"
        "      Pi is 3.14159...\n"
        "      It never ends, nor repeats.\n"
        "    unit: units\n"
        "    points: 2\n"
    )


def test_the_form_refuses_what_would_not_load_and_checks_who_asks(editable_app):
    app, file = editable_app
    before = file.read_bytes()
    teacher = staff_client(app)
    wrong_key = post_form(teacher, "capital-single", "continue", q_answer="Pluto")
    assert wrong_key.status_code == 422
    assert "answer &#39;Pluto&#39; is not one of the choices" in wrong_key.get_data(as_text=True)
    not_a_number = post_form(teacher, "pi-numeric", "continue", q_tolerance="a little")
    page = not_a_number.get_data(as_text=True)
    assert not_a_number.status_code == 422 and "&#39;a little&#39; is not a number" in page
    assert 'aria-invalid="true"' in page
    bad_pairs = post_form(teacher, "capitals-matching", "continue", q_pairs="France Paris")
    assert "needs a left and a right side" in bad_pairs.get_data(as_text=True)
    assert uploads(app) == 0 and file.read_bytes() == before

    assert teacher.get(EDIT.format("no-such-question")).status_code == 404
    url = EDIT.format("capital-single")
    assert teacher.post(url, data={"q_prompt": "x", "action": "continue"}).status_code == 400
    student = app.test_client()
    Auth(student).register("pupil")
    assert student.get(url).status_code == 403
    assert student.get("/authoring/banks/sample-bank/").status_code == 403


def test_the_live_preview_renders_the_posted_form(editable_app):
    app, _file = editable_app
    teacher = staff_client(app)
    url = EDIT.format("order-ordering")
    fields = form_fields(teacher.get(url).get_data(as_text=True))
    fields.update(q_items="one\ntwo\nthree\nfour\nfive", csrf_token=csrf_token(teacher, url))
    fragment = teacher.post(url.replace("/edit", "/preview"), data=fields)
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in body and ">five<" in body
    assert teacher.post(url.replace("/edit", "/preview"), data={"q_items": "x"}).status_code == 400


def test_the_bank_page_lists_questions_to_edit(editable_app):
    app, _file = editable_app
    page = staff_client(app).get("/authoring/banks/sample-bank/").get_data(as_text=True)
    assert 'id="q-capital-single"' in page and "Which planet is closest to the Sun?" in page
    assert EDIT.format("capital-single") in page and "<code>sample.yaml</code>" in page


def test_a_bank_without_a_yaml_file_is_edited_in_an_export(editable_app):
    app, _file = editable_app
    load_banks(app, GIFT_DIR / "every-construct.gift")
    teacher = staff_client(app)
    url = "/authoring/banks/gift-sample/questions/{}/edit"
    page = teacher.get(url.format("grant-tomb")).get_data(as_text=True)
    fields = {**form_fields(page), "q_prompt": "Who lies in Grant's tomb?"}
    token = csrf_token(teacher, url.format("grant-tomb"))
    checked = teacher.post(url.format("grant-tomb"), data={**fields, "csrf_token": token})
    assert 'id="edit-exported"' in checked.get_data(as_text=True)
    made = teacher.post(
        url.format("grant-tomb"), data={**fields, "csrf_token": token, "action": "continue"}
    )
    teacher.post(
        made.headers["Location"] + "/confirm", data=confirm_form(teacher, upload_id_of(made))
    )
    with app.app_context():
        bank = db.session.scalar(sa.select(Bank).where(Bank.slug == "gift-sample"))
        assert bank.source_path == "upload/gift-sample.yaml"
        question = db.session.scalar(sa.select(Question).where(Question.slug == "grant-tomb"))
        assert question.versions[-1].data["prompt"] == "Who lies in Grant's tomb?"


def test_a_file_that_cannot_take_the_change_as_text_is_left_alone(editable_app):
    app, file = editable_app
    flow = file.parent / "flow.yaml"
    flow.write_text(
        "bank: {id: flow, title: Flow}\n"
        "questions:\n"
        "  - {id: q, type: true_false, prompt: Is it so, answer: true, explanation: Yes.}\n"
    )
    load_banks(app, flow)
    teacher = staff_client(app)
    refused = post_form_of(teacher, "flow", "q", "continue", q_tags="new-tag")
    assert refused.status_code == 422 and 'id="edit-refused"' in refused.get_data(as_text=True)
    assert uploads(app) == 0
    changed = post_form_of(teacher, "flow", "q", "continue", q_answer="false")
    teacher.post(
        changed.headers["Location"] + "/confirm", data=confirm_form(teacher, upload_id_of(changed))
    )
    assert "answer: false, explanation: Yes.}" in flow.read_text()
