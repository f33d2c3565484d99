"""Serving: every request's frame — the page's HTML, security and cache headers,
request guards — and the files npm installs.

- Page HTML is edited in one place, `page_html`, called from Dash's documented hook
  (`interpolate_index`, see app.py): the language and theme on `<html>`, the static head
  shown before the scripts run, link-preview tags, a lighter script set.
- Headers: a Content-Security-Policy on every response (scripts from the site and
  Dash's inline scripts by hash), frame rules per route, year-long caching of
  fingerprinted files, and `Vary`/`Cache-Control` on the layout Dash fetches.
- Guards: a size limit, malformed callback requests refused with a 400, JSON errors
  under /api, a logged 500 with a plain sentence elsewhere.
- plotly.js comes from npm (`npm install`, never committed). When the partial bundle is
  present, it is served as a fingerprinted script that loads before Dash's components,
  so dcc.Graph finds `window.Plotly` and never fetches the 4.8 MB full bundle. Without
  it, Dash serves the full bundle as usual.
"""

from __future__ import annotations

import hashlib
import logging
import re
from functools import lru_cache
from html import escape
from pathlib import Path

import flask
import plotly
from dash.exceptions import DependencyException
from werkzeug.exceptions import HTTPException

from components.i18n import t
from components.state import wants_overview
from components.web import vendor
from components.web.html_text import script_json
from data_sources.model.registries import CITIES_BY_ID, PAIR
from data_sources.settings import Settings

log = logging.getLogger(__name__)
ASSETS = REPO_ASSETS = Path(__file__).resolve().parents[2] / "assets"
MAX_REQUEST_BYTES = 1_000_000

REPO = ASSETS.parent
# node_modules (npm install), else the user cache, else fetched at first start
# (components/web/vendor.py); a missing one is an absent path, and the page falls back.
VENDOR = vendor.obtain()
PLOTLY_BASIC = VENDOR["plotly-basic"] or REPO / "node_modules" / ".no-plotly-basic"
# The trace types plotly-basic contains; tests check that every figure stays within them.
BUNDLE_TRACE_TYPES = frozenset({"scatter", "bar", "pie"})
ONE_YEAR = 31_536_000


# Without `npm install`, the pages served without Dash (embeds, stage, chart images) use
# the full plotly.js that the plotly Python package ships (Dash has its own copy).
PLOTLY_FULL = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
# Dash loads @babel/polyfill (99 kB, ~0.2 s of a phone's main thread) before React. Of
# it, Dash's bundles use only the global `regeneratorRuntime` (in their lazy loaders);
# browsers that run Dash 4 have the rest built in.
REGENERATOR = VENDOR["regenerator-runtime"] or REPO / "node_modules" / ".no-regenerator"
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


# ------------------------------------------------------------------ requests


def public_origin() -> str:
    """The configured public address (SISTERCITIES_PUBLIC_URL), else the address the
    request came to. Never the request's Origin: pages are cached publicly for a
    minute and no cache keys on Origin, so one request's Origin would have built the
    links every reader of the cached page gets (the Host is part of the cached URL)."""
    return Settings.current().public_url or flask.request.host_url.rstrip("/")


@lru_cache(maxsize=64)
def asset(name: str) -> str:
    """A fingerprinted /assets URL (served with a year-long cache, see install)."""
    return f"/assets/{name}?m={int((ASSETS / name).stat().st_mtime)}"


def html_response(body: str, status: int = 200) -> flask.Response:
    """A page served without Dash (embed, stage), cacheable for a minute."""
    response = flask.Response(body, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "public, max-age=60"
    return response


def json_error(message: str, status: int) -> flask.Response:
    """`{"error": "…"}`. Messages quote what was asked ("unknown city '…'"): written
    with <, > and & as \\u escapes, so no part of a request comes back as markup,
    whoever sniffs the body."""
    return flask.Response(
        script_json({"error": message}) + "\n",
        status=status,
        mimetype="application/json",
    )


def is_callback_value(item) -> bool:
    """{"id": a component id, "property": its name, "value": optional}."""
    return (
        isinstance(item, dict)
        and isinstance(item.get("id"), str | dict)
        and isinstance(item.get("property"), str)
    )


def callback_refusal(body, callback_map: dict) -> str | None:
    """Why a /_dash-update-component body is refused (None: it matches a callback).
    Dash trusts the shape of a callback request; a malformed one would crash it."""
    if not (
        isinstance(body, dict)
        and isinstance(body.get("output"), str)
        and isinstance(body.get("inputs", []), list)
        and isinstance(body.get("state", []), list)
        and isinstance(body.get("outputs"), dict | list)
        # an input is a dict, or a list of dicts for a pattern-matching id (ALL),
        # each naming a component and one of its properties
        and all(
            all(map(is_callback_value, i if isinstance(i, list) else [i]))
            for i in body.get("inputs", []) + body.get("state", [])
        )
    ):
        return "malformed callback request"
    registered = callback_map.get(body["output"])
    if registered is None:
        return "unknown callback output"
    outputs = body["outputs"]
    # A multi-output callback is keyed "..id.prop...id.prop.." and sent a list.
    multi = body["output"].startswith("..")
    if (
        len(body.get("inputs", [])) != len(registered["inputs"])
        or len(body.get("state", [])) != len(registered["state"])
        or multi != isinstance(outputs, list)
        or (multi and len(outputs) != body["output"].count("...") + 1)
    ):
        return "callback request does not match the callback"
    return None


# ------------------------------------------------------------------ the page's HTML

DASH_LOADING = """<div class="_dash-loading">
        Loading...
    </div>"""


def static_shell(lang: str) -> str:
    """The header, as HTML, shown while Dash loads (replaced when React renders)."""
    names = " ↔ ".join(
        f'<span class="city-{c}-text">{escape(CITIES_BY_ID[c].name(lang))}</span>'
        for c in PAIR
    )
    return (
        '<div class="_dash-loading static-shell"><header class="site-header"><div>'
        f'<p class="shell-title">{names}</p>'
        f'<p class="tagline">{escape(t("tagline", lang))}</p></div></header>'
        f'<p class="shell-loading">{escape(t("loading", lang))}</p></div>'
    )


def page_html(
    rendered: str, lang: str, theme: str, preview: str, title: str = ""
) -> str:
    """Dash's rendered page template, made this app's page (the one place its HTML is
    edited): its language and theme, a static first paint, `preview` (the link-preview
    tags of the view in the URL) in its head, and the view's own `title`."""
    # A bare <html> hides the language from screen readers; the theme must apply
    # before the first paint (no white flash on a dark page).
    page = rendered.replace("<html>", f'<html lang="{lang}" data-theme="{theme}">', 1)
    # Until the scripts run, show the page's head instead of "Loading..." (a first paint
    # that does not wait for React). Fixed strings only.
    page = page.replace(DASH_LOADING, static_shell(lang), 1)
    # Dash's template wraps its scripts in <footer>, a second "contentinfo" landmark
    # beside the site's own footer; a plain <div> holds them just as well.
    page = page.replace("<footer>", "<div>", 1).replace("</footer>", "</div>", 1)
    if title:
        page = re.sub(
            r"<title>.*?</title>", f"<title>{escape(title)}</title>", page, count=1
        )
    return page.replace("</head>", preview + "</head>", 1)


# ------------------------------------------------------------------ install


def install(
    server: flask.Flask, script_hashes: list[str] = (), callback_map=dict
) -> None:
    """Headers, guards and the vendor route, on the app's Flask server (the dev server
    too).

    `script_hashes`: CSP hashes of Dash's inline scripts (Dash.csp_hashes());
    `callback_map`: returns the app's callbacks by output key (Dash.callback_map,
    filled in by Dash on the first request), the only outputs a request may name.
    """
    # No request of this app carries more than a few kB; bigger bodies get a 413.
    server.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    # gzip level 6 (flask-compress's default) took 15 ms for a 700 kB view and level 4
    # 4 ms, for 2 % more bytes; browsers get brotli (level 4) anyway.
    server.config["COMPRESS_LEVEL"] = 4
    install_guards(server, callback_map)
    install_headers(server, script_hashes)

    @server.get("/vendor/<name>.<fingerprint>.min.js")
    def plotly_bundle(name: str, fingerprint: str) -> flask.Response:
        path = BUNDLES.get(name)
        if path is None or fingerprint != fingerprint_of(path):
            flask.abort(404)
        response = flask.send_file(path, mimetype="text/javascript", max_age=ONE_YEAR)
        response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
        return response


def served_by_dash(request: flask.Request) -> bool:
    """Whether Dash answers this request: its page, layout, callbacks and files (the
    only requests that need Dash's first-request setup, see app.py)."""
    endpoint = request.endpoint or ""  # None: no route matched (a 404 or a 405)
    if endpoint == "/":
        return not wants_overview(request.args)
    # Dash names its routes by their path ("/_dash-layout", "/<path:path>") and its
    # assets blueprint "…dash_assets"; this app's own routes have function names.
    return endpoint.startswith("/") or endpoint.split(".")[0].endswith("dash_assets")


def install_guards(server: flask.Flask, callback_map) -> None:
    @server.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> flask.Response | HTTPException:
        # The API and Dash's own routes (what scripts call) answer in JSON.
        if flask.request.path.startswith(("/api/", "/_dash-")):
            response = json_error(exc.description or exc.name, exc.code or 500)
            # A 405 says which methods are allowed (RFC 9110), in JSON as in HTML.
            response.headers.extend(
                (k, v) for k, v in exc.get_headers() if k.lower() == "allow"
            )
            return response
        return exc

    @server.before_request
    def callback_shape() -> flask.Response | None:
        if flask.request.path != "/_dash-update-component":
            return None
        if flask.request.method != "POST":  # (a GET would reach Dash's catch-all page)
            response = json_error("method not allowed: a callback is a POST", 405)
            response.headers["Allow"] = "POST"
            return response
        try:
            body = flask.request.get_json(silent=True)
        except RecursionError:  # JSON nested deeper than Python decodes
            body = None
        refusal = callback_refusal(body, callback_map())
        return json_error(refusal, 400) if refusal else None

    @server.errorhandler(DependencyException)
    def unknown_component_file(_exc: DependencyException) -> flask.Response:
        # Dash raises this for a /_dash-component-suites/ path it did not register.
        return json_error("no such file", 404)

    @server.errorhandler(Exception)
    def unexpected(exc: Exception) -> flask.Response:
        # Logged in full for us; the client gets a plain sentence, never a traceback.
        log.exception("unhandled error on %s", flask.request.path)
        return json_error("internal error; it has been logged", 500)


def install_headers(server: flask.Flask, script_hashes: list[str]) -> None:
    @lru_cache(maxsize=8)
    def policy(ancestors: str) -> str:
        return content_security_policy(list(script_hashes), ancestors)

    @server.after_request
    def security_headers(response: flask.Response) -> flask.Response:
        embed = flask.request.path.startswith(EMBED_PREFIX)
        headers = response.headers
        headers["Content-Security-Policy"] = policy(
            frame_ancestors(Settings.current().embed_origins) if embed else "'self'"
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

    @server.after_request
    def cache_headers(response: flask.Response) -> flask.Response:
        path = flask.request.path
        # Dash fingerprints /assets/ URLs with ?m=<mtime>; a changed file gets a new URL.
        if path.startswith("/assets/") and "m" in flask.request.args:
            response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
        elif path == "/_dash-layout":
            # The layout is drawn for the page's own URL, which Dash's request carries
            # only as its Referer (see dashboard.request_state; the Referrer-Policy set
            # above keeps the query on same-origin requests): a shared cache must not
            # hand one reader's view to another.
            response.headers["Vary"] = "Referer, Accept-Language"
            response.headers["Cache-Control"] = "private, no-cache"
        return response
