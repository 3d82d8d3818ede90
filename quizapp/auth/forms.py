"""Account forms; the password rules themselves live in quizapp.passwords."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from ..passwords import MAX_LENGTH, password_problems
from ..services.accounts import username_problem
from ..web.forms import CheckboxList


class LoginForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired(), Length(max=40)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=MAX_LENGTH)])
    remember = BooleanField("Keep me logged in on this device")


class NewPasswordMixin:
    def validate_password(self, field) -> None:
        username = getattr(getattr(self, "username", None), "data", "") or ""
        problems = password_problems(field.data or "", username.strip().lower())
        if problems:
            raise ValidationError(" ".join(problems))


class RegisterForm(NewPasswordMixin, FlaskForm):
    username = StringField(
        "Username",
        validators=[DataRequired(), Length(min=3, max=40, message="Use 3 to 40 characters.")],
        description="3 to 40 letters, digits, '.', '_' or '-'.",
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired()],
        description="At least 8 characters. A passphrase of a few words works well.",
    )
    confirm = PasswordField(
        "Repeat the password",
        validators=[DataRequired(), EqualTo("password", message="The passwords differ.")],
    )

    def validate_username(self, field) -> None:
        problem = username_problem(field.data or "")
        if problem:
            raise ValidationError(problem)


class ChangePasswordForm(NewPasswordMixin, FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired()])
    password = PasswordField("New password", validators=[DataRequired()])
    confirm = PasswordField(
        "Repeat the new password",
        validators=[DataRequired(), EqualTo("password", message="The passwords differ.")],
    )


class LogoutForm(FlaskForm):
    """Logging out is a POST, so a link on another site cannot log a user out."""


class TokenForm(FlaskForm):
    """A new personal access token for the JSON API; the scopes offered depend on the role."""

    name = StringField(
        "Name",
        validators=[DataRequired(), Length(max=100)],
        description="What will use it: a phone, a script, your CI.",
    )
    scopes = CheckboxList("Scopes", validators=[DataRequired("Choose at least one scope.")])
