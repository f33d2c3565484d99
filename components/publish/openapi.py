"""The data API's contract as OpenAPI 3.1, served at /api/openapi.json.

Written as data beside the routes (api.py, oembed.py): the allowed values come from the
registries (indicator ids, cities, normalisations, languages), so a new indicator is in
the contract the moment it is in the registry. A property-based tester (schemathesis)
holds the running app to it (tests/integration/test_openapi.py).
"""

from __future__ import annotations

from data_sources import API_COLUMNS, PIN_PATTERN, TIME_CONVENTION
from data_sources.model.context import PRECISIONS, STATUSES
from data_sources.model.normalisation import NORMALISATIONS
from data_sources.model.registries import CITIES, DOMAINS, INDICATORS, LANGUAGES

LANGS = tuple(LANGUAGES)

JSON = "application/json"
ERROR = {"$ref": "#/components/schemas/Error"}
TEXT = {"type": "string"}
LABELS = {
    "type": "object",
    "properties": {lang: TEXT for lang in LANGS},
    "required": list(LANGS),
}


def error_response(description: str) -> dict:
    return {"description": description, "content": {JSON: {"schema": ERROR}}}


def json_response(description: str, schema: dict) -> dict:
    return {"description": description, "content": {JSON: {"schema": schema}}}


def query(name: str, schema: dict, description: str, required: bool = False) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "schema": schema,
        "description": description,
    }


def series_parameters() -> list[dict]:
    city_ids = "|".join(city.id for city in CITIES)
    return [
        {
            "name": "indicator",
            "in": "path",
            "required": True,
            "schema": {"type": "string", "enum": [i.id for i in INDICATORS]},
            "description": "An indicator id (GET /api/indicators lists them).",
        },
        query(
            "cities",
            {"type": "string", "pattern": f"^({city_ids})(,({city_ids}))*$"},
            "Comma-separated city ids; default: both.",
        ),
        query(
            "start",
            {"type": "string", "format": "date"},
            "First day kept, on each city's calendar (inclusive).",
        ),
        query(
            "end",
            {"type": "string", "format": "date"},
            "Last day kept, on each city's calendar (inclusive).",
        ),
        query(
            "norm",
            {"type": "string", "enum": list(NORMALISATIONS)},
            "Normalisation; refused (400, with the reason) where the comparability "
            "model does not allow it for this indicator.",
        ),
        query(
            "unit",
            TEXT,
            "A unit the indicator offers (its `units` in /api/indicators), e.g. ppb.",
        ),
        query(
            "base",
            {"type": "integer", "minimum": 1900, "maximum": 2100},
            "The base year of norm=index (each city's own calendar year).",
        ),
        query("lang", {"type": "string", "enum": list(LANGS)}, "Language of notes."),
        query(
            "pin",
            {"type": "string", "pattern": f"^{PIN_PATTERN.pattern}$"},
            "A pinned data version (16 hex digits); 404 if it is not stored.",
        ),
    ]


def series_operation(fmt: str) -> dict:
    if fmt == "csv":
        ok = {
            "description": "One row per observation; columns "
            + ",".join(API_COLUMNS)
            + ".",
            "content": {"text/csv": {"schema": TEXT}},
        }
    else:
        ok = json_response(
            "The rows, the unit shown, notes and the comparability model.",
            {"$ref": "#/components/schemas/Series"},
        )
    return {
        "summary": f"One indicator's series for both cities, as {fmt.upper()}",
        "operationId": f"series_{fmt}",
        "parameters": series_parameters(),
        "responses": {
            "200": ok,
            "400": error_response("A parameter this indicator does not allow."),
            "404": error_response("An unknown indicator, city or pinned version."),
        },
    }


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def array_of(item: dict) -> dict:
    return {"type": "array", "items": item}


def obj(properties: dict, required: list[str]) -> dict:
    return {"type": "object", "properties": properties, "required": required}


def row_schema() -> dict:
    """One observation of /api/series (the CSV's columns, typed)."""
    return obj(
        {
            "city": {"type": "string", "enum": [c.id for c in CITIES]},
            "time": {
                "type": "string",
                "description": TIME_CONVENTION,
                "examples": ["1999-01-01", "2025-10-18T09:09:16Z"],
            },
            "value": {"type": ["number", "null"]},
            "unit": TEXT,
            "source": TEXT,
            "origin": TEXT,
            "stale": {"type": "boolean"},
            "period": TEXT,
            "period_status": {
                "type": "string",
                "enum": ["complete", "partial", "provisional"],
                "description": "Whether the period is whole and final: partial "
                "(the note says what it covers) or provisional (its publisher may "
                "still revise it) figures are never a headline comparison's period.",
            },
            "note": TEXT,
        },
        list(API_COLUMNS),
    )


def comparability_schema() -> dict:
    levels = ["levels", "trends", "within_edition", "none"]
    return obj(
        {
            "level": {"type": "string", "enum": levels},
            "note": LABELS,
            "breaks": array_of({"type": "object"}),
            "partial_periods": array_of({"type": "object"}),
            "coverage": {"type": "object"},
        },
        ["level", "note", "breaks", "coverage"],
    )


def indicator_schema() -> dict:
    return obj(
        {
            "id": TEXT,
            "domain": TEXT,
            "unit": TEXT,
            "units": array_of(TEXT),
            "freq": TEXT,
            "labels": LABELS,
            "cities": array_of(TEXT),
            "normalisations": array_of(TEXT),
            # null: no regular cadence (a one-off figure such as population)
            "cadence_seconds": {"type": ["integer", "null"]},
            "publication_lag_seconds": {"type": ["integer", "null"]},
            "latest_common": {"type": ["string", "null"]},
            "comparability": ref("Comparability"),
        },
        ["id", "domain", "unit", "labels", "comparability"],
    )


def series_schema() -> dict:
    return obj(
        {
            "indicator": TEXT,
            "unit": TEXT,
            "notes": array_of(TEXT),
            "comparability": ref("Comparability"),
            "data": array_of(row_schema()),
        },
        ["indicator", "unit", "notes", "comparability", "data"],
    )


def source_schema() -> dict:
    statuses = ["ok", "stale", "archive", "error", "unavailable", "disabled"]
    return obj(
        {
            "id": TEXT,
            "publisher": TEXT,
            "dataset": TEXT,
            "licence": TEXT,
            "licence_terms": obj(
                {
                    "status": {
                        "type": "string",
                        "enum": ["verified", "partial", "not found", "not applicable"],
                    },
                    "quote": TEXT,
                    "credit": TEXT,
                    "commercial": {"type": "string", "enum": ["yes", "no", "unclear"]},
                    "commercial_note": TEXT,
                    "line": obj({"en": TEXT, "fr": TEXT}, ["en", "fr"]),
                },
                ["status", "commercial", "line"],
            ),
            "status": {"type": "string", "enum": statuses},
            "live": {"type": "boolean"},
            "feeds": array_of({"type": "object"}),
            "feeds_without_live_source": array_of({"type": "object"}),
            "no_live_source": {"type": ["string", "null"]},
            "newest_observation": {"type": ["string", "null"]},
        },
        ["id", "publisher", "dataset", "licence", "licence_terms", "status", "feeds"],
    )


def oembed_schema() -> dict:
    pixels = {"type": "integer"}
    return obj(
        {
            "version": {"const": "1.0"},
            "type": {"const": "rich"},
            "html": TEXT,
            "width": pixels,
            "height": pixels,
            "title": TEXT,
            "provider_name": TEXT,
            "provider_url": TEXT,
            "thumbnail_url": TEXT,
            "thumbnail_width": pixels,
            "thumbnail_height": pixels,
            "cache_age": pixels,
        },
        ["version", "type", "html", "width", "height"],
    )


def schemas() -> dict:
    return {
        "Error": obj({"error": TEXT}, ["error"]),
        "Comparability": comparability_schema(),
        "Indicator": indicator_schema(),
        "Series": series_schema(),
        "Source": source_schema(),
        "OEmbed": oembed_schema(),
    }


def listing(summary: str, operation_id: str, description: str, item: dict) -> dict:
    """A GET answering a JSON array."""
    return {
        "get": {
            "summary": summary,
            "operationId": operation_id,
            "responses": {"200": json_response(description, array_of(item))},
        }
    }


def health_path() -> dict:
    health = obj({"status": TEXT}, ["status"])
    deep = query(
        "deep",
        TEXT,
        "1: readiness (the store, the data folder, the refresher); "
        "any other value: liveness.",
    )
    return {
        "get": {
            "summary": "Liveness; with deep=1, readiness",
            "operationId": "health",
            "parameters": [deep],
            "responses": {
                "200": json_response("Serving.", health),
                "503": json_response("Not ready: the reasons.", health),
            },
        }
    }


def oembed_path() -> dict:
    pixels = {"type": "integer", "minimum": 1}
    return {
        "get": {
            "summary": "oEmbed answer of a view or an embed of this site",
            "operationId": "oembed",
            "parameters": [
                query(
                    "url",
                    {"type": "string", "minLength": 1},
                    "A dashboard or embed URL.",
                    required=True,
                ),
                query("maxwidth", pixels, "Pixels."),
                query("maxheight", pixels, "Pixels."),
                query(
                    "format",
                    {"type": "string", "enum": ["json"]},
                    "Only json is served (xml: 501, anything else: 400).",
                ),
            ],
            "responses": {
                "200": json_response("A rich embed.", ref("OEmbed")),
                "400": error_response("No url, a malformed size or format."),
                "404": error_response("Not a view or an embed of this site."),
                "501": error_response("format=xml (not served)."),
            },
        }
    }


NULLABLE_TEXT = {"type": ["string", "null"]}
NULLABLE_NUMBER = {"type": ["number", "null"]}
NULLABLE_YEAR = {"type": ["integer", "null"]}
NULLABLE_LABELS = {"oneOf": [LABELS, {"type": "null"}]}
PERIOD_VALUE = {
    "oneOf": [
        obj({"period": TEXT, "value": {"type": "number"}}, ["period", "value"]),
        {"type": "null"},
    ]
}


def target_schema() -> dict:
    return obj(
        {
            "id": TEXT,
            "city": {"type": "string", "enum": [c.id for c in CITIES]},
            "domain": TEXT,
            "indicator": NULLABLE_TEXT,
            "label": LABELS,
            "target_value": NULLABLE_NUMBER,
            "unit": TEXT,
            "baseline_year": NULLABLE_YEAR,
            "target_year": NULLABLE_YEAR,
            "target_level": NULLABLE_NUMBER,
            "status": {"type": "string", "enum": list(STATUSES)},
            "status_reason": TEXT,
            "latest": PERIOD_VALUE,
            "baseline": PERIOD_VALUE,
            "path_value": NULLABLE_NUMBER,
            "measured_part": NULLABLE_LABELS,
            "why_no_status": NULLABLE_LABELS,
            "superseded": {"type": "boolean"},
            "published": obj({"value": TEXT, "unit": TEXT}, ["value", "unit"]),
            "document": TEXT,
            "source_url": TEXT,
            "quote": TEXT,
            "note": TEXT,
        },
        ["id", "city", "indicator", "target_value", "unit", "baseline_year"]
        + ["target_year", "status", "latest", "document", "source_url", "quote"],
    )


def event_schema() -> dict:
    return obj(
        {
            "id": TEXT,
            "city": {"type": "string", "enum": [c.id for c in CITIES]},
            "date": TEXT,
            "precision": {"type": "string", "enum": list(PRECISIONS)},
            "domain": TEXT,
            "every_domain": {"type": "boolean"},
            "title": LABELS,
            "source_url": TEXT,
            "quote": TEXT,
            "note": TEXT,
        },
        ["id", "city", "date", "precision", "domain", "title", "source_url", "quote"],
    )


def context_path(name: str, fmt: str) -> dict:
    """/api/targets and /api/events, as JSON or CSV."""
    cities = {"type": "string", "enum": [c.id for c in CITIES]}
    if name == "targets":
        parameters = [
            query("city", cities, "Only this city's targets."),
            query(
                "indicator",
                {"type": "string", "enum": [i.id for i in INDICATORS]},
                "Only the targets this indicator measures.",
            ),
            query(
                "status",
                {"type": "string", "enum": list(STATUSES)},
                "Only targets with this status (README: how it is computed).",
            ),
        ]
        item, summary = target_schema(), "Each city's own targets, with their status"
    else:
        parameters = [
            query("city", cities, "Only this city's events."),
            query(
                "domain",
                {"type": "string", "enum": list(DOMAINS)},
                "The events drawn on this theme's charts (its own and those drawn "
                "on every theme).",
            ),
            query("start", {"type": "string", "format": "date"}, "First day kept."),
            query("end", {"type": "string", "format": "date"}, "Last day kept."),
        ]
        item, summary = event_schema(), "Dated policy events, with their sources"
    ok = (
        {
            "description": "One row per record; nested fields as columns (label_en…).",
            "content": {"text/csv": {"schema": TEXT}},
        }
        if fmt == "csv"
        else json_response("The records.", array_of(item))
    )
    return {
        "get": {
            "summary": f"{summary} ({fmt.upper()})",
            "operationId": f"{name}_{fmt}",
            "parameters": parameters,
            "responses": {
                "200": ok,
                "400": error_response("An unknown parameter or value."),
            },
        }
    }


def paths() -> dict:
    return {
        "/api/targets": context_path("targets", "json"),
        "/api/targets.csv": context_path("targets", "csv"),
        "/api/events": context_path("events", "json"),
        "/api/events.csv": context_path("events", "csv"),
        "/api/indicators": listing(
            "Every indicator, its units and comparability model",
            "indicators",
            "The indicators.",
            ref("Indicator"),
        ),
        "/api/series/{indicator}.json": {"get": series_operation("json")},
        "/api/series/{indicator}.csv": {"get": series_operation("csv")},
        "/api/latest": listing(
            "The live tiles' latest value per city",
            "latest",
            "One entry per live tile.",
            {"type": "object"},
        ),
        "/api/sources": listing(
            "Every publisher: licence, status, what it feeds",
            "sources",
            "The sources.",
            ref("Source"),
        ),
        "/api/datapackage.json": {
            "get": {
                "summary": "Every indicator as a Frictionless Data Package",
                "operationId": "datapackage",
                "responses": {
                    "200": json_response(
                        "A Data Package descriptor: one resource per indicator "
                        "(its CSV URL, Table Schema, sources, licences).",
                        {"type": "object", "required": ["name", "resources"]},
                    )
                },
            }
        },
        "/api/datapackage.zip": {
            "get": {
                "summary": "The Data Package and every CSV in one zip file",
                "operationId": "datapackageZip",
                "responses": {
                    "200": {
                        "description": "datapackage.json and data/<indicator>.csv.",
                        "content": {
                            "application/zip": {
                                "schema": {"type": "string", "format": "binary"}
                            }
                        },
                    }
                },
            }
        },
        "/api/openapi.json": {
            "get": {
                "summary": "This document",
                "operationId": "openapi",
                "responses": {"200": json_response("OpenAPI 3.1.", {"type": "object"})},
            }
        },
        "/health": health_path(),
        "/oembed": oembed_path(),
    }


INFO = {
    "title": "Sister Cities data API",
    "version": "1",
    "description": "Paris and San Francisco side by side: every indicator's series with "
    "its provenance and the comparability model that says what the pair allows. Every "
    'error is JSON {"error": …} with a 4xx status.',
    "license": {"name": "MIT", "identifier": "MIT"},
}


def document() -> dict:
    """The whole OpenAPI 3.1 document."""
    return {
        "openapi": "3.1.0",
        "info": INFO,
        "paths": paths(),
        "components": {"schemas": schemas()},
    }
