"""The upload form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import HiddenField
from wtforms.validators import InputRequired


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
