"""The replay server with every upstream's routes, and settings pointing at it."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

from data_sources.registries import SOURCES
from data_sources.settings import Settings
from tests.conftest import fault_matrix_path
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
            "/eia/electricity/rto/region-data/data/": Reply(
                200, load(FIXTURES / "eia/region_data_handmade.json")
            ),
            "/openaq/locations": Reply(200, load(api / "openaq/v3_locations.json")),
            "/openaq/sensors/3920/days": Reply(
                200, load(api / "openaq/v3_measurements.json")
            ),
        }
    )


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
