"""Adapters through real requests to the local replay server, the refresh, and staleness."""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import random
import re
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

import data_sources
from app import server as web
from data_sources.adapters import socrata
from data_sources.adapters.http import Client, make_session
from data_sources.adapters.refresh import refresh
from data_sources.model import comparability
from data_sources.settings import Settings
from data_sources.store.files import read_rows, read_sidecars
from data_sources.store.series import SeriesStore
from tests.eea_parquet_files import real_annual
from tests.helpers import WAIT_SECONDS
from tests.integration.conftest import TEST_KEYS
from tests.replay import Reply

LIVE = [
    "gbfs_paris",
    "gbfs_sf",
    "open_meteo_air",
    "paris_opendata",
    "odre",
    "sf_opendata",
    "eia",
    "openaq",
    "ore_datafair",
    "dot_ntd",
    "epa_airdata",
    "eea_aqd",
    "baac",
    "ratp_opendata",
    "cdp_opendata",
]
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def outcome_by_source(outcomes):
    return {o.source: o for o in outcomes}


def api_rows(path):
    response = web.test_client().get(path)
    assert response.status_code == 200, response.get_data(as_text=True)
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def live_frame(settings, indicator, city):
    return data_sources.load_series(indicator, (city,), settings=settings).frame.query(
        "origin == 'live'"
    )


# ------------------------------------------------------------------ the whole refresh


def test_one_refresh_fills_the_store_for_both_cities(live_settings):
    outcomes = outcome_by_source(refresh(settings=live_settings, progress=False))
    assert {s: o.status for s, o in outcomes.items()} == dict.fromkeys(LIVE, "ok")

    bikes = [
        r for r in api_rows("/api/series/bikes_available.csv") if r["origin"] == "live"
    ]
    assert sorted((r["city"], r["value"]) for r in bikes) == [
        ("paris", "18066.0"),
        ("sf", "5472.0"),
    ]
    # The replayed GBFS captures say they were last updated in 2025 and 2023: stale by
    # the data's own time however fresh the fetch, and the summary says why.
    assert {r["stale"] for r in bikes} == {"True"}
    assert outcomes["gbfs_sf"].message == (
        "upstream serves old data: newest observation 2023-07-19 19:06 UTC"
    )

    pm25 = [
        r
        for r in api_rows("/api/series/pm25.csv?start=2026-11-01")
        if r["origin"] == "live"
    ]
    assert {(r["city"], r["period"], r["value"]) for r in pm25} == {
        (
            "paris",
            "2026-11-20",
            "13.935",
        ),  # 23 hours (one null) of the hand-made response
        ("paris", "2026-11-21", "13.87"),
        ("sf", "2026-11-20", "6.875"),  # the only Pacific day with ≥ 18 of its hours
    }
    # Daily means are due within a day plus the months publishers take: current.
    assert {r["stale"] for r in pm25} == {"False"}
    sources = {s["id"]: s for s in web.test_client().get("/api/sources").get_json()}
    # Refreshed, so never an archive; "ok" only where the data themselves are
    # current: the replayed payloads are of their capture dates, and a source whose
    # newest observation is older than its cadence allows is stale, saying which.
    assert {sources[s]["status"] for s in LIVE} <= {"ok", "stale"}
    for source_id in LIVE:
        if sources[source_id]["status"] == "stale":
            message = sources[source_id]["message"]
            assert "older than its cadence allows" in message or "old data" in message
    assert sources["gbfs_sf"]["status"] == "stale"  # its replayed feed is of 2023


def test_with_the_server_stopped_everything_is_still_served_and_marked_stale(live_env):
    settings = Settings.from_env()
    refresh(settings=settings, progress=False)
    live_env.stop()
    outcomes = outcome_by_source(refresh(settings=settings, progress=False))
    assert {o.status for o in outcomes.values()} == {"unavailable"}
    assert "cannot connect to 127.0.0.1" in outcomes["gbfs_sf"].message

    bikes = [
        r for r in api_rows("/api/series/bikes_available.csv") if r["origin"] == "live"
    ]
    assert len(bikes) == 2 and {r["stale"] for r in bikes} == {"True"}
    sources = {s["id"]: s for s in web.test_client().get("/api/sources").get_json()}
    assert sources["gbfs_sf"]["status"] == "stale"
    assert "cannot connect" in sources["gbfs_sf"]["message"]
    assert sources["airparif"]["status"] == "archive"  # shipped, never refreshed
    assert web.test_client().get("/").status_code == 200


def test_a_feed_answering_now_is_fresh_and_one_frozen_in_2023_is_not(live_env):
    """Freshness is the data's own time: the same stations re-stamped to the moment
    of the request are current; the capture as it was (last_updated 2023) is stale."""
    settings = Settings.from_env()
    live_env.routes["/baywheels/en/station_status"] = restamped(
        live_env.routes["/baywheels/en/station_status"]
    )
    [outcome] = refresh(["gbfs_sf"], settings=settings, progress=False)
    assert outcome.status == "ok" and outcome.message == ""
    rows = [r for r in api_rows("/api/series/bikes_available.csv?cities=sf")]
    live = [r for r in rows if r["origin"] == "live"]
    assert [r["stale"] for r in live] == ["False"]
    # the whole city's series reads as current: its newest observation is
    assert {r["stale"] for r in rows} == {"False"}


def restamped(route):
    """A GBFS capture served with `last_updated` set to the time of the request, as
    a live feed would answer (stations and counts unchanged)."""

    def handler(request):
        reply = route(request) if callable(route) else route
        payload = json.loads(reply.encoded(""))
        payload["last_updated"] = int(time.time())
        return Reply(200, payload)

    return handler


def test_snapshot_data_of_a_live_source_count_as_stale(empty_live_store):
    rows = api_rows("/api/series/bikes_available.csv")
    assert {(r["origin"], r["stale"]) for r in rows} == {("snapshot", "True")}


def test_without_keys_eia_and_openaq_are_disabled_and_never_called(
    live_env, monkeypatch
):
    for name in TEST_KEYS:
        monkeypatch.delenv(name)
    outcomes = outcome_by_source(
        refresh(["eia", "openaq"], settings=Settings.from_env(), progress=False)
    )
    assert {s: o.status for s, o in outcomes.items()} == {
        "eia": "disabled",
        "openaq": "disabled",
    }
    assert not [r for r in live_env.requests if r.path.startswith(("/eia", "/openaq"))]
    sources = {s["id"]: s for s in web.test_client().get("/api/sources").get_json()}
    assert sources["eia"]["status"] == sources["openaq"]["status"] == "disabled"


# ------------------------------------------------------------------ each adapter, exact values


def test_gbfs_discovery_v1_and_v2_and_real_feeds(live_settings, live_env):
    refresh(["gbfs_paris", "gbfs_sf"], settings=live_settings, progress=False)
    paris = live_frame(live_settings, "docks_available", "paris")
    assert paris["value"].tolist() == [27659.0] and paris["period"].tolist() == [
        "2025-10-18T11:09"
    ]
    assert live_frame(live_settings, "stations_in_service", "sf")["value"].tolist() == [
        501.0
    ]
    paths = [r.path for r in live_env.requests]
    assert (
        "/baywheels/en/station_status" in paths
    )  # the English feed list, not the French
    assert all(
        r.headers["User-Agent"].startswith("SisterCities/") for r in live_env.requests
    )


def test_gbfs_v3_discovery_is_understood(shared_data):
    from data_sources.adapters.gbfs import feed_urls

    v3 = json.loads((shared_data.parent / "api/gbfs/v3.0_gbfs.json").read_text())
    assert (
        feed_urls(v3)["station_information"]
        == "https://www.example.com/gbfs/1/station_information"
    )


def test_open_meteo_times_become_utc_with_the_reported_offset(live_settings):
    refresh(["open_meteo_air"], settings=live_settings, progress=False)
    store = SeriesStore(live_settings.data_dir)
    paris = store.read("pm25_hourly", ["paris"])
    # Reported as Europe/Paris, offset 3600: local 2026-11-20T00:00 is 23:00 UTC the day before.
    assert paris["time"].min() == pd.Timestamp("2026-11-19T23:00Z")
    assert len(paris) == 46  # 48 hours, two nulls dropped (not zeros)
    sf = store.read("us_aqi", ["sf"])
    assert sf["time"].min() == pd.Timestamp("2026-11-20T00:00Z") and len(sf) == 48


def test_paris_opendata_pages_through_group_by_results(live_settings, live_env):
    refresh(["paris_opendata"], settings=live_settings, progress=False)
    offsets = [r.arg("offset") for r in live_env.requests if "comptage-velo" in r.path]
    assert offsets == ["0", "100"]
    query = next(r for r in live_env.requests if "comptage-velo" in r.path)
    assert query.arg("group_by") == "day" and "sum(sum_counts)" in query.arg("select")
    bikes = live_frame(live_settings, "bike_counter_passages", "paris")
    assert len(bikes) == 150 and bikes["value"].iloc[-1] == 40_000 + 10 * 149
    flow = live_frame(live_settings, "road_traffic_flow", "paris")
    assert flow["value"].iloc[0] == 800.5 and flow["period"].iloc[0] == "2026-11-01"


def test_odre_keeps_complete_months_only(live_settings):
    refresh(["odre"], settings=live_settings, progress=False)
    monthly = live_frame(live_settings, "electricity_monthly", "paris")
    assert dict(zip(monthly["period"], monthly["value"], strict=True)) == {
        "2025-01": 1488 * 8000 * 0.5 / 1000,  # 5,952 GWh
        "2025-03": 1486 * 7000 * 0.5 / 1000,
    }


def test_sf_opendata_sums_the_real_ghg_inventory_per_year(live_settings, live_env):
    refresh(["sf_opendata"], settings=live_settings, progress=False)
    ghg = live_frame(live_settings, "ghg_sf_inventory", "sf").set_index("period")
    # the same totals as the snapshot built from the same real rows (SOURCES.md:
    # 1990 7,872,144; 2019 4,640,675)
    assert round(ghg.loc["1990", "value"]) == 7_872_144
    assert round(ghg.loc["2019", "value"]) == 4_640_675
    assert ghg.index.tolist() == [
        "1990",
        "2000",
        "2005",
        "2010",
        "2012",
        "2015",
        "2016",
        "2017",
        "2018",
        "2019",
    ]


def test_epa_airdata_extends_sf_pm25_with_last_years_file(live_settings, live_env):
    [outcome] = refresh(["epa_airdata"], settings=live_settings, progress=False)
    assert outcome.status == "ok", outcome.message
    year = pd.Timestamp.now(tz="Etc/GMT+8").year - 1
    daily = live_frame(live_settings, "pm25", "sf")
    assert set(daily["period"].str[:4]) == {str(year)}
    assert len(daily) in (333, 334)  # 2024's 334 days with a value (less a 29 Feb)
    [annual] = live_frame(live_settings, "pm25_annual", "sf").itertuples()
    assert annual.period == str(year) and abs(annual.value - 6.737) < 0.02
    asked = [r.path for r in live_env.requests if r.path.startswith("/airdata/")]
    assert asked == [
        *(f"/airdata/daily_88101_{y}.zip" for y in range(year - 1, year + 2)),
        *(f"/airdata/annual_conc_by_monitor_{y}.zip" for y in (year - 1, year)),
    ]
    # The county's NO2 and PM10 of last year (the 2021 statistics in the fixture),
    # after the snapshot's years, and each chart marks where the live years begin.
    for indicator, value in (("no2", 15.04), ("pm10", 15.0)):
        [row] = live_frame(live_settings, indicator, "sf").itertuples()
        assert row.period == str(year) and round(row.value, 2) == value
        shown = data_sources.load_series(indicator, "sf", settings=live_settings)
        kinds = {
            b.rule.kind
            for b in comparability.shown_breaks(shown.frame, shown.indicator)
        }
        assert ("coverage" if indicator == "no2" else "definition") in kinds
    sources = {s["id"]: s for s in web.test_client().get("/api/sources").get_json()}
    feeds = sources["epa_airdata"]["feeds"]
    assert {"indicator": "pm25_annual", "city": "sf"} in feeds
    assert {"indicator": "no2", "city": "sf"} in feeds


def test_cdp_portal_adds_the_newest_reported_inventory_year_for_both_cities(
    live_settings, live_env
):
    [outcome] = refresh(["cdp_opendata"], settings=live_settings, progress=False)
    assert outcome.status == "ok", outcome.message
    for city, value in (("paris", 4_840_809), ("sf", 3_969_295)):
        rows = live_frame(live_settings, "ghg_cdp", city)
        assert rows["period"].max() == "2019"  # the 2021 cycle's inventory year
        assert rows.set_index("period").loc["2019", "value"] == value
    asked = [r.path for r in live_env.requests if r.path.startswith("/cdp/")]
    assert asked[0] == "/cdp/api/catalog/v1"
    assert sorted(asked[1:]) == sorted(
        f"/cdp/api/views/{d}/rows.csv"
        for d in (
            "dfed-thx7",
            "kyi6-dk5h",
            "wii4-buw5",
            "542d-zyj8",
            "p43t-fbkj",
            "tmta-7i7p",
        )
    )
    # Side by side, never compared: the pair's level is none.
    body = web.test_client().get("/api/indicators").get_json()
    [cdp] = [i for i in body if i["id"] == "ghg_cdp"]
    assert cdp["comparability"]["level"] == "none" and cdp["latest_common"] is None


def test_eea_download_service_gives_paris_no2_years_at_each_station(
    live_settings, live_env, shared_data
):
    [outcome] = refresh(["eea_aqd"], settings=live_settings, progress=False)
    assert outcome.status == "ok", outcome.message
    year = pd.Timestamp.now(tz="Etc/GMT-1").year
    background = live_frame(live_settings, "no2", "paris")
    pairs = zip(background["period"], background["value"].round(2), strict=True)
    assert dict(pairs) == {
        str(year - 2): real_annual(shared_data, "FR04055", 2024),
        str(year - 1): real_annual(shared_data, "FR04055", 2025),
    }
    [traffic] = live_frame(live_settings, "no2_roadside", "paris").itertuples()
    assert traffic.period == str(year - 2)
    assert round(traffic.value, 2) == real_annual(shared_data, "FR04031", 2024)
    asked = [(r.method, r.path) for r in live_env.requests if r.path.startswith("/eea")]
    assert asked == [
        ("POST", "/eea/ParquetFile/urls"),
        ("GET", "/eea-blob/airquality-p-e1a/FR/SPO-FR04031_8.parquet"),
        ("GET", "/eea-blob/airquality-p-e1a/FR/SPO-FR04055_8.parquet"),
        ("POST", "/eea/ParquetFile/urls"),
        ("GET", "/eea-blob/airquality-p/FR/SPO-FR04055_8.parquet"),
    ]
    sources = {s["id"]: s for s in web.test_client().get("/api/sources").get_json()}
    assert {"indicator": "no2_roadside", "city": "paris"} in sources["eea_aqd"]["feeds"]
    # The page shows the live year, still beside San Francisco's own series.
    rows = api_rows("/api/series/no2.csv?cities=paris")
    assert str(year - 1) in {r["period"] for r in rows if r["origin"] == "live"}


def test_baac_files_give_paris_road_deaths_of_the_newest_years(live_settings, live_env):
    [outcome] = refresh(["baac"], settings=live_settings, progress=False)
    assert outcome.status == "ok", outcome.message
    rows = live_frame(live_settings, "road_deaths", "paris")
    # The three newest years the dataset lists; 2021 and 2023 are ONISR's figures.
    assert dict(zip(rows["period"], rows["value"], strict=True)) == {
        "2021": 45,
        "2022": 38,
        "2023": 33,
    }
    fetched = [r.path for r in live_env.requests if r.path.startswith("/datagouv/")]
    assert fetched[0] == "/datagouv/api/1/datasets/53698f4ca3a729239d2036df/"
    assert "/datagouv/static/resources/baac/20250101-000000/caract-2023.csv" in fetched
    assert not any("2016" in path for path in fetched)
    shown = api_rows("/api/series/road_deaths.csv?cities=paris")
    assert {r["period"]: r["origin"] for r in shown}["2022"] == "live"


def test_ratp_editions_give_paris_entries_beside_muni(live_settings, live_env):
    [outcome] = refresh(["ratp_opendata"], settings=live_settings, progress=False)
    assert outcome.status == "ok", outcome.message
    year = pd.Timestamp.now(tz="Europe/Paris").year - 5
    [row] = live_frame(live_settings, "transit_annual", "paris").itertuples()
    # RATP's 2021 sums at Paris stations: Métro 752,581,446 + RER 117,181,460.
    assert (row.period, row.value) == (str(year), 869_762_906)
    asked = [r for r in live_env.requests if r.path.startswith("/ratp/")]
    assert [r.path.split("/")[4][-4:] for r in asked] == [
        str(y) for y in range(year, year + 5)
    ]
    assert asked[0].arg("where") == 'ville = "Paris"'
    assert asked[0].arg("group_by") == "reseau"


def test_agence_ore_on_data_fair_gives_paris_totals_per_year(live_settings, live_env):
    [outcome] = refresh(["ore_datafair"], settings=live_settings, progress=False)
    assert outcome.status == "ok"
    electricity = live_frame(live_settings, "electricity_consumption", "paris")
    values = dict(zip(electricity["period"], electricity["value"], strict=True))
    assert "2011" not in values  # no transmission-connected customers that year
    assert values["2019"] == pytest.approx(13_599.5, abs=0.05)
    gas = live_frame(live_settings, "gas_consumption", "paris")
    assert gas["period"].iloc[0] == "2011"
    [request] = [r for r in live_env.requests if "Electricité" in (r.arg("qs") or "")]
    assert request.arg("qs") == 'code_departement:"75" AND filiere:"Electricité"'
    assert (request.arg("metric"), request.arg("metric_field")) == (
        "sum",
        "conso_totale_mwh",
    )
    # The live dataset (the new generation) replaces the snapshot's for every year it
    # has, so the line never mixes the two: ODRÉ's 2022 figure stays beyond them.
    rows = data_sources.load_series(
        "electricity_consumption", ("paris",), settings=live_settings
    ).frame
    assert rows["source"].tolist() == ["ore_datafair"] * 10 + ["odre_conso_departement"]


def test_a_truncated_data_fair_aggregation_is_refused(live_env):
    route = "/ore/consommation-annuelle-d-electricite-et-gaz-par-commune/values_agg"
    live_env.routes[route] = Reply(
        200, {"total": 9, "total_values": 9, "total_other": 3, "aggs": []}
    )
    [outcome] = refresh(["ore_datafair"], settings=Settings.from_env(), progress=False)
    assert outcome.status == "error"
    assert outcome.message == "values_agg left 3 rows out of its buckets: refused"


def test_ntd_months_add_up_to_whole_fiscal_years_only(live_settings, live_env):
    [outcome] = refresh(["dot_ntd"], settings=live_settings, progress=False)
    assert outcome.status == "ok"
    muni = live_frame(live_settings, "transit_annual", "sf")
    # fiscal 2024 (July 2023 to June 2024), 12 months × (9 + 3) million; fiscal 2025
    # lacks June 2025: not a year yet
    assert dict(zip(muni["period"], muni["value"], strict=True)) == {
        "2024": 12 * 12_000_000.0
    }
    [request, *_] = [r for r in live_env.requests if r.path.endswith("8bui-9xvu.json")]
    assert request.arg("$where") == "ntd_id='90015'"


def test_sf_opendata_counts_real_records_per_year_and_pages(live_settings, live_env):
    refresh(["sf_opendata"], settings=live_settings, progress=False)
    deaths = live_frame(live_settings, "road_deaths", "sf")
    assert dict(zip(deaths["period"], deaths["value"].astype(int), strict=True)) == {
        "2014": 30,
        "2015": 31,
        "2016": 29,
        "2017": 20,
        "2018": 23,
        "2019": 29,
        "2020": 30,
        "2021": 27,
        "2022": 39,
        "2023": 26,
        "2024": 42,
        "2025": 25,
    }
    client = Client(make_session(live_settings), live_settings)
    query = {"$select": "unique_id,collision_year", "$order": "unique_id"}
    assert (
        len(
            list(socrata.rows(client, "sf_opendata", "dau3-4s8f", query, page_size=100))
        )
        == 351
    )
    offsets = [
        r.arg("$offset") for r in live_env.requests if r.path.endswith("dau3-4s8f.json")
    ]
    assert offsets[-4:] == ["0", "100", "200", "300"]


def test_sf_app_token_is_sent_when_configured(live_env, monkeypatch):
    monkeypatch.setenv("SISTERCITIES_SF_APP_TOKEN", "token-123")
    refresh(["sf_opendata"], settings=Settings.from_env(), progress=False)
    assert {r.headers.get("X-App-Token") for r in live_env.requests} == {"token-123"}


def test_eia_and_openaq_with_keys(live_settings, live_env):
    refresh(["eia", "openaq"], settings=live_settings, progress=False)
    demand = live_frame(live_settings, "grid_demand", "sf")
    assert demand["value"].tolist() == [
        24545.0,
        23010.0,
    ]  # the null hour is missing, not 0
    measured = live_frame(live_settings, "pm25_measured", "paris")
    assert measured["value"].tolist() == [6.75] and measured["period"].tolist() == [
        "2023-10-16"
    ]
    assert {
        r.headers.get("X-API-Key")
        for r in live_env.requests
        if r.path.startswith("/openaq")
    } == {TEST_KEYS["OPENAQ_API_KEY"]}


# ------------------------------------------------------------------ faults

FAULTS = {
    "timeout": "unavailable",
    "500": "unavailable",
    "429": "unavailable",
    "malformed_json": "error",
    "html_page": "error",
    "huge": "error",
}
MESSAGES = {
    "timeout": "timed out",
    "500": "Internal Server Error (replayed)",
    "429": "Too many requests (replayed)",
    "malformed_json": "malformed JSON",
    "html_page": "HTML page",
    "huge": "too large",
    # A ZIP source: a broken body is not a ZIP (where others have broken JSON).
    ("epa_airdata", "malformed_json"): "not a ZIP archive",
    # The EEA's file list is CSV text: a broken body is not that list.
    ("eea_aqd", "malformed_json"): "expected a ParquetFileUrl list",
}


@pytest.mark.parametrize("fault", list(FAULTS))
@pytest.mark.parametrize(
    "source_id",
    [
        "gbfs_sf",
        "open_meteo_air",
        "paris_opendata",
        "odre",
        "sf_opendata",
        "eia",
        "openaq",
        "ore_datafair",
        "dot_ntd",
        "epa_airdata",
        "eea_aqd",
        "baac",
        "ratp_opendata",
        "cdp_opendata",
    ],
)
def test_a_failing_upstream_keeps_the_last_good_data_marked_stale(
    live_env, source_id, fault, fault_matrix
):
    settings = Settings.from_env()
    [first] = refresh([source_id], settings=settings, progress=False)
    assert first.status == "ok"
    before = SeriesStore(settings.data_dir).series()
    live_env.fault = fault
    [outcome] = refresh([source_id], settings=settings, progress=False)
    assert outcome.status == FAULTS[fault]
    assert MESSAGES.get((source_id, fault), MESSAGES[fault]) in outcome.message
    after = SeriesStore(settings.data_dir).series()
    # nothing rewritten: every sidecar (each part's checksum) as it was
    assert [s.provenance for s in after] == [s.provenance for s in before]
    indicator = first.series[0].split("/")[0]
    frame = data_sources.load_series(indicator, settings=settings).frame
    assert frame.query("origin == 'live'")["stale"].all()
    pages = every_page_answers(indicator)
    fault_matrix.append((source_id, fault, outcome.status, outcome.message, pages))


def every_page_answers(indicator: str, stale: bool = True) -> str:
    """After a failed refresh: the pages and the API still answer, the data say stale."""
    client = web.test_client()
    responses = {
        name: client.get(path)
        for name, path in (
            ("/", f"/?indicator={indicator}"),
            ("embed", f"/embed/{indicator}?lang=en"),
            ("present", f"/present?slides={indicator}&lang=en"),
            ("api", f"/api/series/{indicator}.json"),
            ("sources", "/api/sources"),
        )
    }
    statuses = {name: response.status_code for name, response in responses.items()}
    assert max(statuses.values()) < 500, statuses
    embed = responses["embed"].get_data(as_text=True)
    series = responses["api"].get_json()["data"]
    if stale is None:  # a refresh that worked: stale only if its data are old
        live = pd.DataFrame([row for row in series if row["origin"] == "live"])
        live["time"] = pd.to_datetime(live["time"], utc=True)
        rule = data_sources.get_indicator(indicator)
        now = pd.Timestamp.now(tz="UTC")
        stale = any(
            data_sources.is_out_of_date(
                rule, data_sources.newest_end(rows, rule.freq), now
            )
            for _, rows in live.groupby("city")
        )
    assert any(row["stale"] for row in series) == stale
    if series[-1]["stale"] and series[-1]["origin"] == "live":
        assert "· stale" in embed
    return " ".join(f"{name} {code}" for name, code in statuses.items())


def test_connection_refused(live_env, monkeypatch):
    monkeypatch.setenv("SISTERCITIES_GBFS_SF_URL", "http://127.0.0.1:9/gbfs.json")
    [outcome] = refresh(["gbfs_sf"], settings=Settings.from_env(), progress=False)
    assert outcome.status == "unavailable"
    assert (
        "cannot connect to 127.0.0.1:9" in outcome.message
        and "Connection refused" in outcome.message
    )


def test_503_then_200_is_retried(live_env):
    live_env.fault, live_env.fault_times = "503", 1
    [outcome] = refresh(["sf_opendata"], settings=Settings.from_env(), progress=False)
    assert outcome.status == "ok"


def test_429_with_retry_after_is_honoured_then_succeeds(live_env):
    live_env.fault, live_env.fault_times = "429", 1
    started = time.monotonic()
    [outcome] = refresh(["eia"], settings=Settings.from_env(), progress=False)
    assert outcome.status == "ok"
    assert time.monotonic() - started >= 1.0  # waited for Retry-After: 1


def negative_first(variable, text):
    """The same response with the first hour of one variable made negative (absurd)."""
    payload = json.loads(text)
    payload["hourly"][variable][0] = -50
    return json.dumps(payload)


def drift(route_path, mutate):
    def install(replay):
        original = replay.routes[route_path]

        def handler(request):
            reply = original(request) if callable(original) else original
            body = reply.encoded(replay.url)
            return Reply(reply.status, mutate(body.decode()), reply.headers)

        replay.routes[route_path] = handler

    return install


PAYLOAD_FAULTS = {
    # source: {case: (route, mutation of the body text, expected status, message)}
    "open_meteo_air": {
        # one variable renamed: the other five are kept, the missing one reported
        "schema drift": (
            "/v1/air-quality",
            lambda b: b.replace('"pm2_5": [', '"pm25": ['),
            "ok",
            "paris: 'pm2_5' missing from the response (the other variables kept)",
        ),
        # a response for another place (here: Lyon's coordinates) is never stored
        "another place": (
            "/v1/air-quality",
            lambda b: re.sub(
                r'"latitude": [^,]+,\s*"longitude": [^,]+,',
                '"latitude": 45.76, "longitude": 4.84,',
                b,
                count=1,
            ),
            "error",
            "km away: refused",
        ),
        "unit drift": (
            "/v1/air-quality",
            lambda b: b.replace('"pm2_5": "\\u03bcg/m\\u00b3"', '"pm2_5": "ppm"'),
            "error",
            "expected 'µg/m³'",
        ),
        "empty": (
            "/v1/air-quality",
            lambda b: (
                '{"utc_offset_seconds": 0, "hourly_units": {}, "hourly": {"time": []}}'
            ),
            "error",
            "does not say which place it is for",
        ),
        "absurd": (
            "/v1/air-quality",
            lambda b: negative_first("pm2_5", b),
            "ok",
            "rows rejected",
        ),
    },
    "gbfs_sf": {
        "another system": (
            "/baywheels/en/system_information",
            lambda b: b.replace('"name": "Bay Wheels"', '"name": "Citi Bike"').replace(
                '"system_id": "fgb"', '"system_id": "NYC"'
            ),
            "error",
            "names 'Citi Bike' (system_id 'NYC'), not Bay Wheels (Lyft): refused",
        ),
        "schema drift": (
            "/baywheels/en/station_status",
            lambda b: b.replace('"stations"', '"docks"'),
            "error",
            "no data.stations",
        ),
        "empty": (
            "/baywheels/en/station_status",
            lambda b: '{"last_updated": 1, "data": {"stations": []}}',
            "error",
            "no stations",
        ),
        "absurd": (
            "/baywheels/en/station_status",
            lambda b: b.replace(
                '"num_bikes_available": 15', '"num_bikes_available": 99999'
            ),
            "error",
            "exceed",
        ),
    },
    "paris_opendata": {
        "schema drift": (
            "/paris/catalog/datasets/comptage-velo-donnees-compteurs/records",
            lambda b: b.replace('"total"', '"sum"'),
            "error",
            "unexpected row shape",
        ),
        "empty": (
            "/paris/catalog/datasets/comptage-velo-donnees-compteurs/records",
            lambda b: '{"results": []}',
            "error",
            "no rows",
        ),
        "absurd": (
            "/paris/catalog/datasets/comptages-routiers-permanents/records",
            lambda b: b.replace('"mean_flow": 800.5', '"mean_flow": -3'),
            "ok",
            "1 rows rejected",
        ),
    },
    "sf_opendata": {
        "schema drift": (
            "/sf/resource/dau3-4s8f.json",
            lambda b: b.replace('"collision_year"', '"year"'),
            "error",
            "unexpected record shape",
        ),
        "empty": (
            "/sf/resource/dau3-4s8f.json",
            lambda b: "[]",
            "error",
            "no fatality records",
        ),
    },
    "odre": {
        "schema drift": (
            "/odre/catalog/datasets/eco2mix-regional-cons-def/records",
            lambda b: b.replace('"mw_sum"', '"conso"'),
            "error",
            "unexpected row shape",
        ),
        "empty": (
            "/odre/catalog/datasets/eco2mix-regional-cons-def/records",
            lambda b: '{"results": []}',
            "error",
            "no rows",
        ),
    },
    "eia": {
        "schema drift": (
            "/eia/electricity/rto/region-data/data/",
            lambda b: b.replace('"response"', '"resp"'),
            "error",
            "no response.data",
        ),
        "absurd": (
            "/eia/electricity/rto/region-data/data/",
            lambda b: b.replace('"24545"', '"-24545"'),
            "ok",
            "1 rows rejected",
        ),
    },
}


@pytest.mark.parametrize(
    ("source_id", "case"),
    [(s, c) for s, cases in PAYLOAD_FAULTS.items() for c in cases],
)
def test_bad_payloads_are_refused_with_a_clear_message(
    live_env, source_id, case, caplog, fault_matrix
):
    settings = Settings.from_env()
    [first] = refresh([source_id], settings=settings, progress=False)
    route, mutate, status, message = PAYLOAD_FAULTS[source_id][case]
    drift(route, mutate)(live_env)
    with caplog.at_level(logging.WARNING):
        [outcome] = refresh([source_id], settings=settings, progress=False)
    assert outcome.status == status
    assert message in outcome.message
    assert message in caplog.text or status == "ok"  # the log says it too
    pages = every_page_answers(
        first.series[0].split("/")[0], stale=None if status == "ok" else True
    )
    fault_matrix.append((source_id, case, outcome.status, outcome.message, pages))
    if status == "ok" and case == "absurd":  # absurd rows dropped and logged
        assert "outside [0" in caplog.text
        for stored in SeriesStore(settings.data_dir).series():
            if stored.provenance["origin"] == "live":
                assert (read_rows(stored)["value"] >= 0).all()


# ------------------------------------------------------------------ secrets, caching, CLI


def test_api_keys_never_reach_logs_status_or_api(live_env, monkeypatch, caplog):
    monkeypatch.setenv("SISTERCITIES_EIA_URL", "http://127.0.0.1:9/v2")
    with caplog.at_level(logging.DEBUG):
        [outcome] = refresh(["eia"], settings=Settings.from_env(), progress=False)
    secret = TEST_KEYS["EIA_API_KEY"]
    assert outcome.status == "unavailable"
    assert secret not in outcome.message and secret not in caplog.text
    assert secret not in web.test_client().get("/api/sources").get_data(as_text=True)
    assert secret not in repr(Settings.from_env())


def test_conditional_requests_revalidate_with_etag(live_env, monkeypatch):
    monkeypatch.setenv("SISTERCITIES_HTTP_CACHE_SECONDS", "3600")
    body = live_env.routes["/eia/electricity/rto/region-data/data/"].body

    def with_etag(request):
        if request.headers.get("If-None-Match") == '"v1"':
            return Reply(304, b"", {"ETag": '"v1"'})
        return Reply(200, body, {"ETag": '"v1"'})

    live_env.routes["/eia/electricity/rto/region-data/data/"] = with_etag
    settings = Settings.from_env()
    assert refresh(["eia"], settings=settings, progress=False)[0].status == "ok"
    assert refresh(["eia"], settings=settings, progress=False)[0].status == "ok"
    sent = [
        r.headers.get("If-None-Match")
        for r in live_env.requests
        if r.path.startswith("/eia")
    ]
    assert sent == [None, '"v1"']


def run_cli(*args, env_extra=None, **kwargs):
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run(
        [sys.executable, "-m", "data_sources", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        **kwargs,
    )


def test_refresh_command_prints_a_summary_and_exits_0_even_when_a_source_fails(
    live_env, monkeypatch
):
    monkeypatch.setenv("SISTERCITIES_ODRE_URL", "http://127.0.0.1:9/odre")
    result = run_cli(
        "refresh", "--source", "gbfs_sf", "--source", "odre", "--no-progress"
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["source", "status", "rows"]
    assert lines[1].split()[:3] == ["gbfs_sf", "ok", "6"]
    assert lines[2].split()[:2] == ["odre", "unavailable"]


def test_refresh_command_refuses_bad_arguments(live_env):
    result = run_cli("refresh", "--source", "nope")
    assert result.returncode == 2 and "invalid choice: 'nope'" in result.stderr
    result = run_cli("refresh", "--every", "soon")
    assert result.returncode == 2 and "not a duration" in result.stderr


def test_a_refresh_killed_mid_write_leaves_a_readable_store(live_env):
    """kill -9 during refreshes: every series reads back whole (old or new version)."""
    run_cli("refresh", "--no-progress")
    rng = random.Random(7)
    for _trial in range(3):
        child = subprocess.Popen(
            [sys.executable, "-m", "data_sources", "refresh", "--no-progress"],
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.5, 2.5))
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=WAIT_SECONDS)
        settings = Settings.from_env()
        for stored in read_sidecars(settings.data_dir):
            read_rows(stored)  # raises on a partial or mismatched file
        assert (
            data_sources.load_series("bikes_available", settings=settings)
            .frame["origin"]
            .eq("live")
            .any()
        )


@pytest.mark.parametrize("stop, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_refresh_every_keeps_running_as_a_refresher_until_stopped(
    live_env, tmp_path, stop, code
):
    log = tmp_path / "refresher.log"
    with open(log, "w") as stderr:
        child = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "data_sources",
                "refresh",
                "--source",
                "gbfs_sf",
                "--every",
                "10s",
                "--no-progress",
            ],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            # As a shell starts a background job: SIGINT ignored, which the refresher
            # must undo to stop on Ctrl-C. If it ever hangs, SIGABRT prints every thread.
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
            env={**os.environ, "PYTHONFAULTHANDLER": "1"},
        )
    try:
        lines = [child.stdout.readline() for _ in range(2)]  # one summary: header + row
        assert lines[1].split()[:2] == ["gbfs_sf", "ok"]
        assert child.poll() is None  # still running, waiting for the next round
    finally:
        child.send_signal(stop)
        try:
            returned = child.wait(timeout=WAIT_SECONDS)
        except subprocess.TimeoutExpired:
            child.send_signal(signal.SIGABRT)
            child.wait(timeout=WAIT_SECONDS)
            returned = log.read_text()[-4000:]
        assert returned == code
