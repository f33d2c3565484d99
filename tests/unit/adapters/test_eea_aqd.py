"""The EEA download service's Parquet files → Paris's annual NO₂, by the snapshot's rule.

Files are hand-made in the documented schema with real values (tests/eea_parquet_files.py):
each valid day of Geod'air's export becomes 24 hours of that day's mean, so the annual
means must come out as the shared annual file's figures."""

from __future__ import annotations

from decimal import Decimal

import pytest

from data_sources.adapters import eea_aqd
from data_sources.adapters.http import SourceError
from tests.eea_parquet_files import parquet_bytes, real_annual, station_file

REAL_URL_LIST = "eea_aq_download/parquetfile_urls_ES_Madrid_E2a_2025-06.csv"


def annual(frame, indicator: str) -> dict[int, float]:
    rows = frame[frame["indicator"] == indicator]
    return {
        t.tz_convert("Europe/Paris").year: round(v, 2)
        for t, v in zip(rows["time"], rows["value"], strict=True)
    }


@pytest.fixture(scope="module")
def verified(shared_data):
    return {
        "FR04055": station_file(shared_data, "FR04055", {2024: 2024}, verification=1),
        "FR04031": station_file(shared_data, "FR04031", {2024: 2024}, verification=1),
    }


def test_annual_means_are_geodairs_own_figures_at_each_station(shared_data, verified):
    latest = station_file(shared_data, "FR04055", {2025: 2025}, verification=3)
    frame = eea_aqd.parse(
        [("a", verified["FR04055"]), ("b", verified["FR04031"]), ("c", latest)], 2026
    )
    assert annual(frame, "no2") == {
        2024: real_annual(shared_data, "FR04055", 2024),  # 18.84
        2025: real_annual(shared_data, "FR04055", 2025),  # 17.83
    }
    # The traffic station feeds its own indicator, never the background line.
    assert annual(frame, "no2_roadside") == {
        2024: real_annual(shared_data, "FR04031", 2024)
    }
    assert set(frame["source"]) == {"eea_aqd"}
    assert (frame["city"] == "paris").all()


def test_an_hour_both_datasets_hold_is_the_verified_one(shared_data, verified):
    # The up-to-date file repeats 2024, each hour 100 µg/m³ higher: were it read, the
    # 2024 mean would move by 100.
    shifted = station_file(
        shared_data, "FR04055", {2024: 2024}, verification=3, shift=100
    )
    frame = eea_aqd.parse([("a", verified["FR04055"]), ("b", shifted)], 2026)
    assert annual(frame, "no2")[2024] == real_annual(shared_data, "FR04055", 2024)


def test_a_running_year_is_not_a_year_yet(shared_data, verified):
    latest = station_file(shared_data, "FR04055", {2025: 2025}, verification=3)
    frame = eea_aqd.parse([("a", verified["FR04055"]), ("b", latest)], 2025)
    assert annual(frame, "no2") == {2024: real_annual(shared_data, "FR04055", 2024)}


def test_only_the_two_stations_files_are_taken_from_the_list():
    text = (
        "ParquetFileUrl\n"
        "https://blob.example/airquality-p/FR/SPO-FR04143_8.parquet\n"
        "https://blob.example/airquality-p/FR/SPO-FR04055_8.parquet\n"
        "https://blob.example/airquality-p/FR/SPO-FR04031_8.parquet\n"
    )
    assert eea_aqd.station_urls(text) == {
        "FR04055": "https://blob.example/airquality-p/FR/SPO-FR04055_8.parquet",
        "FR04031": "https://blob.example/airquality-p/FR/SPO-FR04031_8.parquet",
    }


def test_a_real_url_list_of_another_city_names_no_paris_station(shared_data):
    text = (shared_data.parent / "api" / REAL_URL_LIST).read_text(encoding="utf-8")
    assert text.startswith("ParquetFileUrl")
    assert eea_aqd.station_urls(text) == {}


def test_an_answer_that_is_not_a_url_list_is_refused():
    with pytest.raises(SourceError, match="expected a ParquetFileUrl list"):
        eea_aqd.station_urls('{"results": [')


def test_a_broken_file_says_which_and_why(shared_data, verified):
    with pytest.raises(SourceError, match=r"FR04055: not a Parquet file"):
        eea_aqd.parse([("FR04055", b"PK\x03\x04 not parquet")], 2026)
    frame_rows = [
        {"Samplingpoint": "FR/SPO-FR04055_8", "Pollutant": 8, "Value": Decimal("20.5")}
    ]
    with pytest.raises(
        SourceError, match="columns missing: Start, Unit, AggType, Validity"
    ):
        eea_aqd.read_hours(
            parquet_bytes(frame_rows, only=["Samplingpoint", "Pollutant", "Value"]),
            "FR04055",
        )


def test_a_unit_other_than_micrograms_is_refused(shared_data):
    payload = station_file(
        shared_data, "FR04055", {2024: 2024}, verification=1, unit="ppb"
    )
    with pytest.raises(SourceError, match=r"unexpected unit \['ppb'\]"):
        eea_aqd.parse([("FR04055", payload)], 2026)
