"""The OpenAPI document and a page that shows it (Swagger UI from the installed swagger-ui-py
package: local files, no CDN, under the app's strict Content-Security-Policy)."""

from __future__ import annotations

from pathlib import Path

import swagger_ui
from flask import abort, jsonify, render_template, send_from_directory, url_for

from .core import api, bp

SWAGGER_FILES = Path(swagger_ui.__file__).resolve().parent / "static"
SERVED = frozenset({"swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"})


@bp.get("/v1/openapi.json")
def openapi_document():
    """The OpenAPI 3.1 description of /api/v1, generated from the operations' models."""
    return jsonify(api.document())


@bp.get("/docs")
def docs():
    return render_template("api/docs.html", spec=url_for(".openapi_document"))


@bp.get("/docs/assets/<name>")
def docs_asset(name: str):
    if name not in SERVED:
        abort(404)
    return send_from_directory(SWAGGER_FILES, name, max_age=86400)
