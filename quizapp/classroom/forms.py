"""An instructor's verdict on one response of the response analysis."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import AnyOf, InputRequired, Length, Regexp


class ResponseVerdictForm(FlaskForm):
    part = HiddenField(validators=[Regexp(r"^\d{0,3}$")])  # "" or a blank's number
    response = HiddenField(validators=[InputRequired(), Length(max=500)])
    verdict = HiddenField(validators=[AnyOf(("accept", "reject"))])
