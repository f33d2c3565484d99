"""Backfill: `python -m data_sources import-history` as an operator runs it, on the real
git-scraped GBFS histories of ../shared/data, into a real (file) live store."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import data_sources
from app import server
from tests.conftest import REPO


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "data_sources", *args],
        cwd=REPO,
        env=os.environ.copy(),  # the test's own empty live store
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def history_file(shared_data, tmp_path):
    path = tmp_path / "gbfs_history.csv"
    made = cli("gbfs-history", str(shared_data), "-o", str(path))
    assert made.returncode == 0, made.stderr
    return path


def test_the_gbfs_histories_import_once_and_show_as_imported(history_file):
    first = cli("import-history", str(history_file))
    assert first.returncode == 0, first.stderr
    assert "bikes_available_all/sf/baywheels_history: 8292 new rows" in first.stdout
    assert "bikes_available_all/paris/velib_history: 613 new rows" in first.stdout
    rows = data_sources.load_series("bikes_available_all", ("paris", "sf")).frame
    assert len(rows) == 8292 + 613 and set(rows["origin"]) == {"imported"}
    # The first Bay Wheels snapshot of the file (feed time 2022-08-07T22:09:32Z).
    first_sf = rows[rows["city"] == "sf"].iloc[0]
    assert (first_sf["time"], first_sf["value"]) == ("2022-08-07T22:09:32Z", 4671.0)
    api = server.test_client().get("/api/series/bikes_available_all.json?cities=sf")
    assert {row["origin"] for row in api.get_json()["data"]} == {"imported"}

    again = cli("import-history", str(history_file))
    assert again.returncode == 0, again.stderr
    assert "0 new rows (8292 → 8292)" in again.stdout
    assert len(data_sources.load_series("bikes_available_all", ("sf",)).frame) == 8292


def test_a_bad_row_is_named_by_its_line_and_nothing_is_written(
    history_file, tmp_path, empty_live_store
):
    lines = history_file.read_text(encoding="utf-8").splitlines()
    bad = [
        *lines[:3],
        "lyon,bikes_available_all,2022-08-08T01:00:00Z,12,baywheels_history",
        "sf,bikes_available_all,2022-08-08 02:00,12,baywheels_history",
        "sf,bikes_available_all,2022-08-08T03:00:00Z,-1,baywheels_history",
        lines[1],  # the same instant twice
    ]
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(bad) + "\n", encoding="utf-8")
    found = cli("import-history", str(path))
    assert found.returncode == 2
    assert "nothing imported" in found.stderr
    assert "line 4: unknown city 'lyon'" in found.stderr
    assert "line 5: time '2022-08-08 02:00' is not an ISO 8601 instant" in found.stderr
    assert "line 6: bikes_available_all -1 outside [0, inf] bikes" in found.stderr
    assert "line 7: a second value for sf bikes_available_all" in found.stderr
    assert "(first on line 2)" in found.stderr
    assert not (empty_live_store / "bikes_available_all").exists()


def test_a_file_without_the_columns_says_what_the_header_must_be(tmp_path):
    path = tmp_path / "wrong.csv"
    path.write_text("town,when,value\nparis,2022-01-01T00:00:00Z,1\n", encoding="utf-8")
    found = cli("import-history", str(path))
    assert found.returncode == 2
    assert "line 1: missing column 'city', 'indicator', 'time'" in found.stderr
    assert "city,indicator,time,value[,source]" in found.stderr
