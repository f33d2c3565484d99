"""In one process: readiness, /api/sources and the pages while the live store cannot be
reached (a Redis URL where nothing listens), and a refresher that stopped succeeding.

The whole deployment with a real redis-server stopped and restarted, a full disk and
concurrent refreshers is tests/integration/test_own_failures.py."""

from __future__ import annotations

import pandas as pd
import pytest

import data_sources
from app import server
from components.i18n import t
from components.pages.dashboard import panel_for, plain_panel, share_codes, shared_panel
from components.state import parse_query
from data_sources.store.files import clear_problems
from tests.helpers import free_port, texts

NOTICE_EN = t("live_unavailable", "en")


@pytest.fixture
def redis_down(monkeypatch):
    """SISTERCITIES_REDIS_URL pointing at a port where nothing listens."""
    monkeypatch.setenv("SISTERCITIES_REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")
    panel_for.cache_clear()
    plain_panel.cache_clear()
    yield
    clear_problems("redis")  # this process's record of the outage, for the next test
    panel_for.cache_clear()
    plain_panel.cache_clear()


def test_a_snapshot_only_install_is_ready():
    client = server.test_client()
    assert client.get("/health").get_json() == {"status": "ok"}
    deep = client.get("/health?deep=1")
    body = deep.get_json()
    assert deep.status_code == 200 and body["ready"] is True, body
    assert body["checks"]["store"]["backend"] == "files"
    assert "no refresher has run" in body["checks"]["refresher"]["message"]


def test_a_refresher_that_stopped_succeeding_makes_the_instance_not_ready():
    store = data_sources.get_store()
    long_ago = pd.Timestamp.now(tz="UTC") - pd.Timedelta(hours=5)
    store.write_status(
        "gbfs_sf",
        {
            "status": "ok",
            "message": "",
            "rows": 6,
            "attempted_at": f"{long_ago:%Y-%m-%dT%H:%M:%SZ}",
        },
    )
    deep = server.test_client().get("/health?deep=1")
    assert deep.status_code == 503
    [reason] = deep.get_json()["reasons"]
    assert reason.startswith("refresher: last successful refresh ")
    assert deep.headers["Cache-Control"] == "no-store"


def test_with_the_live_store_unreachable_every_answer_still_comes(redis_down):
    client = server.test_client()
    for path in (
        "/api/series/no2.csv",
        "/api/sources",
        "/embed/no2?lang=en",
        "/present?lang=en",
        "/_dash-layout",
    ):
        response = client.get(path)
        assert response.status_code == 200, (
            path,
            response.get_data(as_text=True)[:300],
        )
    embed = client.get("/embed/no2?lang=en").get_data(as_text=True)
    # Said before the numbers, not under the chart.
    assert embed.index(NOTICE_EN) < embed.index('id="chart"')
    stage = client.get("/present?lang=en").get_data(as_text=True)
    assert t("live_unavailable_short", "en") in stage
    deep = client.get("/health?deep=1")
    assert deep.status_code == 503
    assert deep.get_json()["checks"]["store"]["backend"] == "redis"
    sources = {s["id"]: s for s in client.get("/api/sources").get_json()}
    assert sources["gbfs_sf"]["status"] == "error"
    assert sources["gbfs_sf"]["message"].startswith("live store unavailable: Redis at")
    assert sources["gbfs_sf"]["storage"]["ok"] is False
    # Data shipped with the app are not the live store's: they stay as they were.
    assert sources["airparif_stations"]["status"] != "error"


def test_the_dashboard_says_live_data_are_away_in_both_languages(redis_down):
    for lang in ("en", "fr"):
        panel = shared_panel(parse_query(f"?indicator=no2&lang={lang}"))
        assert t("live_unavailable", lang) in texts(panel)


def test_freezing_an_embed_says_it_cannot_rather_than_not_freezing(redis_down):
    codes, _ = share_codes(parse_query("?indicator=no2&lang=fr"), pinned=True)
    assert set(codes.values()) == {t("pin_unavailable", "fr")}
    assert "pin=" not in "".join(codes.values())
