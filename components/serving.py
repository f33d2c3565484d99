"""Production serving: the partial plotly.js bundle, compression and cache headers.

plotly.js comes from npm (`npm install`, never committed). When the partial bundle is
present, it is served as a fingerprinted script that loads before Dash's components, so
dcc.Graph finds `window.Plotly` and never fetches the 4.8 MB full bundle. Without it, Dash
serves the full bundle as usual.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import flask

REPO = Path(__file__).resolve().parents[1]
PLOTLY_BASIC = (
    REPO / "node_modules" / "plotly.js-basic-dist-min" / "plotly-basic.min.js"
)
# The trace types plotly-basic contains; tests check that every figure stays within them.
BUNDLE_TRACE_TYPES = frozenset({"scatter", "bar", "pie"})
ONE_YEAR = 31_536_000


@lru_cache(maxsize=1)
def bundle_fingerprint() -> str | None:
    if not PLOTLY_BASIC.is_file():
        return None
    return hashlib.sha256(PLOTLY_BASIC.read_bytes()).hexdigest()[:12]


def plotly_scripts() -> list[str]:
    """external_scripts for Dash: the partial bundle if it is installed, else nothing."""
    fingerprint = bundle_fingerprint()
    return [f"/vendor/plotly-basic.{fingerprint}.min.js"] if fingerprint else []


def install(server: flask.Flask) -> None:
    """Routes and headers for serving in production (also used by the dev server)."""

    @server.get("/vendor/plotly-basic.<fingerprint>.min.js")
    def plotly_basic(fingerprint: str) -> flask.Response:
        if fingerprint != bundle_fingerprint():
            flask.abort(404)
        response = flask.send_file(
            PLOTLY_BASIC, mimetype="text/javascript", max_age=ONE_YEAR
        )
        response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
        return response

    @server.after_request
    def cache_assets(response: flask.Response) -> flask.Response:
        # Dash fingerprints /assets/ URLs with ?m=<mtime>; a changed file gets a new URL.
        if flask.request.path.startswith("/assets/") and "m" in flask.request.args:
            response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
        return response
