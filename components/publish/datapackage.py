"""Everything at once, with its metadata: a Frictionless Data Package (datapackage.org).

One resource per indicator with data: the rows of its CSV (`/api/series/<id>.csv`, both
cities, each city's own unit and calendar), a Table Schema naming each column's type and
the indicator's unit, the comparability note, and the sources and licences of the
series behind it (from the registry and the provenance sidecars). `/api/datapackage.json`
points at the live CSV URLs; `/api/datapackage.zip` holds the same descriptor beside every
CSV, so a download is complete offline.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable
from urllib.parse import urlencode

import data_sources
from components.reuse import sources_of
from data_sources.model.registries import INDICATORS, PAIR, Indicator

PACKAGE_NAME = "sister-cities"
CALENDAR_FREQS = ("annual", "monthly", "daily")  # whose `time` is a date
# The API's columns (data_sources.API_COLUMNS) as Table Schema fields.
FIELDS = {
    "city": ("string", "The city: one of the pair's ids."),
    "time": ("datetime", data_sources.TIME_CONVENTION),
    "value": ("number", "The value, in the row's unit."),
    "unit": ("string", "Unit of the value."),
    "source": ("string", "Id of the source (see the resource's sources)."),
    "origin": ("string", "snapshot (shipped with the app) or live (refreshed)."),
    "stale": ("boolean", "True when newer data were due from the source."),
    "period": ("string", "The period on the city's own calendar (2016, 2016-03…)."),
    "period_status": (
        "string",
        "complete, partial (the note says which days or months it covers) or "
        "provisional (its publisher may still revise it).",
    ),
    "note": ("string", "What the row's definition needs said (station, scope…)."),
}


def csv_query(indicator_id: str) -> str:
    """The data API query whose CSV is the resource's data (both cities)."""
    return f"/api/series/{indicator_id}.csv?{urlencode({'cities': ','.join(PAIR)})}"


def table_schema(indicator: Indicator) -> dict:
    fields = []
    for name in data_sources.API_COLUMNS:
        kind, description = FIELDS[name]
        field = {"name": name, "type": kind, "description": description}
        if name == "city":
            field["constraints"] = {"required": True, "enum": list(PAIR)}
        if name == "time" and indicator.freq in CALENDAR_FREQS:
            field["type"] = "date"  # the period's first day (TIME_CONVENTION)
        if name == "value":
            # The indicator's unit (the CSV names it per row: `unit`).
            field["unit"] = indicator.unit
        fields.append(field)
    return {"fields": fields, "missingValues": [""]}


def licence_of(source) -> dict:
    """A Data Package licence: a path (the licence's page) and its title."""
    if source.licence_url:
        return {"path": source.licence_url, "title": source.licence}
    return {"name": "unspecified", "title": source.licence}


def source_of(source) -> dict:
    return {"title": f"{source.publisher} — {source.dataset}", "path": source.url}


def resource(indicator: Indicator, path: str) -> dict:
    sources = sources_of(data_sources.series_provenance(indicator.id))
    licences = list(
        {json.dumps(licence_of(s)): licence_of(s) for s in sources}.values()
    )
    rules = indicator.comparability
    return {
        "name": indicator.id.lower(),
        "path": path,
        "title": indicator.label("en"),
        "description": f"{indicator.descriptions['en']} Comparability: "
        f"{rules.notes['en']}",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": table_schema(indicator),
        "sources": [source_of(s) for s in sources],
        "licenses": licences,
        # Beyond the standard: the labels in both languages and the comparability level.
        "sistercities": {
            "labels": indicator.labels,
            "domain": indicator.domain,
            "freq": indicator.freq,
            "comparability": {"level": rules.level, "note": rules.notes},
        },
    }


# Targets and policy events travel with the series: their CSV columns as typed fields
# (any column not named here is text).
CONTEXT_TYPES = {
    "targets": {
        "baseline_year": "integer",
        "target_year": "integer",
        "target_value": "number",
        "target_level": "number",
        "latest_value": "number",
        "baseline_value": "number",
        "path_value": "number",
        "superseded": "boolean",
    },
    "events": {"every_domain": "boolean"},
}
CONTEXT_DESCRIPTIONS = {
    "targets": "Each city's own targets as published (document, address, the exact "
    "sentence), the indicator that measures each one where there is one, and its "
    "status computed by the rule in the README (achieved, missed, on_track, "
    "off_track, no_data) with the values it was read from.",
    "events": "Dated policy events of both cities (date and its precision: day, month "
    "or year), each with its source page and the sentence that dates it; titles in "
    "French and English.",
}


def context_resource(name: str, path: str) -> dict:
    columns = list(
        data_sources.model.context.flat(data_sources.context_records(name)[0])
    )
    types = CONTEXT_TYPES[name]
    return {
        "name": name,
        "path": path,
        "title": {"targets": "Each city's own targets", "events": "Policy events"}[
            name
        ],
        "description": CONTEXT_DESCRIPTIONS[name],
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": {
            "fields": [{"name": c, "type": types.get(c, "string")} for c in columns],
            "missingValues": [""],
        },
        "sources": [{"title": "The page each row names (its source_url column)"}],
        "licenses": [
            {"name": "other-at", "title": data_sources.model.context.CONTEXT_LICENCE}
        ],
    }


def context_csv(name: str) -> str:
    return data_sources.model.context.records_csv(data_sources.context_records(name))


def packaged_indicators() -> list[Indicator]:
    """Every indicator the store holds rows for, in the registry's order."""
    available = data_sources.available_indicators()
    return [i for i in INDICATORS if i.id in available]


def descriptor(
    path_of: Callable[[str], str],
    homepage: str,
    context_path_of: Callable[[str], str] | None = None,
) -> dict:
    """The package; `path_of(indicator_id)` is where a resource's CSV is, and
    `context_path_of("targets" | "events")` where the targets' and events' are
    (default: the same as `path_of`)."""
    indicators = packaged_indicators()
    context_path_of = context_path_of or path_of
    resources = [resource(i, path_of(i.id)) for i in indicators] + [
        context_resource(name, context_path_of(name)) for name in CONTEXT_TYPES
    ]
    licences = {
        json.dumps(lic): lic for r in resources for lic in r["licenses"]
    }.values()
    sources = {
        s.get("path", s["title"]): s for r in resources for s in r["sources"]
    }.values()
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": PACKAGE_NAME,
        "title": "Sister Cities: Paris and San Francisco side by side",
        "description": "Air pollution, mobility, energy, waste, traffic and climate "
        "indicators for Paris and San Francisco, each series with its publisher, "
        "licence and comparability note, with each city's own targets (and their "
        "status) and dated policy events. Compare the cities only as each resource's "
        "comparability note allows. A text cell that a spreadsheet would run as a "
        "formula (one starting with =, +, -, @, a tab or a carriage return) is written "
        "behind a leading apostrophe; numbers are written as numbers.",
        "homepage": homepage,
        "version": data_sources.data_version(*(i.id for i in indicators)),
        "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "licenses": list(licences),
        "sources": list(sources),
        "resources": resources,
    }


def series_csv(indicator_id: str) -> str:
    """A resource's rows, as `/api/series/<id>.csv?cities=…` serves them."""
    return data_sources.api_csv(
        data_sources.load_series(indicator_id, ",".join(PAIR)).frame
    )


def zipped(homepage: str) -> bytes:
    """The descriptor and every CSV in one file (paths inside it: data/<id>.csv)."""
    package = descriptor(lambda i: f"data/{i}.csv", homepage)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datapackage.json", json.dumps(package, indent=2) + "\n")
        for item in package["resources"]:
            name = item["name"]
            rows = context_csv(name) if name in CONTEXT_TYPES else series_csv(name)
            archive.writestr(item["path"], rows)
    return buffer.getvalue()
