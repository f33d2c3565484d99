"""The data API and health check, on the Flask server behind Dash.

Every error is JSON `{"error": "..."}` with a 4xx status; no traceback ever reaches a client.
"""

from __future__ import annotations

import logging
from html import escape

import flask
from werkzeug.exceptions import HTTPException

import data_sources
from data_sources.comparability import norm_refusal
from data_sources.registries import INDICATORS, PAIR
from data_sources.units import NORMALISATIONS

from .embed import dashboard_meta, script_json
from .i18n import pick_lang, t
from .pages import latest_values, public_origin
from .state import parse_query, to_query

log = logging.getLogger(__name__)
api = flask.Blueprint("api", __name__)

MAX_REQUEST_BYTES = 1_000_000
SERIES_PARAMS = ("cities", "start", "end", "norm", "unit", "base", "lang", "pin")


DASH_LOADING = """<div class="_dash-loading">
        Loading...
    </div>"""


def static_shell(lang: str) -> str:
    """The header, as HTML, shown while Dash loads (replaced when React renders)."""
    return (
        '<div class="_dash-loading static-shell"><header class="site-header"><div>'
        '<p class="shell-title"><span class="city-paris-text">Paris</span> ↔ '
        '<span class="city-sf-text">San Francisco</span></p>'
        f'<p class="tagline">{escape(t("tagline", lang))}</p></div></header>'
        f'<p class="shell-loading">{escape(t("loading", lang))}</p></div>'
    )


def error(message: str, status: int) -> flask.Response:
    # Messages quote what was asked ("unknown city '…'"): written with <, > and & as
    # \u escapes, so no part of a request comes back as markup, whoever sniffs the body.
    return flask.Response(
        script_json({"error": message}) + "\n",
        status=status,
        mimetype="application/json",
    )


@api.errorhandler(data_sources.BadRequest)
def bad_request(exc: data_sources.BadRequest) -> flask.Response:
    return error(str(exc), 404 if isinstance(exc, data_sources.NotFound) else 400)


def comparability_json(indicator) -> dict:
    """The indicator's comparability model as published data."""
    rules = indicator.comparability
    return {
        "level": rules.level,
        "note": rules.notes,
        "breaks": [
            {
                "city": b.city,
                "date": b.date,
                "from_source": b.source,
                "kind": b.kind,
                "reason": b.reasons,
            }
            for b in rules.breaks
        ],
        "partial_periods": [
            {"city": p.city, "period": p.period, "reason": p.reasons}
            for p in rules.partial
        ],
        "coverage": {
            city_id: {
                "kind": coverage.kind,
                "label": coverage.labels,
                "population": None
                if coverage.population is None
                else coverage.population.__dict__,
                "area_km2": None
                if coverage.area_km2 is None
                else coverage.area_km2.__dict__,
            }
            for city_id, coverage in rules.coverage.items()
        },
    }


@api.get("/api/indicators")
def indicators() -> flask.Response:
    return flask.jsonify(
        [
            {
                "id": indicator.id,
                "domain": indicator.domain,
                "unit": indicator.unit,
                "units": list(indicator.units),
                "freq": indicator.freq,
                "labels": indicator.labels,
                "cities": sorted(indicator.cities),
                "normalisations": [
                    norm
                    for norm in NORMALISATIONS
                    if norm_refusal(indicator, norm, PAIR) is None
                ],
                "latest_common": data_sources.latest_common_period(indicator.id),
                "cadence_seconds": indicator.cadence,
                "publication_lag_seconds": indicator.publication_lag,
                "comparability": comparability_json(indicator),
            }
            for indicator in INDICATORS
        ]
    )


@api.get("/api/series/<indicator_id>.<fmt>")
def series(indicator_id: str, fmt: str) -> flask.Response:
    if fmt not in ("csv", "json"):
        return error(f"unknown format '{fmt}' (csv or json)", 404)
    args = flask.request.args
    unknown = sorted(set(args) - set(SERIES_PARAMS))
    if unknown:
        return error(
            f"unknown parameter '{unknown[0]}' ({', '.join(SERIES_PARAMS)})", 400
        )
    lang = pick_lang(args.get("lang"))
    result = data_sources.load_series(
        indicator_id,
        args.get("cities"),
        start=args.get("start"),
        end=args.get("end"),
        norm=args.get("norm"),
        unit=args.get("unit"),
        base=args.get("base"),
        lang=lang,
        pin=args.get("pin"),
    )
    rows = result.frame.loc[:, list(data_sources.API_COLUMNS)]
    if fmt == "csv":
        body = rows.to_csv(index=False, lineterminator="\n")
        response = flask.Response(body, mimetype="text/csv")
        response.headers["Content-Disposition"] = (
            f'attachment; filename="{indicator_id}.csv"'
        )
        return response
    return flask.jsonify(
        {
            "indicator": indicator_id,
            "unit": result.unit,
            "notes": list(result.notes),
            "comparability": comparability_json(result.indicator),
            "data": rows.to_dict(orient="records"),
        }
    )


@api.get("/api/latest")
def latest() -> flask.Response:
    """The latest value per city of the live tiles (bikes, air), with its UTC time."""
    return flask.jsonify(latest_values())


@api.get("/api/sources")
def sources() -> flask.Response:
    return flask.jsonify(data_sources.source_status())


@api.route("/api/<path:unknown>")
def unknown_endpoint(unknown: str) -> flask.Response:
    # Without this, Dash's page routing would answer any /api/… path with the app.
    return error(f"no such endpoint '/api/{unknown}'", 404)


@api.get("/health")
def health() -> flask.Response:
    return flask.jsonify({"status": "ok"})


def install(server: flask.Flask, callback_map=dict) -> None:
    """Register the API and the JSON error handling on the app's Flask server.

    `callback_map`: returns the app's callbacks by output key (Dash.callback_map, filled
    in by Dash on the first request), the only outputs a callback request may name.
    """
    server.register_blueprint(api)
    # No request of this app carries more than a few kB; bigger bodies get a 413.
    server.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES

    @server.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> flask.Response | HTTPException:
        if flask.request.path.startswith("/api/"):
            return error(exc.description or exc.name, exc.code or 500)
        return exc

    @server.before_request
    def callback_shape() -> flask.Response | None:
        # Dash trusts the shape of a callback request; a malformed one would crash it.
        if flask.request.path != "/_dash-update-component":
            return None
        body = flask.request.get_json(silent=True)
        if not (
            isinstance(body, dict)
            and isinstance(body.get("output"), str)
            and isinstance(body.get("inputs", []), list)
            and isinstance(body.get("state", []), list)
            and isinstance(body.get("outputs"), dict | list)
            # an input is a dict, or a list of dicts for a pattern-matching id (ALL)
            and all(
                isinstance(i, dict)
                or (isinstance(i, list) and all(isinstance(j, dict) for j in i))
                for i in body.get("inputs", []) + body.get("state", [])
            )
        ):
            return error("malformed callback request", 400)
        registered = callback_map().get(body["output"])
        if registered is None:
            return error("unknown callback output", 400)
        outputs = body["outputs"]
        # A multi-output callback is keyed "..id.prop...id.prop.." and sent a list.
        multi = body["output"].startswith("..")
        if (
            len(body.get("inputs", [])) != len(registered["inputs"])
            or len(body.get("state", [])) != len(registered["state"])
            or multi != isinstance(outputs, list)
            or (multi and len(outputs) != body["output"].count("...") + 1)
        ):
            return error("callback request does not match the callback", 400)
        return None

    @server.errorhandler(Exception)
    def unexpected(exc: Exception) -> flask.Response:
        # Logged in full for us; the client gets a plain sentence, never a traceback.
        log.exception("unhandled error on %s", flask.request.path)
        return error("internal error; it has been logged", 500)

    @server.after_request
    def index_page(response: flask.Response) -> flask.Response:
        standalone = flask.request.path.startswith(("/embed/", "/present"))
        if (
            response.mimetype == "text/html"
            and not response.direct_passthrough
            and not standalone
        ):
            args = flask.request.args
            lang = pick_lang(
                args.get("lang"), flask.request.headers.get("Accept-Language")
            )
            theme = "dark" if args.get("theme") == "dark" else "light"
            body = response.get_data(as_text=True)
            # Dash's template has a bare <html>: screen readers need the language, and the
            # theme must apply before the first paint (no white flash on a dark page).
            body = body.replace(
                "<html>", f'<html lang="{lang}" data-theme="{theme}">', 1
            )
            # Until the scripts run, show the page's head instead of "Loading..." (a
            # first paint that does not wait for React). Fixed strings only.
            body = body.replace(DASH_LOADING, static_shell(lang), 1)
            query = flask.request.query_string.decode()
            state = parse_query(query, lang)
            preview = dashboard_meta(state, public_origin(), to_query(state))
            body = body.replace("</head>", preview + "</head>", 1)
            response.set_data(body)
        return response
