"""Production serving: the partial plotly.js bundle, compression and cache headers.

plotly.js comes from npm (`npm install`, never committed). When the partial bundle is
present, it is served as a fingerprinted script that loads before Dash's components, so
dcc.Graph finds `window.Plotly` and never fetches the 4.8 MB full bundle. Without it, Dash
serves the full bundle as usual.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

import flask
import plotly

from data_sources.settings import Settings

REPO = Path(__file__).resolve().parents[1]
PLOTLY_BASIC = (
    REPO / "node_modules" / "plotly.js-basic-dist-min" / "plotly-basic.min.js"
)
# The trace types plotly-basic contains; tests check that every figure stays within them.
BUNDLE_TRACE_TYPES = frozenset({"scatter", "bar", "pie"})
ONE_YEAR = 31_536_000


# Without `npm install`, the pages served without Dash (embeds, stage, chart images) use
# the full plotly.js that the plotly Python package ships (Dash has its own copy).
PLOTLY_FULL = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
# Dash loads @babel/polyfill (99 kB, ~0.2 s of a phone's main thread) before React. Of
# it, Dash's bundles use only the global `regeneratorRuntime` (in their lazy loaders);
# browsers that run Dash 4 have the rest built in.
REGENERATOR = REPO / "node_modules" / "regenerator-runtime" / "runtime.js"
BUNDLES = {
    "plotly-basic": PLOTLY_BASIC,
    "plotly": PLOTLY_FULL,
    "regenerator-runtime": REGENERATOR,
}
POLYFILL_TAG = re.compile(r'<script src="[^"]*/deps/polyfill@[^"]*"></script>')


@lru_cache(maxsize=4)
def fingerprint_of(path: Path) -> str | None:
    if not path.is_file():
        return None
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def bundle_fingerprint() -> str | None:
    return fingerprint_of(PLOTLY_BASIC)


def plotly_scripts() -> list[str]:
    """external_scripts for Dash: the partial bundle if it is installed, else nothing."""
    fingerprint = bundle_fingerprint()
    return [f"/vendor/plotly-basic.{fingerprint}.min.js"] if fingerprint else []


def vendor_src(name: str) -> str | None:
    """The fingerprinted URL of a file installed by npm (one route serves them all)."""
    fingerprint = fingerprint_of(BUNDLES[name])
    return f"/vendor/{name}.{fingerprint}.min.js" if fingerprint else None


def lighter_scripts(scripts: str) -> str:
    """Dash's script tags with @babel/polyfill swapped for regenerator-runtime, when
    that is installed (else unchanged)."""
    src = vendor_src("regenerator-runtime")
    if src is None:
        return scripts
    return POLYFILL_TAG.sub(f'<script src="{src}"></script>', scripts, count=1)


def standalone_plotly() -> Path:
    """plotly.js for the pages served without Dash: the partial bundle, else the full."""
    return PLOTLY_BASIC if PLOTLY_BASIC.is_file() else PLOTLY_FULL


def standalone_plotly_src() -> str:
    path = standalone_plotly()
    name = next(name for name, bundle in BUNDLES.items() if bundle == path)
    return f"/vendor/{name}.{fingerprint_of(path)}.min.js"


EMBED_PREFIX = "/embed/"


def content_security_policy(script_hashes: list[str], frame_ancestors: str) -> str:
    """Scripts only from this site (plus Dash's own inline scripts, by hash); no eval.

    style-src needs 'unsafe-inline': plotly.js writes <style> rules and Dash components
    set style attributes at run time. Inline styles cannot run script.
    """
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self' " + " ".join(script_hashes),
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            f"frame-ancestors {frame_ancestors}",
        )
    )


def frame_ancestors(origins: tuple[str, ...]) -> str:
    """SISTERCITIES_EMBED_ORIGINS → a frame-ancestors source list (bad entries dropped)."""
    valid = [
        origin
        for origin in origins
        if origin in ("*", "'self'")
        or re.fullmatch(r"https?://[A-Za-z0-9.*:-]+", origin)
    ]
    return " ".join(valid) or "'self'"


def install(server: flask.Flask, script_hashes: list[str] = ()) -> None:
    """Routes and headers for serving in production (also used by the dev server).

    `script_hashes`: CSP hashes of Dash's inline scripts (Dash.csp_hashes()).
    """

    # gzip level 6 (flask-compress's default) took 15 ms for a 700 kB view and level 4
    # 4 ms, for 2 % more bytes; browsers get brotli (level 4) anyway.
    server.config["COMPRESS_LEVEL"] = 4

    @lru_cache(maxsize=8)
    def policy(ancestors: str) -> str:
        return content_security_policy(list(script_hashes), ancestors)

    @server.after_request
    def security_headers(response: flask.Response) -> flask.Response:
        embed = flask.request.path.startswith(EMBED_PREFIX)
        headers = response.headers
        headers["Content-Security-Policy"] = policy(
            frame_ancestors(Settings.from_env().embed_origins) if embed else "'self'"
        )
        if not embed:
            headers["X-Frame-Options"] = "SAMEORIGIN"  # for browsers without CSP 3
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        headers["Permissions-Policy"] = (
            "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
            "fullscreen=(self)"
        )
        return response

    @server.get("/vendor/<name>.<fingerprint>.min.js")
    def plotly_bundle(name: str, fingerprint: str) -> flask.Response:
        path = BUNDLES.get(name)
        if path is None or fingerprint != fingerprint_of(path):
            flask.abort(404)
        response = flask.send_file(path, mimetype="text/javascript", max_age=ONE_YEAR)
        response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
        return response

    @server.after_request
    def cache_assets(response: flask.Response) -> flask.Response:
        # Dash fingerprints /assets/ URLs with ?m=<mtime>; a changed file gets a new URL.
        if flask.request.path.startswith("/assets/") and "m" in flask.request.args:
            response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
        return response
