"""The data API and health check (/api/*, /health) on the Flask server behind Dash.

Every error is JSON `{"error": "..."}` with a 4xx status; no traceback ever reaches a
client (serving.py turns any other /api failure into the same shape).
"""

from __future__ import annotations

import logging

import flask

import data_sources
from components.i18n import pick_lang
from components.publish import datapackage, openapi
from components.shown import latest_values
from components.web.serving import json_error, public_origin
from data_sources.model import context
from data_sources.model.comparability import norm_refusal
from data_sources.model.context import STATUSES
from data_sources.model.normalisation import NORMALISATIONS
from data_sources.model.registries import (
    DOMAINS,
    INDICATORS,
    INDICATORS_BY_ID,
    LANGUAGES,
    PAIR,
)
from data_sources.status import readiness, source_status
from data_sources.store.cache import latest_version_cache

log = logging.getLogger(__name__)
api = flask.Blueprint("api", __name__)

SERIES_PARAMS = ("cities", "start", "end", "norm", "unit", "base", "lang", "pin")


@api.errorhandler(data_sources.BadRequest)
def bad_request(exc: data_sources.BadRequest) -> flask.Response:
    return json_error(str(exc), 404 if isinstance(exc, data_sources.NotFound) else 400)


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
        return json_error(f"unknown format '{fmt}' (csv or json)", 404)
    args = flask.request.args
    unknown = sorted(set(args) - set(SERIES_PARAMS))
    if unknown:
        return json_error(
            f"unknown parameter '{unknown[0]}' ({', '.join(SERIES_PARAMS)})", 400
        )
    lang = args.get("lang", pick_lang(None))
    if lang not in LANGUAGES:
        return json_error(f"unknown lang '{lang}' ({', '.join(LANGUAGES)})", 400)
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
    if fmt == "csv":
        response = flask.Response(
            data_sources.api_csv(result.frame), mimetype="text/csv"
        )
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
            "data": data_sources.api_rows(result.frame).to_dict(orient="records"),
        }
    )


def check_params(allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(flask.request.args) - set(allowed))
    if unknown:
        raise data_sources.BadRequest(
            f"unknown parameter '{unknown[0]}' ({', '.join(allowed)})"
        )


def one_of(name: str, allowed) -> str | None:
    """A filter parameter: absent → None, else one of `allowed` (or a 400)."""
    value = flask.request.args.get(name)
    if value is None:
        return None
    if value not in allowed:
        raise data_sources.BadRequest(
            f"unknown {name} '{value}' ({', '.join(sorted(allowed))})"
        )
    return value


def records_response(records: list[dict], name: str, fmt: str) -> flask.Response:
    """JSON, or CSV with nested fields as columns (`label_en`, `latest_value`…)."""
    if fmt == "json":
        return flask.jsonify(records)
    response = flask.Response(context.records_csv(records), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


TARGET_PARAMS = ("city", "indicator", "status")


@api.get("/api/targets")
@api.get("/api/targets.<fmt>")
def targets(fmt: str = "json") -> flask.Response:
    """Each city's own targets with their status, computed from the data (README:
    "Targets")."""
    if fmt not in ("csv", "json"):
        return json_error(f"unknown format '{fmt}' (csv or json)", 404)
    check_params(TARGET_PARAMS)
    city = one_of("city", PAIR)
    indicator = one_of("indicator", INDICATORS_BY_ID)
    status = one_of("status", STATUSES)
    records = [
        record
        for record in data_sources.context_records("targets")
        if city in (None, record["city"])
        and indicator in (None, record["indicator"])
        and status in (None, record["status"])
    ]
    return records_response(records, "targets", fmt)


EVENT_PARAMS = ("city", "domain", "start", "end")


@api.get("/api/events")
@api.get("/api/events.<fmt>")
def events(fmt: str = "json") -> flask.Response:
    """Dated policy events; `domain` keeps those drawn on that theme's charts (the
    theme's own and the ones drawn on every theme, such as lockdowns)."""
    if fmt not in ("csv", "json"):
        return json_error(f"unknown format '{fmt}' (csv or json)", 404)
    check_params(EVENT_PARAMS)
    city = one_of("city", PAIR)
    domain = one_of("domain", DOMAINS)
    start = data_sources.parse_date(flask.request.args.get("start"), "start")
    end = data_sources.parse_date(flask.request.args.get("end"), "end")
    records = [
        context.event_record(event)
        for event in context.events()
        if city in (None, event.city)
        and (domain is None or event.on(domain))
        and (start is None or event.start.date() >= start)
        and (end is None or event.start.date() <= end)
    ]
    return records_response(records, "events", fmt)


@api.get("/api/latest")
def latest() -> flask.Response:
    """The latest value per city of the live tiles (bikes, air), with its UTC time."""
    return flask.jsonify(latest_values())


@api.get("/api/sources")
def sources() -> flask.Response:
    return flask.jsonify(source_status())


@api.get("/api/datapackage.json")
def datapackage_descriptor() -> flask.Response:
    """The Frictionless Data Package: each resource's path is its live CSV URL."""
    origin = public_origin()
    return flask.jsonify(
        datapackage.descriptor(
            lambda indicator_id: origin + datapackage.csv_query(indicator_id),
            origin + "/",
            lambda name: f"{origin}/api/{name}.csv",
        )
    )


@latest_version_cache(maxsize=4)
def datapackage_zip_bytes(homepage: str, _version: str) -> bytes:
    return datapackage.zipped(homepage)


@api.get("/api/datapackage.zip")
def datapackage_zip() -> flask.Response:
    """The package and every CSV in one download (built once per data version)."""
    version = data_sources.data_version(
        *(i.id for i in datapackage.packaged_indicators())
    )
    response = flask.Response(
        datapackage_zip_bytes(public_origin() + "/", version),
        mimetype="application/zip",
    )
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{datapackage.PACKAGE_NAME}-datapackage.zip"'
    )
    return response


@api.get("/api/openapi.json")
def openapi_document() -> flask.Response:
    response = flask.jsonify(openapi.document())
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@api.route("/api/<path:unknown>")
def unknown_endpoint(unknown: str) -> flask.Response:
    # Without this, Dash's page routing would answer any /api/… path with the app.
    return json_error(f"no such endpoint '/api/{unknown}'", 404)


@api.get("/health")
def health() -> flask.Response:
    """Liveness (cheap: the process answers); with `?deep=1`, readiness: 503 with the
    reasons when this instance cannot serve live data (see README: what to probe)."""
    if flask.request.args.get("deep") not in ("1", "true", "yes"):
        return flask.jsonify({"status": "ok"})
    report = readiness()
    response = flask.jsonify(report)
    response.status_code = 200 if report["ready"] else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def install(server: flask.Flask) -> None:
    """Register the data API on the app's Flask server."""
    server.register_blueprint(api)
