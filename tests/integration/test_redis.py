"""Scale-out: web processes and the refresher share one real redis-server."""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import redis
import requests

from data_sources.store.files import read_rows
from data_sources.store.redis_live import RedisSeriesStore
from tests.helpers import (
    READY_DEADLINE_SECONDS,
    WAIT_SECONDS,
    free_port,
    redis_server_command,
    start_gunicorn,
    start_redis,
)
from tests.integration.conftest import BASE_PATHS

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def redis_url(tmp_path):
    """A real redis-server on a free loopback port, empty, stopped after the test."""
    port = free_port()
    process = start_redis(redis_server_command(port, tmp_path, durable=False))
    url = f"redis://127.0.0.1:{port}/0"
    yield url
    process.terminate()
    process.wait(timeout=WAIT_SECONDS)


def tidy(values, start="2026-11-20"):
    """A small hand-made frame in the store's schema (tests only)."""
    return pd.DataFrame(
        {
            "city": "paris",
            "indicator": "bikes_available",
            "time": pd.date_range(start, periods=len(values), freq="h", tz="UTC"),
            "freq": "instant",
            "value": values,
            "source": "gbfs_paris",
        }
    )


def test_redis_store_serves_snapshot_and_live_rows_together(redis_url):
    store = RedisSeriesStore(redis_url)
    before = store.version(["bikes_available"])
    store.write_live(tidy([100.0, 101.0]), {"fetched_at": "2026-11-25T10:00:00Z"})
    rows = store.read("bikes_available", ["paris"])
    assert rows["origin"].tolist() == ["snapshot", "live", "live"]
    assert rows["value"].tolist() == [18066.0, 100.0, 101.0]
    assert store.version(["bikes_available"]) != before
    # Another process's store object (another worker) sees the same thing.
    assert (
        RedisSeriesStore(redis_url)
        .read("bikes_available", ["paris"])["value"]
        .tolist()[-1]
        == 101.0
    )


def test_a_rewrite_swaps_the_pointer_and_old_rows_expire(redis_url):
    store = RedisSeriesStore(redis_url)
    store.write_live(tidy([1.0]), {})
    store.write_live(tidy([2.0]), {})
    [live] = [
        s for s in store.series("bikes_available") if s.provenance["origin"] == "live"
    ]
    assert read_rows(live)["value"].tolist() == [2.0]
    client = redis.Redis.from_url(redis_url)
    ttls = [client.ttl(k) for k in client.scan_iter("sistercities:data:*")]
    assert sorted(t > 0 for t in ttls) == [
        False,
        True,
    ]  # the old version expires, the new stays


def test_a_refresh_rewrites_only_the_part_its_new_reading_falls_in(redis_url):
    store = RedisSeriesStore(redis_url)
    with store.locked():  # two months of hourly readings, then one more, as refreshes
        store.write_live(tidy([float(n) for n in range(1440)], "2026-09-01"), {})
    client = redis.Redis.from_url(redis_url)
    before = client.hgetall("sistercities:series:bikes_available")
    assert sorted(before) == [
        b"paris__gbfs_paris@2026-09",
        b"paris__gbfs_paris@2026-10",
    ]
    with store.locked():
        _, merged = store.merged_live(
            "bikes_available", "paris", "gbfs_paris", tidy([5.0], "2026-10-30T00:00")
        )
        store.write_live(merged, {})
    after = client.hgetall("sistercities:series:bikes_available")
    assert after[b"paris__gbfs_paris@2026-09"] == before[b"paris__gbfs_paris@2026-09"]
    assert after[b"paris__gbfs_paris@2026-10"] != before[b"paris__gbfs_paris@2026-10"]
    [live] = [
        s for s in store.series("bikes_available") if s.provenance["origin"] == "live"
    ]
    assert live.provenance["rows"] == 1440
    assert read_rows(live)["value"].tolist()[-24] == 5.0


def run(args, env, timeout=120):
    return subprocess.run(
        [sys.executable, *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_two_web_processes_see_one_refreshers_data(redis_url, replay, tmp_path):
    env = {
        **os.environ,
        "SISTERCITIES_REDIS_URL": redis_url,
        "SISTERCITIES_OFFLINE": "0",
        "SISTERCITIES_DATA_DIR": str(tmp_path / "unused"),
        "SISTERCITIES_RETRIES": "1",
        "SISTERCITIES_HTTP_CACHE_SECONDS": "600",
    }
    for source_id, path in BASE_PATHS.items():
        env[f"SISTERCITIES_{source_id.upper()}_URL"] = replay.url + path
    ports = [free_port(), free_port()]
    webs = [start_gunicorn(env, port, REPO) for port in ports]
    try:
        result = run(
            ["-m", "data_sources", "refresh", "--source", "gbfs_sf", "--no-progress"],
            env,
        )
        assert result.returncode == 0, result.stderr
        for port in ports:
            body = requests.get(
                f"http://127.0.0.1:{port}/api/series/bikes_available.csv?cities=sf",
                timeout=READY_DEADLINE_SECONDS,
            ).text
            rows = list(csv.DictReader(io.StringIO(body)))
            assert [r["origin"] for r in rows] == ["live"], port
            sources = requests.get(
                f"http://127.0.0.1:{port}/api/sources", timeout=READY_DEADLINE_SECONDS
            ).json()
            # Refreshed by the other process: a live source (its replayed feed is of
            # 2023, so stale by the data's own age), the same answer on each port.
            gbfs_sf = {s["id"]: s for s in sources}["gbfs_sf"]
            assert gbfs_sf["fetched_at"] and gbfs_sf["status"] == "stale"
        client = redis.Redis.from_url(redis_url)
        assert list(
            client.scan_iter("sistercities:http*")
        )  # the HTTP cache is shared too
        assert not list((tmp_path / "unused").glob("**/*.csv"))  # nothing went to files
    finally:
        for web in webs:
            os.killpg(web.pid, signal.SIGTERM)
            web.wait(timeout=WAIT_SECONDS)


def test_views_are_built_once_and_shared_through_redis(redis_url, monkeypatch):

    import data_sources
    from components.pages.dashboard import panel_for, plain_panel, shared_panel
    from components.state import parse_query

    monkeypatch.setenv("SISTERCITIES_REDIS_URL", redis_url)
    state = parse_query("?lang=fr&indicator=no2&view=gap")
    first = shared_panel(state)  # built here, stored in Redis
    client = redis.Redis.from_url(redis_url)
    [key] = list(client.scan_iter("sistercities:panel:*"))
    panel_for.cache_clear()  # as if another worker asked
    plain_panel.cache_clear()
    second = shared_panel(state)
    # Plain JSON: the view's head and body, each a list of component dicts (and None).
    assert isinstance(second, list) and len(second) == 2
    assert all(c is None or isinstance(c, dict) for part in second for c in part)
    assert second == first
    assert panel_for.cache_info().currsize == 0  # served from Redis, not rebuilt
    # A refresh moves the data version: the next view is a new key.
    data_sources.get_store().write_live(
        tidy([1.0]).assign(indicator="no2", source="open_meteo_air"), {}
    )
    shared_panel(state)
    assert len(list(client.scan_iter("sistercities:panel:*"))) == 2


WRITER = """
import sys, pandas as pd
from data_sources.store.redis_live import RedisSeriesStore
from tests.integration.test_redis import tidy
store = RedisSeriesStore(sys.argv[1])
# One whole version before "ready": a kill on a busy machine, before the loop wrote
# anything, still finds a version to read.
n = 1
store.write_live(tidy([float(n)] * 24), {"fetched_at": "2026-11-25T00:00:00Z"})
print("ready", flush=True)
while True:  # versions 0, 1, 2, ... each a whole day of hourly values equal to n
    n += 1
    store.write_live(tidy([float(n)] * 24), {"fetched_at": "2026-11-25T00:00:00Z"})
"""


def test_a_writer_killed_at_random_leaves_a_whole_version_in_redis(redis_url):
    """kill -9 while a refresher writes to Redis: a reader gets one complete version."""
    import random

    rng = random.Random(11)
    store = RedisSeriesStore(redis_url)
    seen = set()
    for _trial in range(6):
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, redis_url],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert writer.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.05, 0.6))
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait(timeout=WAIT_SECONDS)
        [stored] = [
            s
            for s in store.series("bikes_available")
            if s.provenance["origin"] == "live"
        ]
        rows = read_rows(stored)  # raises on missing data or a checksum mismatch
        assert len(rows) == 24 and rows["value"].nunique() == 1  # never a mix
        seen.add(rows["value"].iloc[0])
    assert len(seen) > 1  # the kills landed at different points of the writing


def test_every_worker_says_redis_was_emptied_not_only_the_one_that_saw_it(
    redis_url, tmp_path
):
    """/health?deep=1 is asked of any worker: after Redis is flushed, the worker that
    had read its series and one that never had must give the same answer (it was 503
    from one and 200 from the other)."""
    from data_sources.store.files import clear_problems, problems

    instance_dir = tmp_path / "live"  # what the workers of one instance share
    worker = RedisSeriesStore(redis_url, held_dir=instance_dir)
    worker.write_live(tidy([1.0, 2.0]), {"fetched_at": "2026-11-25T10:00:00Z"})
    assert any(s.provenance["origin"] == "live" for s in worker.series())
    redis.Redis.from_url(redis_url).flushall()

    for seen_before in (True, False):
        clear_problems()  # each worker keeps its own problems: start from none
        store = (
            worker
            if seen_before
            else RedisSeriesStore(redis_url, held_dir=instance_dir)
        )
        store.series()
        said = " ".join(problems().get("*", []))
        assert "live store emptied" in said, seen_before
    clear_problems()
