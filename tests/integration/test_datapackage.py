"""The whole dataset as a Frictionless Data Package, read by the frictionless library
as an open-data user's tools read it: the descriptor served at /api/datapackage.json
(each resource fetched from its CSV URL over a real socket) and the zip with every CSV."""

from __future__ import annotations

import csv
import io
import zipfile

import requests
from frictionless import Package

from data_sources.model.registries import INDICATORS_BY_ID, SOURCES_BY_ID
from tests.helpers import (
    READY_DEADLINE_SECONDS,
)


def get(url: str) -> requests.Response:
    response = requests.get(url, timeout=READY_DEADLINE_SECONDS)
    assert response.status_code == 200, (url, response.text[:300])
    return response


def errors_of(report) -> list:
    return [e.message for task in report.tasks for e in task.errors][:5]


def test_the_descriptor_validates_with_every_indicator_fetched_from_its_url(served):
    descriptor = get(f"{served}/api/datapackage.json").json()
    available = {i["id"] for i in get(f"{served}/api/indicators").json()}
    names = [r["name"] for r in descriptor["resources"]]
    # Every indicator with data in the shipped snapshot (live-only ones have none yet).
    assert {"no2", "pm25", "road_deaths", "ghg_basic", "transit_annual"} <= set(names)
    assert set(names) - {"targets", "events"} <= available and len(names) >= 27
    report = Package(descriptor).validate()
    assert report.valid, errors_of(report)
    no2 = next(r for r in descriptor["resources"] if r["name"] == "no2")
    assert no2["path"] == f"{served}/api/series/no2.csv?cities=paris%2Csf"
    fields = {f["name"]: f for f in no2["schema"]["fields"]}
    assert (fields["value"]["type"], fields["value"]["unit"]) == ("number", "µg/m³")
    assert fields["time"]["type"] == "date"  # a year: the day it starts, locally
    assert INDICATORS_BY_ID["no2"].comparability.notes["en"] in no2["description"]
    publishers = {s["title"].split(" — ")[0] for s in no2["sources"]}
    assert SOURCES_BY_ID["airparif"].publisher in publishers
    assert all(lic.get("path") or lic.get("name") for lic in descriptor["licenses"])
    targets = next(r for r in descriptor["resources"] if r["name"] == "targets")
    assert targets["path"] == f"{served}/api/targets.csv"
    types = {f["name"]: f["type"] for f in targets["schema"]["fields"]}
    assert (types["target_year"], types["latest_value"]) == ("integer", "number")


def test_the_zip_holds_the_descriptor_and_every_csv_and_validates(served, tmp_path):
    response = get(f"{served}/api/datapackage.zip")
    assert response.headers["Content-Type"] == "application/zip"
    assert "sister-cities-datapackage.zip" in response.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        archive.extractall(tmp_path)
    package = Package(str(tmp_path / "datapackage.json"))
    report = package.validate()
    assert report.valid, errors_of(report)
    names = [item.name for item in package.resources]
    assert names[-2:] == ["targets", "events"]  # they travel with the series
    for item in package.resources:
        assert item.path == f"data/{item.name}.csv"
        # The same rows as the data API serves for the indicator (or the targets and
        # events).
        url = (
            f"{served}/api/{item.name}.csv"
            if item.name in ("targets", "events")
            else f"{served}/api/series/{item.name}.csv?cities=paris,sf"
        )
        served_rows = list(csv.reader(io.StringIO(get(url).text)))
        packed = (tmp_path / item.path).read_text(encoding="utf-8")
        assert list(csv.reader(io.StringIO(packed))) == served_rows, item.name
