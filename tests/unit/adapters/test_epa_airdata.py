"""EPA AirData files → San Francisco's PM2.5 (checked against EPA's own daily values)
and the county's NO2 and PM10 annual means (against EPA's county statistics)."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest

import data_sources
from data_sources.adapters import epa_airdata
from data_sources.adapters.http import SourceError
from tests.airdata_files import annual_zip, daily_zip, real_days


def test_the_monitor_days_are_epas_own_daily_means_and_the_rest_is_left_out(
    shared_data,
):
    days = real_days(shared_data, 2024)
    frame = epa_airdata.parse({2024: daily_zip(days, 2024, shared_data)})
    daily = frame[frame["indicator"] == "pm25"]
    # One row per day with a value: blank days (< 18 hours), the 24-hour blocks,
    # POC 1 and the excluded event all left out.
    expected = days.dropna(subset=["pm25_daily_mean_ugm3"])
    assert len(daily) == len(expected) == 334
    assert daily["value"].round(6).tolist() == expected["pm25_daily_mean_ugm3"].tolist()
    # Days are PST calendar days, as in the shipped snapshot.
    assert daily["time"].iloc[0] == pd.Timestamp("2024-01-01T08:00Z")
    snapshot = data_sources.get_store().read("pm25", ["sf"])  # (live store empty)
    shipped = snapshot[snapshot["time"].dt.year.eq(2024)]
    merged = daily.merge(shipped, on="time", suffixes=("", "_shipped"))
    assert (
        len(merged) == 334
        and (merged["value"] - merged["value_shipped"]).abs().max() < 1e-6
    )


def test_a_past_year_with_enough_days_gives_the_annual_mean_the_snapshot_has(
    shared_data,
):
    frame = epa_airdata.parse(
        {2024: daily_zip(real_days(shared_data, 2024), 2024, shared_data)}
    )
    [annual] = frame[frame["indicator"] == "pm25_annual"].itertuples()
    assert round(annual.value, 3) == 6.737  # the annual file: 334 days, mean 6.737
    assert annual.time == pd.Timestamp("2024-01-01T08:00Z")  # SF's 1 January


def test_a_year_short_of_days_has_no_annual_mean(shared_data):
    days = real_days(shared_data, 2024).iloc[:200]  # January to mid-July only
    frame = epa_airdata.parse({2024: daily_zip(days, 2024, shared_data)})
    assert set(frame["indicator"]) == {"pm25"}


def test_not_a_zip_and_a_changed_layout_are_refused_with_a_reason():
    with pytest.raises(SourceError, match="daily_88101_2025.zip: not a ZIP archive"):
        epa_airdata.parse({2025: b"<html>moved</html>"})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("daily_88101_2025.csv", "Date Local,Mean\n2025-01-01,3\n")
    with pytest.raises(SourceError, match="columns missing: State Code"):
        epa_airdata.parse({2025: buffer.getvalue()})


def test_a_file_without_the_monitor_says_which_files_were_read(shared_data):
    empty = real_days(shared_data, 2024).iloc[:0]
    with pytest.raises(SourceError, match="no day of monitor 06-075-0005"):
        epa_airdata.parse({2025: daily_zip(empty, 2025, shared_data)})


def test_the_county_means_are_the_highest_complete_monitor_as_epas_report_gives_them(
    shared_data,
):
    frame = epa_airdata.parse(
        {2021: daily_zip(real_days(shared_data, 2024), 2021, shared_data)},
        {2021: annual_zip(2021, shared_data)},
    )
    county = frame[frame["indicator"].isin(["no2", "pm10"])]
    # Left out: the 1-hour standard's mean of daily maxima (30 ppb), a monitor short
    # of days (12), Alameda County (20), PM10 with events excluded (20).
    values = dict(zip(county["indicator"], county["value"].round(2), strict=True))
    assert values == {"no2": 15.04, "pm10": 15.0}  # 8 ppb × 1.88; 15 µg/m³
    # ... which is what the shipped snapshot holds for 2021 from EPA's county report.
    store = data_sources.get_store()
    for indicator, value in values.items():
        shipped = store.read(indicator, ["sf"])
        [row] = shipped[
            shipped["time"] == pd.Timestamp("2021-01-01T08:00Z")
        ].itertuples()
        assert round(row.value, 2) == value
    assert set(county["time"]) == {pd.Timestamp("2021-01-01T08:00Z")}
    assert set(county["source"]) == {"epa_airdata"}


def test_a_county_without_a_monitor_gives_no_row_and_a_changed_unit_is_refused(
    shared_data,
):
    daily = {2024: daily_zip(real_days(shared_data, 2024), 2024, shared_data)}
    # The file of 2025 read as 2024's: no row of that year, so no county mean.
    frame = epa_airdata.parse(daily, {2024: annual_zip(2025, shared_data)})
    assert not frame["indicator"].isin(["no2", "pm10"]).any()
    with pytest.raises(SourceError, match="42602 in Parts per million, expected Parts"):
        epa_airdata.parse(
            daily, {2024: annual_zip(2024, shared_data, "Parts per million")}
        )
