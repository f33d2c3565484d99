"""CSV a spreadsheet opens as data, never as formulas (issue 30, item 7).

A text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is run as a
formula by Excel, LibreOffice and Google Sheets; the OWASP rule is to write it with a
leading `'`. Numbers stay numbers, negative ones included. The shipped targets and
events have six such cells ("-80 (footprint); -100 (local)", "- 16 janvier 2017 : …").
"""

from __future__ import annotations

import csv
import io
import zipfile

import pandas as pd
import pytest

from app import server
from data_sources import api_csv
from data_sources.model.context import records_csv

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def client():
    return server.test_client()


def cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def formula_cells(text: str) -> list[str]:
    return [c for c in cells(text) if c.startswith(FORMULA_STARTS) and not is_number(c)]


@pytest.mark.parametrize("path", ["/api/targets.csv", "/api/events.csv"])
def test_the_shipped_targets_and_events_open_as_text(client, path):
    text = client.get(path).get_data(as_text=True)
    assert formula_cells(text) == []


def test_a_cell_that_would_run_keeps_its_text_behind_a_quote(client):
    text = client.get("/api/targets.csv?city=paris").get_data(as_text=True)
    assert "'-80 (footprint); -100 (local)" in cells(text)


def test_upstream_text_is_neutralised_and_numbers_stay_numbers():
    written = records_csv(
        [
            {"note": '=HYPERLINK("http://example.org")', "value": -3.5},
            {"note": "+1 person", "value": "-12"},
            {"note": "@SUM(A1)", "value": 0},
            {"note": "\tindented", "value": None},
        ]
    )
    rows = list(csv.DictReader(io.StringIO(written)))
    assert [row["note"] for row in rows] == [
        '\'=HYPERLINK("http://example.org")',
        "'+1 person",
        "'@SUM(A1)",
        "'\tindented",
    ]
    assert [row["value"] for row in rows] == ["-3.5", "-12", "0", ""]


def test_series_csv_notes_are_neutralised_and_values_stay_numbers():
    frame = pd.DataFrame(
        {
            "city": ["paris", "sf"],
            "time": ["2020-01-01T00:00:00Z", "2020-01-01T00:00:00Z"],
            "value": [-1.5, 2.0],
            "unit": ["µg/m³", "µg/m³"],
            "source": ["s", "s"],
            "origin": ["snapshot", "live"],
            "stale": [False, False],
            "period": ["2020", "2020"],
            "period_status": ["complete", "complete"],
            "note": ["-2 stations closed", None],
        }
    )
    rows = list(csv.DictReader(io.StringIO(api_csv(frame))))
    assert [row["note"] for row in rows] == ["'-2 stations closed", ""]
    assert [row["value"] for row in rows] == ["-1.5", "2.0"]


def test_the_data_package_zip_opens_as_text(client):
    body = client.get("/api/datapackage.zip").get_data()
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        found = {
            name: formula_cells(archive.read(name).decode("utf-8"))
            for name in archive.namelist()
            if name.endswith(".csv")
        }
    assert {name: bad for name, bad in found.items() if bad} == {}
