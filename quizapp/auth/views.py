"""Register, log in, log out, change password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import db
from ..services.accounts import (
    AccountError,
    authenticate,
    change_password,
    create_user,
    end_sessions,
)
from ..throttling import WINDOW, Limit
from .forms import ChangePasswordForm, LoginForm, RegisterForm

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Only a local path: no scheme, no host, no '//' or backslash tricks."""
    if not target:
        return url_for("main.home")
    parts = urlsplit(target)
    local = target.startswith("/") and not (parts.scheme or parts.netloc)
    # Browsers read a backslash as a slash ("/\\evil" is "//evil"); control characters hide tricks.
    if not local or "\\" in target or any(ord(c) < 32 for c in target):
        return url_for("main.home")
    return target


def login_limits(config) -> tuple[Limit, Limit]:
    return (
        Limit(config["LOGIN_FAILURES_PER_ACCOUNT"], WINDOW),
        Limit(config["LOGIN_FAILURES_PER_ADDRESS"], WINDOW),
    )


def _start_session(user, remember: bool) -> None:
    # A new session at login: nothing from before (a fixated cookie) carries over.
    session.clear()
    login_user(user, remember=remember)


@bp.route("/register", methods=["GET", "POST"])
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = create_user(db.session, form.username.data, form.password.data)
        except AccountError as exc:
            form.username.errors.append(str(exc))
        else:
            _start_session(user, remember=False)
            flash("Welcome! Pick a bank to start a quiz.", "success")
            return redirect(url_for("main.home"))
    return render_template("auth/register.html", form=form), 200 if not form.errors else 422


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    next_url = safe_next(request.args.get("next"))
    if form.validate_on_submit():
        try:
            user = authenticate(
                db.session,
                form.username.data,
                form.password.data,
                request.remote_addr or "?",
                limits=login_limits(current_app.config),
            )
        except AccountError as exc:
            form.password.errors.append(str(exc))
        else:
            _start_session(user, remember=form.remember.data)
            return redirect(next_url)
    status = 200 if not form.errors else 422
    return render_template("auth/login.html", form=form, next_url=next_url), status


@bp.post("/logout")
@login_required
def logout():
    # Bumping the session version also kills copies of this cookie and remember-me tokens.
    end_sessions(db.session, current_user)
    logout_user()
    session.clear()
    flash("You are logged out.", "info")
    return redirect(url_for("main.home"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            change_password(db.session, current_user, form.current.data, form.password.data)
        except AccountError as exc:
            form.current.errors.append(str(exc))
        else:
            user = current_user._get_current_object()
            db.session.refresh(user)  # its session version moved on: log in with the new one
            _start_session(user, remember=False)
            flash("Password changed. Other sessions were logged out.", "success")
            return redirect(url_for("main.home"))
    return render_template("auth/password.html", form=form), 200 if not form.errors else 422
