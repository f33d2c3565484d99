"""When our own parts fail: Redis down and back, Redis flushed, a full disk, a read-only
data dir, a corrupt CSV or sidecar, two refreshers at once, a refresher killed mid-write.

Each case runs against a real deployment — a gunicorn web server, refresher processes
(`python -m data_sources refresh`), the replay server for upstreams, and for the Redis
cases a real redis-server — and checks what a reader and an operator see: the
dashboard (page and layout), an embed, its PNG, the stage, the data API, /api/sources
and /health (liveness and `?deep=1` readiness). Every case adds a row to the
infrastructure fault matrix (infra-fault-matrix.md), printed at the end of the run.

The disk cases mount a small tmpfs (and remount it read-only) when the test may mount;
elsewhere they inject the errno at the operating system's open calls in the refresher
(tests/inject_fault.py), and the matrix says "injected".
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis
import requests

from tests.conftest import infra_matrix_path
from tests.helpers import (
    READY_DEADLINE_SECONDS,
    WAIT_SECONDS,
    free_port,
    redis_server_command,
    start_gunicorn,
    start_redis,
    until,
)
from tests.integration.conftest import BASE_PATHS, install_routes
from tests.replay import ReplayServer, Reply

REPO = Path(__file__).resolve().parents[2]
VOLUME_BYTES = 16 * 1024 * 1024
NOTICE = "Live data are temporarily unavailable"
# What each column of the matrix asks for (an embed of a live indicator, so live rows
# and their loss are visible).
PAGES = {
    "dashboard": "/?indicator=bikes_available&lang=en",
    "layout": "/_dash-layout",
    "embed": "/embed/bikes_available?lang=en",
    "image": "/embed/bikes_available.png",
    "stage": "/present?lang=en",
    "api": "/api/series/bikes_available.csv?cities=sf",
    "sources": "/api/sources",
    "health": "/health",
    "ready": "/health?deep=1",
}
MATRIX: list[dict] = []


@pytest.fixture(scope="module", autouse=True)
def infra_matrix():
    """Written after the module's cases ran; tests/conftest.py prints it."""
    yield
    if not MATRIX:
        return
    columns = ["fault", "store", "refresh", *PAGES, "gbfs_sf in /api/sources", "after"]
    lines = [
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns),
    ]
    for row in MATRIX:
        cells = [row["fault"], row["store"], row["refresh"]]
        cells += [str(row["pages"].get(name, "")) for name in PAGES]
        cells += [row["sources"], row["after"]]
        # Ports and content hashes change from run to run; the table should not.
        cells = [re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:<port>", c) for c in cells]
        cells = [re.sub(r"\.[0-9a-f]{12}\.csv", ".<hash>.csv", c) for c in cells]
        lines.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    text = "# Infrastructure fault matrix\n\n" + "\n".join(lines) + "\n"
    infra_matrix_path().write_text(text, encoding="utf-8")


# ------------------------------------------------------------------ the deployment


def gbfs_clock():
    """Bay Wheels' real station_status, its `last_updated` set to a minute ago and a
    second more per request (hand-made timestamps): every refresh is a new point, and
    a current one (a feed a day behind is stale by its data's own age), as on the real
    feed."""
    shared = Path(
        os.environ.get("SISTERCITIES_SHARED_DATA", REPO.parent / "shared" / "data")
    )
    body = (
        shared / "mobility/gbfs_samples/baywheels_station_status_2023-07-19.json"
    ).read_text(encoding="utf-8")
    calls = iter(range(10**6))

    def handler(_request) -> Reply:
        # The clock's own time, so the points stay current however long the tests
        # take; the count keeps two requests in one second apart.
        stamp = int(time.time()) - 60 + next(calls)
        return Reply(
            200,
            re.sub(r'"last_updated":\s*\d+', f'"last_updated": {stamp}', body, count=1),
        )

    return handler


@dataclass
class Deployment:
    env: dict
    url: str
    data_dir: Path
    volume: Path | None  # the mounted tmpfs holding data_dir, if one could be mounted
    web: subprocess.Popen | None = None
    redis_server: subprocess.Popen | None = None
    redis_args: list = field(default_factory=list)

    def refresh(self, *sources: str, inject: str | None = None, wait: bool = True):
        command = ["-m", "data_sources", "refresh", "--no-progress"]
        for source_id in sources or ("gbfs_sf",):
            command += ["--source", source_id]
        if inject:  # an errno under the data dir, where no volume could be mounted
            command = ["-m", "tests.inject_fault", inject, str(self.data_dir), *command]
        if not wait:
            return subprocess.Popen(
                [sys.executable, *command],
                cwd=REPO,
                env=self.env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        return subprocess.run(
            [sys.executable, *command],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    def get(self, path: str) -> requests.Response:
        return requests.get(self.url + path, timeout=READY_DEADLINE_SECONDS)

    def probe(self) -> dict:
        """Every page's status code (and what it says where it matters)."""
        found = {}
        for name, path in PAGES.items():
            response = self.get(path)
            found[name] = response
        return found

    def sf_origins(self) -> list[str]:
        body = self.get(PAGES["api"]).text
        return [row["origin"] for row in csv.DictReader(io.StringIO(body))]

    def live_points(self) -> int:
        """How many GBFS points the live store holds for San Francisco."""
        return self.sf_origins().count("live")

    def gbfs_sf(self) -> dict:
        sources = self.get(PAGES["sources"]).json()
        return next(s for s in sources if s["id"] == "gbfs_sf")


def mount_volume(folder: Path) -> bool:
    """A small tmpfs on `folder`, if this process may mount (root with mount rights)."""
    folder.mkdir(parents=True, exist_ok=True)
    if not shutil.which("mount") or os.geteuid() != 0:
        return False
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={VOLUME_BYTES}", "tmpfs", str(folder)],
        capture_output=True,
    )
    return done.returncode == 0


def unmount(folder: Path) -> None:
    subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def start_web(env: dict, port: int, log: Path) -> subprocess.Popen:
    # One worker: what a worker holds (its last data) and what it has found wrong with
    # the store are per process, and the probes should meet the same one.
    with open(log, "ab") as handle:
        return start_gunicorn(env, port, REPO, workers=1, log=handle)


def stop(process: subprocess.Popen | None, group: bool = True) -> None:
    """SIGTERM (to the process group of a web server and its workers), then wait."""
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        if group:
            os.killpg(process.pid, signal.SIGTERM)
        else:
            process.terminate()
    process.wait(timeout=60)


def base_env(replay: ReplayServer, data_dir: Path) -> dict:
    env = {
        **os.environ,
        "SISTERCITIES_DATA_DIR": str(data_dir),
        "SISTERCITIES_OFFLINE": "0",
        "SISTERCITIES_RETRIES": "1",
        "SISTERCITIES_TIMEOUT": "5",
        # Every refresh asks again (a new GBFS point each time).
        "SISTERCITIES_HTTP_CACHE_SECONDS": "0",
    }
    for source_id, path in BASE_PATHS.items():
        env[f"SISTERCITIES_{source_id.upper()}_URL"] = replay.url + path
    return env


@pytest.fixture(scope="module")
def module_replay(shared_data):
    server = ReplayServer().start()
    install_routes(server, shared_data)
    server.routes["/baywheels/en/station_status"] = gbfs_clock()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def files_deployment(module_replay, tmp_path_factory):
    """The file store on its own small volume, one web worker, two points refreshed."""
    root = tmp_path_factory.mktemp("files-deployment")
    volume = root / "volume"
    mounted = mount_volume(volume)
    data_dir = volume / "live"
    data_dir.mkdir(parents=True, exist_ok=True)
    env = base_env(module_replay, data_dir)
    port = free_port()
    deployment = Deployment(
        env, f"http://127.0.0.1:{port}", data_dir, volume if mounted else None
    )
    for _ in range(2):  # a current and a previous version of every live series
        assert deployment.refresh().returncode == 0
    deployment.web = start_web(env, port, root / "web.log")
    try:
        yield deployment
    finally:
        stop(deployment.web)
        if mounted:
            subprocess.run(
                ["mount", "-o", "remount,rw", str(volume)], capture_output=True
            )
            unmount(volume)


@pytest.fixture(scope="module")
def redis_deployment(module_replay, tmp_path_factory):
    """Redis with its append-only file (a restart keeps the data, as in production),
    one web worker, one refresh done."""
    root = tmp_path_factory.mktemp("redis-deployment")
    port = free_port()
    args = redis_server_command(port, root, durable=True)
    server = start_redis(args)
    env = base_env(module_replay, root / "unused")
    env["SISTERCITIES_REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
    web_port = free_port()
    deployment = Deployment(
        env, f"http://127.0.0.1:{web_port}", root / "unused", None, None, server, args
    )
    for _ in range(2):
        assert deployment.refresh().returncode == 0
    deployment.web = start_web(env, web_port, root / "web.log")
    try:
        yield deployment
    finally:
        stop(deployment.web)
        stop(deployment.redis_server, group=False)


# ------------------------------------------------------------------ checks


def codes(found: dict) -> dict:
    """'200' per page, with the notice marked where a page says live data are away."""
    out = {}
    for name, response in found.items():
        text = str(response.status_code)
        if name in ("layout", "embed", "stage") and NOTICE in response.text:
            text += " notice"
        out[name] = text
    return out


def assert_served(found: dict) -> None:
    """Nothing a reader asks for fails because of our storage."""
    for name, response in found.items():
        if name == "ready":
            continue
        assert response.status_code < 500, (
            name,
            response.status_code,
            response.text[:300],
        )
    assert found["health"].json() == {"status": "ok"}


def one_line(result: subprocess.CompletedProcess) -> str:
    """The refresh's stderr line that says what went wrong (no traceback)."""
    assert "Traceback" not in result.stderr, result.stderr
    lines = [
        line
        for line in result.stderr.splitlines()
        if "cannot write" in line or "live store unavailable" in line
    ]
    verdicts = [line for line in lines if " — " in line]  # "gbfs_sf: error — …"
    return (verdicts or lines)[0]


def refresh_cell(result: subprocess.CompletedProcess, data_dir: Path) -> str:
    """'exit 3: cannot write <data dir>/…: No space left on device'."""
    line = one_line(result).split(" — ", 1)[-1]
    return f"exit {result.returncode}: {placeholders(line, data_dir)}"


def placeholders(text: str, data_dir: Path) -> str:
    """The matrix's words for what changes from run to run: the data dir, and the
    month of a dense series' part (the day's, not the fault's)."""
    text = text.replace(str(data_dir), "<data dir>")
    return re.sub(r"@\d{4}-\d{2}\.", "@<month>.", text)


def source_cell(d: Deployment) -> str:
    """gbfs_sf's status in /api/sources, and its message when not ok."""
    status = d.gbfs_sf()
    if status["status"] == "ok":
        return "ok"
    return f"{status['status']}: {placeholders(status['message'], d.data_dir)}"


def record(fault, store, refresh, found, sources, after):
    MATRIX.append(
        {
            "fault": fault,
            "store": store,
            "refresh": refresh,
            "pages": codes(found),
            "sources": sources,
            "after": after,
        }
    )


def ready(deployment: Deployment) -> bool:
    return deployment.get(PAGES["ready"]).status_code == 200


def no_litter(folder: Path) -> list[Path]:
    """Temporary files a crash or a failed write left behind (none expected)."""
    return [p for p in folder.rglob(".*.tmp")]


# ------------------------------------------------------------------ file store cases


def fill(volume: Path, where: Path, chunk: int = 64 * 1024) -> list[Path]:
    """Fill the volume to the last byte with filler files in `where` (not data)."""
    where.mkdir(parents=True, exist_ok=True)
    made = []
    block = b"\0" * chunk
    n = 0
    while True:
        path = where / f"filler-{n:05d}.bin"
        try:
            with open(path, "wb") as handle:
                handle.write(block)
        except OSError:
            with contextlib.suppress(FileNotFoundError):
                if path.stat().st_size < chunk:
                    path.unlink()
            if chunk <= 512:
                return made
            chunk //= 8
            block = b"\0" * chunk
            continue
        made.append(path)
        n += 1


def stopped_in_one_line(d: Deployment, result, cause: str, before: int):
    """A refresh the disk refused: exit 3 and one line naming the path and `cause`;
    every page still served, the last good data intact, and (on a real volume) the
    readiness check down for that cause. Returns (the pages found, the sources cell)."""
    assert result.returncode == 3, result.stdout + result.stderr
    line = one_line(result)
    assert re.search(rf"cannot write {re.escape(str(d.data_dir))}\S*: {cause}", line), (
        line
    )
    found = d.probe()
    assert_served(found)
    during = source_cell(d)
    assert d.live_points() == before  # the last good data, intact
    if d.volume is not None:
        assert found["ready"].status_code == 503
        assert cause in " ".join(found["ready"].json()["reasons"])
    return found, during


def test_a_full_disk_stops_the_refresh_with_one_line_and_loses_nothing(
    files_deployment,
):
    d = files_deployment
    before = d.live_points()
    if d.volume is not None:
        # Nothing left for the caches to give (that case is the next test): the disk
        # is full of someone else's files.
        shutil.rmtree(d.data_dir / "_cache", ignore_errors=True)
        for path in d.data_dir.glob("http_cache*"):
            path.unlink()
        fillers = fill(d.volume, d.volume / "other-files")
        result = d.refresh()
        fault = "disk full (tmpfs)"
    else:
        fillers = []
        result = d.refresh(inject="ENOSPC")
        fault = "disk full (injected ENOSPC at open)"
    try:
        found, during = stopped_in_one_line(
            d, result, "No space left on device", before
        )
        summary = result.stdout.splitlines()[1].split()
        assert summary[:2] == ["gbfs_sf", "error"]
        assert not no_litter(d.data_dir)
    finally:
        for path in fillers:
            path.unlink()
    until(lambda: ready(d))
    assert d.refresh().returncode == 0
    assert d.live_points() == before + 1
    record(
        fault,
        "files",
        refresh_cell(result, d.data_dir),
        found,
        during,
        "space freed: ready 200, refresh ok",
    )


def test_a_disk_full_of_caches_gives_them_up_for_the_data(files_deployment):
    d = files_deployment
    if d.volume is None:
        pytest.skip(
            "needs a mounted volume to fill (cannot be injected: space must be freed)"
        )
    before = d.live_points()
    cache = d.data_dir / "_cache" / "image"
    fillers = fill(d.volume, cache)  # chart images, as far as the server knows
    assert fillers
    try:
        result = d.refresh()
        assert result.returncode == 0, result.stdout + result.stderr
        assert "deleted" in result.stderr and "caches" in result.stderr
        assert d.live_points() == before + 1
        found = d.probe()
        assert_served(found)
        during = source_cell(d)
    finally:
        for path in fillers:
            path.unlink(missing_ok=True)
    record(
        "disk full of cached images",
        "files",
        "exit 0: caches deleted, the point stored",
        found,
        during,
        "-",
    )


def test_a_read_only_data_dir_is_said_in_one_line(files_deployment):
    d = files_deployment
    before = d.live_points()
    if d.volume is not None:
        subprocess.run(["mount", "-o", "remount,ro", str(d.volume)], check=True)
        result = d.refresh()
        fault = "read-only data dir (remount ro)"
    else:
        result = d.refresh(inject="EROFS")
        fault = "read-only data dir (injected EROFS at open)"
    try:
        found, during = stopped_in_one_line(d, result, "Read-only file system", before)
    finally:
        if d.volume is not None:
            subprocess.run(["mount", "-o", "remount,rw", str(d.volume)], check=True)
    until(lambda: ready(d))
    record(
        fault,
        "files",
        refresh_cell(result, d.data_dir),
        found,
        during,
        "remounted rw: ready 200",
    )


def live_files(d: Deployment) -> tuple[Path, Path]:
    """The San Francisco bikes series' newest part: its sidecar and the data file it
    points at."""
    *_, sidecar = sorted((d.data_dir / "bikes_available").glob("sf__gbfs_sf@*.json"))
    meta = json.loads(sidecar.read_text(encoding="utf-8"))
    return sidecar, sidecar.parent / meta["file"]


def test_a_truncated_live_csv_is_said_and_its_previous_version_serves(files_deployment):
    d = files_deployment
    assert d.refresh().returncode == 0  # a fresh current + previous pair
    before = d.live_points()
    sidecar, data = live_files(d)
    data.write_bytes(data.read_bytes()[:120])  # truncated by a disk fault
    found = d.probe()
    assert_served(found)
    assert d.live_points() == before - 1  # the previous version: one point less
    status = d.gbfs_sf()
    assert status["status"] == "error"
    assert str(data) in status["message"] and "checksum mismatch" in status["message"]
    assert "serving the previous version" in status["message"]
    during = source_cell(d)
    assert d.refresh().returncode == 0
    assert source_cell(d) == "ok"
    record(
        "corrupt live CSV (truncated)",
        "files",
        "-",
        found,
        during,
        "next refresh: ok",
    )


def test_a_garbage_sidecar_is_said_and_the_newest_intact_rows_serve(files_deployment):
    d = files_deployment
    before = d.live_points()
    sidecar, _data = live_files(d)
    sidecar.write_bytes(b"\x00garbage{")
    found = d.probe()
    assert_served(found)
    assert d.live_points() == before
    status = d.gbfs_sf()
    assert status["status"] == "error" and "unreadable sidecar" in status["message"]
    during = source_cell(d)
    assert d.refresh().returncode == 0
    assert source_cell(d) == "ok"
    assert d.live_points() == before + 1
    record(
        "corrupt sidecar (garbage)",
        "files",
        "-",
        found,
        during,
        "next refresh: ok",
    )


def test_two_refreshers_at_once_never_lose_a_point(files_deployment):
    d = files_deployment
    before = d.live_points()
    for _round in range(6):
        pair = [d.refresh(wait=False) for _ in range(2)]
        for process in pair:
            out, err = process.communicate(timeout=300)
            assert process.returncode == 0, out + err
    assert d.live_points() == before + 12
    found = d.probe()
    assert_served(found)
    record(
        "two refreshers at once, 6 rounds",
        "files",
        "exit 0 ×12: 12 of 12 points kept",
        found,
        source_cell(d),
        "-",
    )


def test_a_refresher_killed_mid_write_leaves_whole_data(files_deployment):
    d = files_deployment
    rng = random.Random(19)
    for _trial in range(3):
        child = d.refresh(wait=False)
        time.sleep(rng.uniform(0.5, 2.0))
        child.kill()
        child.communicate(timeout=WAIT_SECONDS)
    found = d.probe()
    assert_served(found)
    assert d.gbfs_sf()["status"] in ("ok", "stale")  # nothing damaged to report
    assert "live" in d.sf_origins()
    record(
        "refresher killed mid-write (kill -9 ×3)",
        "files",
        "killed (-9)",
        found,
        source_cell(d),
        "-",
    )


# ------------------------------------------------------------------ Redis cases


def test_redis_down_then_back_degrades_and_recovers_without_a_restart(redis_deployment):
    d = redis_deployment
    baseline = d.probe()  # the worker reads live data once, as in normal traffic
    assert_served(baseline)
    assert baseline["ready"].status_code == 200, baseline["ready"].text
    live_before = d.live_points()
    assert live_before >= 2
    stop(d.redis_server, group=False)
    found = d.probe()
    assert_served(found)
    assert found["ready"].status_code == 503
    reasons = " ".join(found["ready"].json()["reasons"])
    assert "Redis at 127.0.0.1" in reasons
    for page in ("layout", "embed", "stage"):
        assert NOTICE in found[page].text, page
    assert d.live_points() == live_before  # the last data this worker holds
    status = d.gbfs_sf()
    assert status["status"] == "error" and "live store unavailable" in status["message"]
    assert status["storage"]["ok"] is False
    during = source_cell(d)
    result = d.refresh()
    assert result.returncode == 3, result.stdout + result.stderr
    line = one_line(result)
    assert "live store unavailable: Redis at 127.0.0.1" in line
    d.redis_server = start_redis(d.redis_args)  # the same port, its data kept on disk
    until(lambda: ready(d))
    after = d.probe()
    assert NOTICE not in after["embed"].text
    assert d.live_points() == live_before
    assert d.refresh().returncode == 0
    assert d.live_points() == live_before + 1
    record(
        "Redis down",
        "redis",
        refresh_cell(result, d.data_dir),
        found,
        during,
        "Redis back: ready 200, live data, no restart",
    )


def test_redis_flushed_serves_the_snapshot_and_says_so(redis_deployment):
    d = redis_deployment
    assert_served(d.probe())
    client = redis.Redis.from_url(d.env["SISTERCITIES_REDIS_URL"])
    client.flushall()
    found = d.probe()
    assert_served(found)
    assert "live" not in d.sf_origins()  # only what the snapshot has
    status = d.gbfs_sf()
    assert status["status"] == "error" and "live store emptied" in status["message"]
    assert found["ready"].status_code == 503
    during = source_cell(d)
    assert d.refresh().returncode == 0
    until(lambda: ready(d))
    assert d.live_points() == 1
    record(
        "Redis flushed",
        "redis",
        "-",
        found,
        during,
        "next refresh: ok, ready 200",
    )
