"""The shipped snapshot: rebuilt from ../shared/data it is identical, and its values trace to the files."""

import csv
import json

import pandas as pd
import pytest

from data_sources.model.registries import SNAPSHOT_DIR
from data_sources.snapshot_build.build import write_snapshot
from data_sources.store.files import read_sidecars
from data_sources.store.series import SeriesStore


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
    # Targets and events travel as published, with their checksums.
    for path in (SNAPSHOT_DIR / "_context").iterdir():
        assert (tmp_path / "snapshot" / "_context" / path.name).read_bytes() == (
            path.read_bytes()
        ), path.name


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
    stations = pd.read_csv(
        shared_data / "air/paris_airparif_daily_means_background_stations_2017_2024.csv"
    )
    # Paris Centre's UTC days until the station exports take over (2017-03-01), then
    # one background station at a time (Paris Centre, Les Halles, Paris 18e)
    before = (daily["pm25_valid_hours"] >= 18) & (daily["date"] < "2017-03-01")
    after = (
        stations["station_code"].isin(["PA04C", "PA01H", "PA18"])
        & (stations["pollutant"] == "PM2.5")
        & (stations["valid_hours"] >= 18)
    )
    assert len(rows("pm25", "paris")) == before.sum() + after.sum() == 1801 + 1963
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
    paris_elec = rows("electricity_consumption", "paris").set_index("year")["value"]
    # Agence ORE, all operators, 2012-2021 (2011 lacks RTE customers), + ODRÉ 2022
    assert paris_elec.index.tolist() == list(range(2012, 2023))
    assert paris_elec[2012] == pytest.approx(15078.112, abs=0.001)
    assert paris_elec[2019] == pytest.approx(13599.5, abs=0.05)
    assert paris_elec[2022] == 12655.688
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
    # page figures: Préfecture de police 2007-2009, ONISR map 2023; 2024's row counts
    # killed or seriously injured, not deaths: left out
    assert (deaths[2007], deaths[2008], deaths[2009], deaths[2023]) == (37, 51, 44, 33)
    assert 2024 not in deaths.index


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


def test_the_2026_12_01_files_trace_to_their_values():
    """Exact values of the new real files, as the snapshot ships them."""
    ghg = {
        city: rows("ghg_basic", city).set_index("year")["value"]
        for city in ("paris", "sf")
    }
    # C40 BASIC totals (t CO2e), SOURCES.md: Paris 2018 5,550,663 and 2019 5,606,196;
    # SF 2018 4,651,230 and 2019 4,192,707
    assert (
        round(ghg["paris"][2018]) == 5_550_663
        and round(ghg["paris"][2019]) == 5_606_196
    )
    assert round(ghg["sf"][2018]) == 4_651_230 and round(ghg["sf"][2019]) == 4_192_707
    entries = rows("transit_annual", "paris").set_index("year")["value"]
    # RATP Métro + RER entries at Paris stations
    assert entries.index.tolist() == list(range(2013, 2022))
    assert entries[2013] == 1_157_245_115 + 146_650_730
    muni = rows("transit_annual", "sf").set_index("year")["value"]
    assert muni[2013] == 223_851_332 and muni[2023] == 139_127_693
    gas = rows("gas_consumption", "paris").set_index("year")["value"]
    assert gas[2011] == pytest.approx(9245.296, abs=0.001)
    assert gas[2021] == pytest.approx(10084.927, abs=0.001)
    no2 = rows("no2", "paris").set_index("year")["value"]
    assert no2[2018] == 34.26 and no2[2023] == 21.60 and no2[2025] == 17.83
    assert 2019 not in no2.index  # Paris Centre closed; Les Halles starts late 2019
    roadside = rows("no2_roadside", "paris").set_index("year")["value"]
    assert (
        roadside[2012] > 0 and roadside[2018] == 45.38
    )  # never in the background line


def test_partial_years_and_utc_days_are_recorded():
    store = SeriesStore("/nonexistent")
    halles = next(
        s.provenance for s in store.series("no2") if s.provenance["source"] == "geodair"
    )
    partial = {r["period"]: r["partial"]["en"] for r in halles["row_sources"]}
    assert partial == {
        "2021": "covers 2021-03-05 to 2021-12-31 only",
        "2025": "covers 2025-01-01 to 2025-12-04 only",
    }
    old = rows("pm25", "paris")
    first = old.iloc[0]
    # Paris Centre's 2011-2017 export groups hours by UTC day: the day starts at UTC
    # midnight, 01:00 in Paris
    assert first["time"] == pd.Timestamp("2011-12-17T00:00:00Z")
