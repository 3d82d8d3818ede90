"""The account's personal access tokens for the JSON API: make one (shown once), revoke one."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from ..extensions import db
from ..services import tokens
from ..web.forms import CsrfOnlyForm
from .forms import TokenForm


def _form() -> TokenForm:
    form = TokenForm()
    offered = [s for s in tokens.SCOPES if s != "author" or current_user.is_staff]
    form.scopes.choices = [SelectChoice(s, tokens.SCOPE_LABELS[s]) for s in offered]
    return form


def _page(form: TokenForm, secret: str | None = None, status: int = 200):
    rows = tokens.tokens_of(db.session, current_user)
    page = render_template(
        "auth/tokens.html", form=form, tokens=rows, secret=secret, revoke_form=CsrfOnlyForm()
    )
    return page, status


@login_required
def index():
    """List the tokens; a valid post makes one and shows it, this once."""
    form = _form()
    if form.validate_on_submit():
        try:
            made = tokens.create_token(db.session, current_user, form.name.data, form.scopes.data)
        except tokens.TokenError as exc:
            form.name.errors = [*form.name.errors, str(exc)]
        else:
            # Rendered, not redirected: the token must not travel through the session cookie.
            form.name.data, form.scopes.data = "", []
            return _page(form, made.secret)
    return _page(form, status=422 if form.errors else 200)


@login_required
def revoke(token_id: int):
    if not CsrfOnlyForm().validate_on_submit():
        abort(400)
    row = tokens.revoke(db.session, token_id, owner=current_user)
    if row is None:
        abort(404)
    flash(f"Token “{row.name}” revoked: programs using it are refused from now on.", "info")
    return redirect(url_for(".tokens"))
