"""The upload form, the editor's re-check form and the question form (its fields come from the
question type's `editable` keys)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import FieldList, Form, FormField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, Regexp

from ..qtypes.editing import Editable

FIELD_PREFIX = "q_"  # form fields are q_<bank key>: no key can clash with the form's own names
MAX_FIELD = 20_000  # characters of one field of the question form


class UploadForm(FlaskForm):
    files = MultipleFileField(
        "Bank files",
        validators=[InputRequired(message="Choose one or more files.")],
        description="YAML (our format), GIFT or Moodle XML (Moodle), up to 2 MB each, up to 20 "
        "at once.",
    )


class ConfirmForm(FlaskForm):
    """The upload comes from the URL; `state` says what the banks looked like in the preview."""

    state = HiddenField()


class FileTextForm(Form):
    """One file of the editor: its name (as uploaded) and its text as edited."""

    name = HiddenField(validators=[InputRequired(), Length(max=200)])
    text = TextAreaField("File text", validators=[Optional()])


class RecheckForm(FlaskForm):
    """The files of an upload as edited on the problems page; `revises` is the stored upload
    they came from, if any (its names and what confirming it does carry over)."""

    files = FieldList(FormField(FileTextForm), min_entries=0, max_entries=20)
    revises = HiddenField(validators=[Optional(), Regexp(r"^\d{1,9}$")])


def _field(item: Editable):
    label, help = item.label, item.help or None
    if item.options:
        choices = [SelectChoice(value, text) for value, text in item.options]
        return SelectField(label, choices=choices, description=help)
    if item.multiline:
        return TextAreaField(
            label, description=help, validators=[Length(max=MAX_FIELD)], render_kw={"rows": 5}
        )
    return StringField(label, description=help, validators=[Length(max=MAX_FIELD)])


def question_form(fields: tuple[Editable, ...], data=None) -> FlaskForm:
    """A form with one field per editable key (named q_<key>), filled from `data` (key ->
    text) on a GET, from the post otherwise."""
    attributes = {FIELD_PREFIX + item.key: _field(item) for item in fields}
    form_class = type("QuestionForm", (FlaskForm,), attributes)
    prefixed = {FIELD_PREFIX + key: value for key, value in (data or {}).items()}
    return form_class(data=prefixed) if data is not None else form_class()


def posted_text(form: FlaskForm):
    """key -> the text posted in its field (the services read the form through this)."""
    return lambda key: getattr(form, FIELD_PREFIX + key).data or ""
