"""The shipped snapshot: rebuilt from ../shared/data it is identical, and its values trace to the files."""

import csv
import json

import pandas as pd
import pytest

from data_sources.snapshot import write_snapshot
from data_sources.store import SNAPSHOT_DIR, SeriesStore, read_sidecars


def committed_sidecars():
    return {
        (s.provenance["indicator"], s.sidecar_path.name): s.provenance
        for s in read_sidecars(SNAPSHOT_DIR)
    }


def test_rebuilding_from_shared_data_reproduces_the_committed_snapshot(
    shared_data, tmp_path
):
    write_snapshot(shared_data, tmp_path / "snapshot")
    rebuilt = {
        (s.provenance["indicator"], s.sidecar_path.name): s.provenance
        for s in read_sidecars(tmp_path / "snapshot")
    }
    committed = committed_sidecars()
    assert rebuilt.keys() == committed.keys()
    for key, meta in rebuilt.items():
        assert meta["sha256"] == committed[key]["sha256"], key


def test_every_series_carries_provenance():
    for meta in committed_sidecars().values():
        for field in (
            "publisher",
            "dataset",
            "licence",
            "fetched_at",
            "derivation",
            "inputs",
        ):
            assert meta[field], (meta["file"], field)
        assert meta["origin"] == "snapshot"
        assert meta["rows"] > 0
        if meta["source"] == "page_figures":
            # Figures from page text keep their page address, one per row.
            assert len(meta["row_sources"]) == meta["rows"]
            assert all(r["url"].startswith("http") for r in meta["row_sources"])


def rows(indicator, city):
    frame = SeriesStore("/nonexistent").read(indicator, [city])
    frame["year"] = (
        frame["time"]
        .dt.tz_convert("Europe/Paris" if city == "paris" else "America/Los_Angeles")
        .dt.year
    )
    return frame


def test_row_counts(shared_data):
    daily = pd.read_csv(
        shared_data
        / "air/paris_pm25_pm10_no2_o3_daily_airparif_paris_centre_2011_2017.csv"
    )
    assert len(rows("pm25", "paris")) == (daily["pm25_valid_hours"] >= 18).sum() == 1954
    sf_daily = pd.read_csv(
        shared_data / "air/sf_pm25_daily_epa_arkansas_st_060750005_2015_2024.csv"
    )
    assert (
        len(rows("pm25", "sf"))
        == sf_daily["pm25_daily_mean_ugm3"].notna().sum()
        == 3516
    )
    assert len(rows("bikeshare_trips", "sf")) == 103
    assert len(rows("road_deaths", "sf")) == 16  # 2010-2025


def test_no2_values_trace_to_the_files():
    paris = rows("no2", "paris").set_index("year")["value"]
    assert paris[1999] == 50.8 and paris[2012] == 34.2  # AirBase FR04037 annual file
    assert paris[2016] == 37.53  # Airparif Paris Centre annual file
    sf = rows("no2", "sf").set_index("year")["value"]
    assert sf[2010] == pytest.approx(
        13.0 * 1.88
    )  # EPA county "NO2 Mean 1-hr", ppb × 1.88


def test_gbfs_points_count_only_installed_and_renting_stations(shared_data):
    with open(
        shared_data / "mobility/gbfs_samples/baywheels_station_status_2023-07-19.json"
    ) as f:
        stations = json.load(f)["data"]["stations"]
    every_station = sum(s["num_bikes_available"] for s in stations)
    sf = rows("bikes_available", "sf")
    assert sf["value"].tolist() == [
        5472.0
    ]  # 5,516 over all 518 stations, 44 not renting
    assert every_station == 5516
    assert sf["time"].iloc[0] == pd.Timestamp("2023-07-19T19:06:56Z")
    paris = rows("bikes_available", "paris")
    assert paris["value"].tolist() == [18066.0]


def test_energy_waste_and_traffic_values():
    assert rows("electricity_consumption", "paris")["value"].tolist() == [12655.688]
    sf_elec = rows("electricity_consumption", "sf").set_index("year")["value"]
    assert sf_elec[2022] == pytest.approx(5120.6, abs=0.05)
    assert sf_elec.index.min() == 1990
    waste = rows("waste_collected", "sf").set_index("year")["value"]
    assert waste[2018] == pytest.approx(739690.89 * 0.90718474)
    assert waste[2023] == pytest.approx(519233.44 * 0.90718474)
    assert rows("waste_collected", "paris")["value"].tolist() == [1116837.0]
    deaths = rows("road_deaths", "paris").set_index("year")["value"]
    assert deaths[2017] == 31 and deaths[2021] == 45
    assert 2022 not in deaths.index  # Jan-Nov only in the source


def test_paris_2013_zero_consumption_is_missing_not_zero(shared_data):
    monthly = rows("electricity_monthly", "paris")
    assert (monthly["value"] > 0).all()
    assert 2013 not in set(monthly["year"])
    with open(
        shared_data
        / "energy/paris_region_idf_and_france_rte_eco2mix_monthly_energy_gwh_2012_2021.csv"
    ) as f:
        idf = [r for r in csv.DictReader(f) if r["Territoire"] == "Ile-de-France"]
    assert len(monthly) == sum(float(r["Consommation totale"]) > 0 for r in idf) == 95
