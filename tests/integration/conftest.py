"""The replay server with every upstream's routes, and settings pointing at it."""

from __future__ import annotations

import csv
import json
import os
import signal
from pathlib import Path

import pandas as pd
import pytest

from data_sources.model.registries import SOURCES
from data_sources.settings import Settings
from tests.airdata_files import annual_zip, daily_zip, real_days
from tests.baac_files import DATASET_ID, FILE_NAMES, dataset_object, files_for
from tests.cdp_files import real_exports
from tests.conftest import fault_matrix_path
from tests.eea_parquet_files import station_file
from tests.helpers import WAIT_SECONDS, free_port, start_gunicorn
from tests.replay import ReplayServer, Reply, paged

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "responses"
TEST_KEYS = {"EIA_API_KEY": "eia-SECRET-4242", "OPENAQ_API_KEY": "openaq-SECRET-4343"}

BASE_PATHS = {
    "gbfs_paris": "/velib/gbfs.json",
    "gbfs_sf": "/baywheels/gbfs.json",
    "open_meteo_air": "/v1/air-quality",
    "paris_opendata": "/paris",
    "odre": "/odre",
    "sf_opendata": "/sf",
    "eia": "/eia",
    "openaq": "/openaq",
    "ore_datafair": "/ore",
    "dot_ntd": "/dot",
    "epa_airdata": "/airdata",
    "eea_aqd": "/eea",
    "baac": "/datagouv",
    "ratp_opendata": "/ratp",
    "cdp_opendata": "/cdp",
}


def load(path: Path) -> bytes:
    return path.read_bytes()


def handmade_bike_days() -> list[dict]:
    """Hand-made Opendatasoft group_by rows (invented counts): 150 days to force paging."""
    days = pd.date_range("2026-06-24", "2026-11-20", freq="D")
    return [
        {"day": f"{d:%Y-%m-%d}", "total": 40_000 + 10 * i} for i, d in enumerate(days)
    ]


def handmade_traffic_days() -> list[dict]:
    """Hand-made group_by rows of mean hourly flow (invented values)."""
    days = pd.date_range("2026-11-01", "2026-11-20", freq="D")
    return [
        {"day": f"{d:%Y-%m-%d}", "mean_flow": 800.5 + i} for i, d in enumerate(days)
    ]


def handmade_eco2mix_months() -> list[dict]:
    """Hand-made monthly aggregates: two complete months (one with the DST change), one not."""
    return [
        {"month": "2025-01", "mw_sum": 1488 * 8000.0, "n": 1488},  # 31 days × 48
        {
            "month": "2025-03",
            "mw_sum": 1486 * 7000.0,
            "n": 1486,
        },  # DST: 2 half hours fewer
        {"month": "2025-04", "mw_sum": 1000 * 6000.0, "n": 1000},  # incomplete: dropped
    ]


def real_fatality_rows(shared_data: Path) -> list[dict]:
    """DataSF dau3-4s8f records, as SODA returns them: every value a string."""
    path = shared_data / "traffic/sf_vision_zero_traffic_fatality_records_2014_2025.csv"
    with open(path, encoding="utf-8") as handle:
        rows = [
            {"unique_id": r["unique_id"], "collision_year": r["collision_year"]}
            for r in csv.DictReader(handle)
        ]
    return sorted(rows, key=lambda r: r["unique_id"])


def real_ghg_rows(shared_data: Path) -> list[dict]:
    """DataSF btm4-e4ak rows from the real CSV export, as SODA would return them: keys
    in lower case (the CSV's headers), every value a string."""
    path = (
        shared_data
        / "ghg/raw/San_Francisco_Communitywide_Greenhouse_Gas_Inventory__datasf_btm4-e4ak_1990_2019.csv"
    )
    with open(path, encoding="utf-8") as handle:
        return [
            {
                "calendar_year": r["Calendar_Year"],
                "emissions_mtco2e": r["Emissions_mtCO2e"],
            }
            for r in csv.DictReader(handle)
        ]


def ore_values_agg(shared_data: Path):
    """Agence ORE's Data Fair values_agg for département 75 (CONTRACTS.md §10 shape),
    with the real yearly totals of ../shared/data (all operators, MWh): hand-made in
    shape, real in value. 2011's electricity lacks RTE customers, as in ORE's files."""
    totals = pd.read_csv(
        shared_data
        / "energy/paris_dept75_ore_electricity_gas_total_annual_2011_2021.csv"
    )

    def handler(request) -> Reply:
        energy = "electricity" if "Electricité" in request.arg("qs", "") else "gas"
        rows = totals[totals["energy"] == energy].sort_values("year")
        aggs = [
            {
                "value": str(r.year),
                "total": 100,
                "total_other": 0,
                "metric": r.total_mwh_all_operators,
                "results": [],
            }
            for r in rows.itertuples()
        ]
        return Reply(
            200,
            {
                "total": 100 * len(aggs),
                "total_values": len(aggs),
                "total_other": 0,
                "aggs": aggs,
            },
        )

    return handler


def handmade_ntd_months() -> list[dict]:
    """Hand-made NTD monthly rows for Muni (8bui-9xvu shape, CONTRACTS.md §11.3;
    invented counts): fiscal year 2024 whole (July 2023 to June 2024, two modes), and
    fiscal 2025 with its June missing, so it is not a year yet."""
    months = pd.date_range("2023-07-01", "2025-05-01", freq="MS")
    return [
        {
            "date": f"{m:%Y-%m-%d}T00:00:00.000",
            "mode": mode,
            "tos": "DO",
            "upt": str(upt),
        }
        for m in months
        for mode, upt in (("MB", 9_000_000), ("LR", 3_000_000))
    ]


def airdata_routes(shared_data: Path) -> dict:
    """Last year's daily_88101 file (hand-made in the documented layout, with the
    monitor's real 2024 daily means on that year's dates) and annual file by monitor
    (with the county's real 2021 statistics): tests/airdata_files.py; the other years
    answer 404, as files not published yet do."""
    year = pd.Timestamp.now(tz="Etc/GMT+8").year - 1
    zipped = {"Content-Type": "application/zip"}
    return {
        f"/airdata/daily_88101_{year}.zip": Reply(
            200, daily_zip(real_days(shared_data, 2024), year, shared_data), zipped
        ),
        f"/airdata/annual_conc_by_monitor_{year}.zip": Reply(
            200, annual_zip(year, shared_data), zipped
        ),
    }


def cdp_routes(shared_data: Path) -> dict:
    """The CDP portal: its catalog (hand-made in Socrata's documented shape, listing the
    known cycles and two datasets not read) and the real CSV exports of 2016-2021."""
    routes = {
        "/cdp/api/catalog/v1": Reply(200, load(FIXTURES / "cdp/catalog_handmade.json"))
    }
    for dataset, text in real_exports(shared_data).items():
        routes[f"/cdp/api/views/{dataset}/rows.csv"] = Reply(
            200, text.encode("utf-8"), {"Content-Type": "text/csv; charset=utf-8"}
        )
    return routes


def eea_routes(shared_data: Path) -> dict:
    """The EEA download service: the file list answers the verified dataset (2) with
    Les Halles, Champs-Élysées and a station the adapter does not read, the up-to-date
    dataset (1) with Les Halles. Files hand-made in the documented schema with the
    stations' real Geod'air days (tests/eea_parquet_files.py): the verified ones hold
    2024's days dated the year before last, the up-to-date one 2025's dated last year."""
    year = pd.Timestamp.now(tz="Etc/GMT-1").year
    files = {
        "/eea-blob/airquality-p-e1a/FR/SPO-FR04055_8.parquet": station_file(
            shared_data, "FR04055", {2024: year - 2}, verification=1
        ),
        "/eea-blob/airquality-p-e1a/FR/SPO-FR04031_8.parquet": station_file(
            shared_data, "FR04031", {2024: year - 2}, verification=1
        ),
        "/eea-blob/airquality-p/FR/SPO-FR04055_8.parquet": station_file(
            shared_data, "FR04055", {2025: year - 1}, verification=3
        ),
    }
    listed = {
        2: [
            "/eea-blob/airquality-p-e1a/FR/SPO-FR04143_8.parquet",
            "/eea-blob/airquality-p-e1a/FR/SPO-FR04055_8.parquet",
            "/eea-blob/airquality-p-e1a/FR/SPO-FR04031_8.parquet",
        ],
        1: ["/eea-blob/airquality-p/FR/SPO-FR04055_8.parquet"],
    }

    def urls(request) -> Reply:
        query = request.json()
        if request.method != "POST" or query.get("pollutants") != ["NO2"]:
            return Reply(400, {"error": "expected a POSTed NO2 query"})
        lines = ["ParquetFileUrl", *("{base}" + p for p in listed[query["dataset"]])]
        return Reply(200, "\n".join(lines) + "\n", {"Content-Type": "text/csv"})

    octet = {"Content-Type": "application/octet-stream"}
    return {
        "/eea/ParquetFile/urls": urls,
        **{path: Reply(200, body, octet) for path, body in files.items()},
    }


def baac_routes(server_url: str) -> dict:
    """data.gouv.fr: the BAAC dataset object (API v1) and each year's files behind its
    stable `latest` address, which redirects to the file, as data.gouv.fr does (files
    hand-made in each year's layout: tests/baac_files.py)."""
    routes = {
        f"/datagouv/api/1/datasets/{DATASET_ID}/": Reply(
            200, dataset_object("{base}/datagouv")
        )
    }
    csv_type = {"Content-Type": "text/csv"}
    for year, names in FILE_NAMES.items():
        for name, payload in zip(names, files_for(year), strict=True):
            static = f"/datagouv/static/resources/baac/20250101-000000/{name}"
            latest = f"/datagouv/fr/datasets/r/r-{name.removesuffix('.csv')}"
            routes[static] = Reply(200, payload, csv_type)
            routes[latest] = Reply(302, b"", {"Location": server_url + static})
    return routes


def ratp_edition(shared_data: Path) -> tuple[int, list[dict]]:
    """The Opendatasoft group_by answer (CONTRACTS.md §1 shape; hand-made, with a null
    group as v2.1 gives) of RATP's 2021 edition, with its real sums per network over
    the stations in Paris, served as the edition of five years ago (the oldest one
    asked); the newer editions answer 404, as unpublished datasets do."""
    frame = pd.read_csv(
        shared_data / "mobility/paris_ratp_annual_entries_by_network_2013_2021.csv"
    )
    real = frame[(frame["year"] == 2021) & (frame["scope"] == "paris_city")]
    rows = [
        {"reseau": r.network, "entries": r.annual_entries} for r in real.itertuples()
    ]
    year = pd.Timestamp.now(tz="Europe/Paris").year - 5
    return year, [*rows, {"reseau": None, "entries": 0}]


def open_meteo(request) -> Reply:
    city = "paris" if request.arg("latitude", "").startswith("48.") else "sf"
    return Reply(200, load(FIXTURES / "open_meteo_air" / f"{city}_handmade.json"))


def install_routes(server: ReplayServer, shared_data: Path) -> None:
    gbfs = shared_data / "mobility" / "gbfs_samples"
    api = shared_data.parent / "api"
    server.routes.update(
        {
            "/velib/gbfs.json": Reply(
                200, load(FIXTURES / "gbfs_paris/gbfs_handmade.json").decode()
            ),
            "/velib/system_information.json": Reply(
                200, load(FIXTURES / "gbfs_paris/system_information_handmade.json")
            ),
            "/velib/station_information.json": Reply(
                200, load(gbfs / "velib_station_information_2025-10-18.json")
            ),
            "/velib/station_status.json": Reply(
                200, load(gbfs / "velib_station_status_2025-10-18.json")
            ),
            "/baywheels/gbfs.json": Reply(
                200, load(FIXTURES / "gbfs_sf/gbfs_handmade.json").decode()
            ),
            "/baywheels/en/system_information": Reply(
                200, load(gbfs / "baywheels_system_information_2023-07-19.json")
            ),
            "/baywheels/en/station_information": Reply(
                200, load(gbfs / "baywheels_station_information_2023-07-19.json")
            ),
            "/baywheels/en/station_status": Reply(
                200, load(gbfs / "baywheels_station_status_2023-07-19.json")
            ),
            "/v1/air-quality": open_meteo,
            "/paris/catalog/datasets/comptage-velo-donnees-compteurs/records": paged(
                handmade_bike_days(), style="ods"
            ),
            "/paris/catalog/datasets/comptages-routiers-permanents/records": paged(
                handmade_traffic_days(), style="ods"
            ),
            "/odre/catalog/datasets/eco2mix-regional-cons-def/records": paged(
                handmade_eco2mix_months(), style="ods"
            ),
            "/sf/resource/dau3-4s8f.json": paged(
                real_fatality_rows(shared_data), style="socrata"
            ),
            "/sf/resource/btm4-e4ak.json": paged(
                real_ghg_rows(shared_data), style="socrata"
            ),
            "/ore/consommation-annuelle-d-electricite-et-gaz-par-commune/values_agg": (
                ore_values_agg(shared_data)
            ),
            "/dot/resource/8bui-9xvu.json": paged(
                handmade_ntd_months(), style="socrata"
            ),
            "/eia/electricity/rto/region-data/data/": Reply(
                200, load(FIXTURES / "eia/region_data_handmade.json")
            ),
            "/openaq/locations": Reply(200, load(api / "openaq/v3_locations.json")),
            "/openaq/sensors/3920/days": Reply(
                200, load(api / "openaq/v3_measurements.json")
            ),
            **airdata_routes(shared_data),
            **eea_routes(shared_data),
            **baac_routes(server.url),
            **cdp_routes(shared_data),
        }
    )
    year, edition = ratp_edition(shared_data)
    dataset = f"trafic-annuel-entrant-par-station-du-reseau-ferre-{year}"
    server.routes[f"/ratp/catalog/datasets/{dataset}/records"] = paged(
        edition, style="ods"
    )


REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The app under gunicorn (two workers) on a free port, on an empty live store."""
    port = free_port()
    env = {**os.environ, "SISTERCITIES_DATA_DIR": str(tmp_path_factory.mktemp("d"))}
    process = start_gunicorn(env, port, REPO, workers=2)
    yield f"http://127.0.0.1:{port}"
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=WAIT_SECONDS)


@pytest.fixture
def replay(shared_data):
    """A running replay server with every upstream's recorded routes."""
    server = ReplayServer().start()
    install_routes(server, shared_data)
    yield server
    server.stop()


@pytest.fixture
def live_env(replay, monkeypatch, empty_live_store):
    """Environment of a refresher pointed at the replay server (fast retries, no cache)."""
    for source in SOURCES:
        if source.live:
            monkeypatch.setenv(source.url_env, replay.url + BASE_PATHS[source.id])
    for name, value in TEST_KEYS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("SISTERCITIES_OFFLINE", "0")
    monkeypatch.setenv("SISTERCITIES_RETRIES", "1")
    monkeypatch.setenv("SISTERCITIES_TIMEOUT", "1")
    monkeypatch.setenv("SISTERCITIES_HTTP_CACHE_SECONDS", "0")
    return replay


@pytest.fixture
def live_settings(live_env) -> Settings:
    return Settings.from_env()


def as_json(reply: Reply) -> object:
    return json.loads(reply.encoded("http://x"))


@pytest.fixture(scope="session")
def fault_matrix():
    """Rows (source, fault, refresh status, message, pages) that the fault tests add;
    written to fault-matrix.md and shown at the end of the run."""
    rows: list[tuple] = []
    yield rows
    if not rows:
        return
    lines = [
        "| source | fault | refresh | message | pages after |",
        "|---|---|---|---|---|",
    ]
    for source, fault, status, message, pages in sorted(rows):
        lines.append(f"| {source} | {fault} | {status} | {message[:70]} | {pages} |")
    table = "\n".join(lines) + "\n"
    path = fault_matrix_path()
    path.write_text("# Fault matrix\n\n" + table, encoding="utf-8")
    # tests/conftest.py shows it at the end of the run
