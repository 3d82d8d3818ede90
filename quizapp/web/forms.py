"""Forms several blueprints share."""

from __future__ import annotations

from functools import cached_property

from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from wtforms import BooleanField, DateField, SelectField, SelectMultipleField, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from ..vocab import Mode


class CheckboxList(SelectMultipleField):
    """A multiple choice shown as tick boxes (the start and assignment forms' banks)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class CsrfOnlyForm(FlaskForm):
    """Just the CSRF token: what to act on comes from the URL."""

    @cached_property
    def csrf_field(self) -> Markup:
        """The token's hidden field, rendered once for the many forms of a page (each
        rendering of the field costs about as much as a small query)."""
        return csrf_field()


def csrf_field() -> Markup:
    """The CSRF token's hidden field, as a form renders it, without building a form."""
    return Markup('<input id="csrf_token" name="csrf_token" type="hidden" value="%s">') % (
        generate_csrf()
    )


class QueryForm(FlaskForm):
    """A form sent with GET (a filter): no CSRF token, nothing changes."""

    class Meta:
        csrf = False


class AttemptFilterForm(QueryForm):
    """The filter of an attempts list."""

    bank = SelectField("Bank", validators=[Optional()])
    mode = SelectField(
        "Mode",
        choices=[
            SelectChoice("", "Any"),
            SelectChoice(Mode.PRACTICE, "Practice"),
            SelectChoice(Mode.EXAM, "Exam"),
        ],
        validators=[Optional()],
    )
    since = DateField("From", validators=[Optional()])
    until = DateField("To", validators=[Optional()])
    # Off: practice discarded, abandoned or idle past ABANDON_PRACTICE_DAYS is left out.
    show_abandoned = BooleanField("Show abandoned and discarded practice")
