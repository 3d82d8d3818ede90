"""Transport-level protections: trusted proxies, Secure cookies over HTTPS, small requests."""

from __future__ import annotations

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

# Routes that take bank files: they keep MAX_CONTENT_LENGTH; every other request is small.
UPLOAD_ENDPOINTS = frozenset(
    {"authoring.upload", "authoring.recheck", "api.check_banks", "api.upload_banks"}
)
REMEMBER_COOKIE = "remember_token="


class SchemeAwareSessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure whenever this request came over HTTPS (directly, or
    through a trusted proxy), and still works on plain http://127.0.0.1 in development."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return super().get_cookie_secure(app) or request.is_secure


def init_app(app: Flask) -> None:
    """Wire the protections; call before the extensions so these hooks run first."""
    hops = app.config["TRUSTED_PROXIES"]
    if hops:
        # Each trusted proxy appends one value; only that many (from the right) are believed,
        # so a client cannot choose its own address or scheme.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.session_interface = SchemeAwareSessionInterface()

    @app.before_request
    def limit_request_size():
        # Before anything reads the form (CSRF, the NUL check): a huge body is refused (413)
        # while it is read, not kept.
        if request.endpoint == "authoring.recheck":
            # The editor posts a bank file's text as a form field: as large as a file may be.
            request.max_form_memory_size = app.config["UPLOAD_FILE_LIMIT"] + 1024
        elif request.endpoint not in UPLOAD_ENDPOINTS:
            request.max_content_length = app.config["FORM_REQUEST_LIMIT"]
            request.max_form_memory_size = app.config["FORM_FIELD_LIMIT"]

    @app.after_request
    def secure_remember_cookie(response):
        # Flask-Login's Secure flag is static config; here it follows the request's scheme.
        # Registered before Flask-Login, so this runs after it has set its cookie.
        if request.is_secure:
            cookies = response.headers.getlist("Set-Cookie")
            if any(c.startswith(REMEMBER_COOKIE) for c in cookies):
                response.headers.remove("Set-Cookie")
                for cookie in cookies:
                    secure = cookie.startswith(REMEMBER_COOKIE) and "; Secure" not in cookie
                    response.headers.add("Set-Cookie", cookie + "; Secure" if secure else cookie)
        return response
