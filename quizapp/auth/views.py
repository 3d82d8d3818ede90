"""Register, log in, log out, change password."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

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
from werkzeug.urls import iri_to_uri

from ..extensions import db
from ..services.accounts import (
    AccountError,
    authenticate,
    change_password,
    create_user,
    end_sessions,
)
from ..throttling import LoginPolicy
from . import tokens
from .forms import ChangePasswordForm, LoginForm, RegisterForm

bp = Blueprint("auth", __name__)
bp.add_url_rule("/account/tokens", "tokens", tokens.index, methods=["GET", "POST"])
bp.add_url_rule("/account/tokens/<int:token_id>/revoke", "revoke_token", tokens.revoke,
                methods=["POST"])  # fmt: skip


def safe_next(target: str | None) -> str:
    """Only a path on this site, judged on the Location value Werkzeug will send: it collapses
    and strips characters ("////evil" becomes "//evil", a tab vanishes), so the raw string is
    not what the browser sees."""
    home = url_for("main.home")
    if not target or len(target) > 2000:
        return home
    try:
        emitted = iri_to_uri(target)
        parts = urlsplit(emitted)
    except ValueError:
        return home
    decoded = unquote(emitted)
    local = (
        emitted.startswith("/")
        and not (parts.scheme or parts.netloc)
        # "//host" is another site, also when encoded or before Werkzeug collapses slashes.
        and not decoded.startswith("//")
        and not target.startswith("//")
        and iri_to_uri(emitted) == emitted
    )
    # Browsers read a backslash as a slash; control characters hide tricks. Paths here have none.
    hidden = "\\" in decoded or any(ord(c) < 32 or ord(c) == 127 for c in target + decoded)
    return emitted if local and not hidden else home


def login_policy(config) -> LoginPolicy:
    return LoginPolicy(
        per_account=config["LOGIN_FAILURES_PER_ACCOUNT"],
        account_ceiling=config["LOGIN_FAILURES_PER_ACCOUNT_TOTAL"],
        per_address=config["LOGIN_FAILURES_PER_ADDRESS"],
    )


def client_address() -> str:
    """The client's address: ProxyFix has already replaced it when proxies are trusted."""
    return request.remote_addr or "?"


def _start_session(user, remember: bool) -> None:
    # A new session at login: nothing from before (a fixated cookie) carries over.
    session.clear()
    login_user(user, remember=remember)


@bp.route("/register", methods=["GET", "POST"])
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = create_user(
                db.session,
                form.username.data,
                form.password.data,
                address=client_address(),
                registrations_per_address=current_app.config["REGISTRATIONS_PER_ADDRESS"],
            )
        except AccountError as exc:
            form.username.errors.append(str(exc))
        else:
            _start_session(user, remember=False)
            flash("Welcome! Pick a bank to start a quiz.", "success")
            # Back where they were going (a class's join link), else home.
            return redirect(safe_next(request.args.get("next")))
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
                client_address(),
                policy=login_policy(current_app.config),
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
            change_password(
                db.session,
                current_user,
                form.current.data,
                form.password.data,
                client_address(),
                policy=login_policy(current_app.config),
            )
        except AccountError as exc:
            form.current.errors.append(str(exc))
        else:
            user = current_user._get_current_object()
            db.session.refresh(user)  # its session version moved on: log in with the new one
            _start_session(user, remember=False)
            flash("Password changed. Other sessions were logged out.", "success")
            return redirect(url_for("main.home"))
    return render_template("auth/password.html", form=form), 200 if not form.errors else 422
