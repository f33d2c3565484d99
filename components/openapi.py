"""The data API's contract as OpenAPI 3.1, served at /api/openapi.json.

Written as data beside the routes (api.py, oembed.py): the allowed values come from the
registries (indicator ids, cities, normalisations, languages), so a new indicator is in
the contract the moment it is in the registry. A property-based tester (schemathesis)
holds the running app to it (tests/integration/test_openapi.py).
"""

from __future__ import annotations

from data_sources import API_COLUMNS, PIN_PATTERN
from data_sources.registries import CITIES, INDICATORS, LANGUAGES
from data_sources.units import NORMALISATIONS

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


def schemas() -> dict:
    nullable_number = {"type": ["number", "null"]}
    row = {
        "type": "object",
        "properties": {
            "city": {"type": "string", "enum": [c.id for c in CITIES]},
            "time": {"type": "string", "format": "date-time"},
            "value": nullable_number,
            "unit": TEXT,
            "source": TEXT,
            "origin": TEXT,
            "stale": {"type": "boolean"},
            "period": TEXT,
            "note": TEXT,
        },
        "required": list(API_COLUMNS),
    }
    return {
        "Error": {
            "type": "object",
            "properties": {"error": TEXT},
            "required": ["error"],
        },
        "Comparability": {
            "type": "object",
            "properties": {
                "level": {
                    "type": "string",
                    "enum": ["levels", "trends", "within_edition", "none"],
                },
                "note": LABELS,
                "breaks": {"type": "array", "items": {"type": "object"}},
                "partial_periods": {"type": "array", "items": {"type": "object"}},
                "coverage": {"type": "object"},
            },
            "required": ["level", "note", "breaks", "coverage"],
        },
        "Indicator": {
            "type": "object",
            "properties": {
                "id": TEXT,
                "domain": TEXT,
                "unit": TEXT,
                "units": {"type": "array", "items": TEXT},
                "freq": TEXT,
                "labels": LABELS,
                "cities": {"type": "array", "items": TEXT},
                "normalisations": {"type": "array", "items": TEXT},
                # null: no regular cadence (a one-off figure such as population)
                "cadence_seconds": {"type": ["integer", "null"]},
                "publication_lag_seconds": {"type": ["integer", "null"]},
                "latest_common": {"type": ["string", "null"]},
                "comparability": {"$ref": "#/components/schemas/Comparability"},
            },
            "required": ["id", "domain", "unit", "labels", "comparability"],
        },
        "Series": {
            "type": "object",
            "properties": {
                "indicator": TEXT,
                "unit": TEXT,
                "notes": {"type": "array", "items": TEXT},
                "comparability": {"$ref": "#/components/schemas/Comparability"},
                "data": {"type": "array", "items": row},
            },
            "required": ["indicator", "unit", "notes", "comparability", "data"],
        },
        "Source": {
            "type": "object",
            "properties": {
                "id": TEXT,
                "publisher": TEXT,
                "dataset": TEXT,
                "licence": TEXT,
                "status": {
                    "type": "string",
                    "enum": ["ok", "stale", "error", "unavailable", "disabled"],
                },
                "live": {"type": "boolean"},
                "feeds": {"type": "array", "items": {"type": "object"}},
                "newest_observation": {"type": ["string", "null"]},
            },
            "required": ["id", "publisher", "dataset", "licence", "status", "feeds"],
        },
        "OEmbed": {
            "type": "object",
            "properties": {
                "version": {"const": "1.0"},
                "type": {"const": "rich"},
                "html": TEXT,
                "width": {"type": "integer"},
                "height": {"type": "integer"},
                "title": TEXT,
                "provider_name": TEXT,
                "provider_url": TEXT,
                "thumbnail_url": TEXT,
                "thumbnail_width": {"type": "integer"},
                "thumbnail_height": {"type": "integer"},
                "cache_age": {"type": "integer"},
            },
            "required": ["version", "type", "html", "width", "height"],
        },
    }


def document() -> dict:
    """The whole OpenAPI 3.1 document."""
    health = {
        "type": "object",
        "properties": {"status": TEXT},
        "required": ["status"],
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Sister Cities data API",
            "version": "1",
            "description": "Paris and San Francisco side by side: every indicator's "
            "series with its provenance and the comparability model that says what the "
            'pair allows. Every error is JSON {"error": …} with a 4xx status.',
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "paths": {
            "/api/indicators": {
                "get": {
                    "summary": "Every indicator, its units and comparability model",
                    "operationId": "indicators",
                    "responses": {
                        "200": json_response(
                            "The indicators.",
                            {
                                "type": "array",
                                "items": {"$ref": "#/components/schemas/Indicator"},
                            },
                        )
                    },
                }
            },
            "/api/series/{indicator}.json": {"get": series_operation("json")},
            "/api/series/{indicator}.csv": {"get": series_operation("csv")},
            "/api/latest": {
                "get": {
                    "summary": "The live tiles' latest value per city",
                    "operationId": "latest",
                    "responses": {
                        "200": json_response(
                            "One entry per live tile.",
                            {"type": "array", "items": {"type": "object"}},
                        )
                    },
                }
            },
            "/api/sources": {
                "get": {
                    "summary": "Every publisher: licence, status, what it feeds",
                    "operationId": "sources",
                    "responses": {
                        "200": json_response(
                            "The sources.",
                            {
                                "type": "array",
                                "items": {"$ref": "#/components/schemas/Source"},
                            },
                        )
                    },
                }
            },
            "/api/openapi.json": {
                "get": {
                    "summary": "This document",
                    "operationId": "openapi",
                    "responses": {
                        "200": json_response("OpenAPI 3.1.", {"type": "object"})
                    },
                }
            },
            "/health": {
                "get": {
                    "summary": "Liveness; with deep=1, readiness",
                    "operationId": "health",
                    "parameters": [
                        query(
                            "deep",
                            TEXT,
                            "1: readiness (the store, the data folder, the refresher); "
                            "any other value: liveness.",
                        )
                    ],
                    "responses": {
                        "200": json_response("Serving.", health),
                        "503": json_response("Not ready: the reasons.", health),
                    },
                }
            },
            "/oembed": {
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
                        query("maxwidth", {"type": "integer", "minimum": 1}, "Pixels."),
                        query(
                            "maxheight", {"type": "integer", "minimum": 1}, "Pixels."
                        ),
                        query(
                            "format",
                            {"type": "string", "enum": ["json"]},
                            "Only json is served (xml: 501, anything else: 400).",
                        ),
                    ],
                    "responses": {
                        "200": json_response(
                            "A rich embed.", {"$ref": "#/components/schemas/OEmbed"}
                        ),
                        "400": error_response("No url, a malformed size or format."),
                        "404": error_response("Not a view or an embed of this site."),
                        "501": error_response("format=xml (not served)."),
                    },
                }
            },
        },
        "components": {"schemas": schemas()},
    }
