"""Benchmarks: the project against a stock one-graph Dash app, same machine, same run.

    python bench/run.py [--seconds 10] [--clients 8] [--no-scaling]

Prints a table of ratios project/stock (Lighthouse rows when lighthouse is installed:
`npm install --no-save lighthouse`, or LIGHTHOUSE=path), then how the app behaves with
a day, a month and a year of 10-minute live history (a benchmark fixture generated in a
temporary store). Every load goes to 127.0.0.1 only, is bounded in
time and request count, and stops by itself. It reports; it never fails anything.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from pathlib import Path

import numpy as np
import pandas as pd
import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from tests.helpers import free_port  # noqa: E402  (after the repo joins the path)

MAX_REQUESTS = 20_000  # per load test, whatever the duration


def wait_for(url: str, timeout: float = 30.0) -> float:
    """Seconds until `url` answers 200."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return time.monotonic() - start
        except requests.RequestException:
            pass
        time.sleep(0.02)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


@contextmanager
def gunicorn(module: str, workers: int = 2, env: dict | None = None):
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        f"{module}:server",
        "-w",
        str(workers),
        "-b",
        f"127.0.0.1:{port}",
        "--access-logfile",
        "/dev/null",
        "--preload",
    ]
    started = time.monotonic()
    process = subprocess.Popen(
        command,
        cwd=REPO,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for(url + "/")
        yield url, time.monotonic() - started, process.pid
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


# What shows that a page has loaded: a chart drawn (by plotly.js, or by the server on an
# embed), or the overview's table at /.
LOADED = "#chart .main-svg, .js-plotly-plot .main-svg, .ov-table"


def embed_drawn(url: str, timeout: float = 120.0) -> None:
    """Ask for an embed until the server has drawn its first paint (drawn in the
    background after the first visit): what every later reader gets."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if "first-paint" in requests.get(url, timeout=30).text:
            return
        time.sleep(1)
    print(f"note: {url} still without its first paint after {timeout:.0f} s")


def first_load_bytes(url: str) -> int:
    """Bytes the browser transferred until the page showed its chart or table
    (compression on)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.support.ui import WebDriverWait

    from components.publish.chart_images import HEADLESS_CHROMIUM_FLAGS

    options = Options()
    for flag in (*HEADLESS_CHROMIUM_FLAGS, "--window-size=1280,900"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options)
    try:
        driver.get(url)
        WebDriverWait(driver, 60).until(
            lambda d: d.execute_script(f"return !!document.querySelector({LOADED!r})")
        )
        time.sleep(1.5)  # let late async chunks land
        return int(
            driver.execute_script(
                "const n = performance.getEntriesByType('navigation')[0];"
                "return n.transferSize + performance.getEntriesByType('resource')"
                ".reduce((s, e) => s + e.transferSize, 0);"
            )
        )
    finally:
        driver.quit()


def load(url: str, bodies: list[dict], seconds: float, clients: int) -> dict:
    """POST callback bodies (round-robin) from `clients` threads for `seconds`."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker(offset: int) -> None:
        nonlocal errors
        session = requests.Session()
        i = offset
        while time.monotonic() < deadline and len(latencies) < MAX_REQUESTS:
            body = bodies[i % len(bodies)]
            i += 1
            start = time.perf_counter()
            response = session.post(
                url + "/_dash-update-component",
                json=body,
                headers={"Accept-Encoding": "gzip"},
                timeout=30,
            )
            elapsed = time.perf_counter() - start
            with lock:
                if response.status_code == 200:
                    latencies.append(elapsed)
                else:
                    errors += 1

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(worker, range(clients)))
    latencies.sort()
    return {
        "rps": len(latencies) / seconds,
        "p50": statistics.median(latencies) * 1000,
        "p95": latencies[int(len(latencies) * 0.95) - 1] * 1000,
        "errors": errors,
    }


def stock_bodies() -> list[dict]:
    return [
        {
            "output": "..graph.figure...summary.children..",
            "outputs": [
                {"id": "graph", "property": "figure"},
                {"id": "summary", "property": "children"},
            ],
            "inputs": [{"id": "city", "property": "value", "value": city}],
            "changedPropIds": ["city.value"],
        }
        for city in ("paris", "sf")
    ]


def project_bodies(views: list[str]) -> list[dict]:
    """The request a data control makes: the view for a state, drawn whole (the page's
    shown view unknown), as the browser sends it."""
    from components.state import as_dict, parse_query

    bodies = []
    for query in views:
        state = parse_query(query)
        presentation = [
            {"id": control, "property": "value", "value": getattr(state, control)}
            for control in ("view", "theme", "axis")
        ]
        bodies.append(
            {
                "output": "..view-head.children...content.children...rendered-view.data..",
                "outputs": [
                    {"id": "view-head", "property": "children"},
                    {"id": "content", "property": "children"},
                    {"id": "rendered-view", "property": "data"},
                ],
                "inputs": [
                    {"id": "view-state", "property": "data", "value": as_dict(state)}
                ],
                "state": [
                    *presentation,
                    {"id": "rendered-view", "property": "data", "value": None},
                ],
                "changedPropIds": ["view-state.data"],
            }
        )
    return bodies


def replay_server():
    """The local replay server, answering every live source with recorded payloads."""
    from tests.integration.conftest import install_routes
    from tests.replay import ReplayServer

    server = ReplayServer().start()
    install_routes(server, REPO.parent / "shared" / "data")
    return server


def refresh_environment(store: str, replay_url: str) -> dict:
    """The environment of a refresh writing `store` from the replay server (the API
    keys are placeholders the replay server accepts; no HTTP cache between runs)."""
    from tests.integration.conftest import BASE_PATHS

    env = {
        **os.environ,
        "SISTERCITIES_DATA_DIR": store,
        "EIA_API_KEY": "bench",
        "OPENAQ_API_KEY": "bench",
        "SISTERCITIES_HTTP_CACHE_SECONDS": "0",
    }
    for source_id, path in BASE_PATHS.items():
        env[f"SISTERCITIES_{source_id.upper()}_URL"] = replay_url + path
    return env


def refresh_seconds() -> float:
    """One full refresh of every live source from the local replay server."""
    server = replay_server()
    store = tempfile.mkdtemp(prefix="bench-store-")
    env = refresh_environment(store, server.url)
    try:
        return timed(["refresh", "--no-progress"], env)
    finally:
        server.stop()
        shutil.rmtree(store, ignore_errors=True)


def lighthouse(url: str, preset: str | None) -> float | None:
    """Median of 3 Lighthouse performance scores, when lighthouse is installed (npm:
    LIGHTHOUSE=path, or in node_modules, or on PATH)."""
    binary = (
        os.environ.get("LIGHTHOUSE")
        or next(
            (
                str(p)
                for p in [REPO / "node_modules" / ".bin" / "lighthouse"]
                if p.exists()
            ),
            None,
        )
        or shutil.which("lighthouse")
    )
    if not binary or not shutil.which("chromium"):
        return None
    scores = []
    for _ in range(3):
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            command = [
                str(binary),
                url,
                "--quiet",
                "--only-categories=performance",
                "--output=json",
                f"--output-path={out.name}",
                "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
            ]
            if preset:
                command.append(f"--preset={preset}")
            subprocess.run(
                command,
                env={**os.environ, "CHROME_PATH": shutil.which("chromium")},
                capture_output=True,
                timeout=180,
            )
            with suppress(ValueError, KeyError, FileNotFoundError):
                report = json.loads(Path(out.name).read_text())
                scores.append(report["categories"]["performance"]["score"] * 100)
    return statistics.median(scores) if scores else None


EMBED = "/embed/no2"
BIKES_VIEW = "/?indicator=bikes_available"
# A day, a month and a year of 10-minute readings, a city.
SCALES = (("a day", 144), ("a month", 4_320), ("a year", 52_560))
GBFS_SAMPLES = REPO.parent / "shared" / "data" / "mobility" / "gbfs_samples"


def replay_instants() -> dict[str, pd.Timestamp]:
    """When the replay server's station_status of each city was published: the
    benchmark history ends just before it, so a refresh adds the newest reading."""
    found = {}
    for city_id, name in (
        ("paris", "velib_station_status_2025-10-18.json"),
        ("sf", "baywheels_station_status_2023-07-19.json"),
    ):
        feed = json.loads((GBFS_SAMPLES / name).read_text())
        seconds = feed.get("last_updated") or feed.get("lastUpdatedOther")
        found[city_id] = pd.Timestamp(seconds, unit="s", tz="UTC")
    return found


def history_fixture(path: Path, readings: int) -> int:
    """A BENCHMARK FIXTURE, not data: `readings` synthetic 10-minute values of
    bikes_available a city (a smooth daily cycle), ending 10 minutes before each city's
    replay reading. Written to a temporary folder, imported into a temporary store,
    never shipped or shown. Returns the row count."""
    frames = []
    for city_id, end in replay_instants().items():
        times = pd.date_range(
            end=end - pd.Timedelta(minutes=10), periods=readings, freq="10min"
        )
        level, swing = {"paris": (15_000, 3_000), "sf": (2_500, 500)}[city_id]
        hours = times.hour + times.minute / 60
        frames.append(
            pd.DataFrame(
                {
                    "city": city_id,
                    "indicator": "bikes_available",
                    "time": times.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "value": (level + swing * np.sin(hours / 24 * 2 * np.pi)).round(),
                    "source": f"gbfs_{city_id}",
                }
            )
        )
    frame = pd.concat(frames, ignore_index=True)
    frame.to_csv(path, index=False)
    return len(frame)


def timed(command: list[str], env: dict) -> float:
    """Seconds one `python -m data_sources …` command takes (it must succeed)."""
    start = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "data_sources", *command],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
        timeout=600,
    )
    return time.monotonic() - start


def worker_rss_mib(master_pid: int) -> float:
    """The largest resident memory of a gunicorn master's workers (MiB)."""
    children = (
        Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    )
    sizes = []
    for pid in children:
        with suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) / 1024)
    return max(sizes, default=0.0)


def folder_bytes(folder: str) -> int:
    return sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file())


def scaling(seconds: float, clients: int) -> list[dict]:
    """For a day, a month and a year of 10-minute history (a benchmark fixture in a
    temporary store): import time, refresh time, store size, the bikes chart's
    first-load bytes and callback p95, the workers' memory, and the rows the API
    serves."""
    server = replay_server()
    results = []
    try:
        for label, readings in SCALES:
            work = tempfile.mkdtemp(prefix="bench-history-")
            store = os.path.join(work, "store")
            env = refresh_environment(store, server.url)
            try:
                fixture = Path(work) / "benchmark-fixture-bikes-history.csv"
                rows = history_fixture(fixture, readings)
                imported = timed(["import-history", str(fixture)], env)
                refreshed = timed(
                    [
                        "refresh",
                        "--source",
                        "gbfs_paris",
                        "--source",
                        "gbfs_sf",
                        "--no-progress",
                    ],
                    env,
                )
                size = folder_bytes(store)
                offline = {**env, "SISTERCITIES_OFFLINE": "1"}
                with gunicorn("app", env=offline) as (url, _, master):
                    chart_bytes = first_load_bytes(url + BIKES_VIEW)
                    latency = load(
                        url, project_bodies([BIKES_VIEW[1:]]), seconds, clients
                    )
                    rss = worker_rss_mib(master)
                    api_rows = (
                        len(
                            requests.get(
                                url + "/api/series/bikes_available.csv", timeout=60
                            ).text.splitlines()
                        )
                        - 1
                    )
                results.append(
                    {
                        "label": label,
                        "readings": rows,
                        "import": imported,
                        "refresh": refreshed,
                        "store": size,
                        "chart_bytes": chart_bytes,
                        "p95": latency["p95"],
                        "rss": rss,
                        "api_rows": api_rows,
                    }
                )
            finally:
                shutil.rmtree(work, ignore_errors=True)
    finally:
        server.stop()
    return results


def print_scaling(results: list[dict]) -> None:
    day = results[0]
    print(
        "\nHistory at scale: 10-minute readings of bikes_available, both cities "
        "(BENCHMARK FIXTURE: synthetic values in a temporary store, never shipped), "
        "then one refresh from the replay server\n"
    )
    header = (
        "history",
        "rows imported",
        "import s",
        "refresh s (× day)",
        "store MiB",
        f"{BIKES_VIEW} first-load bytes (× day)",
        "callback p95 ms",
        "worker RSS MiB",
        "rows in API",
    )
    rows = [
        (
            r["label"],
            f"{r['readings']:,}",
            f"{r['import']:.2f}",
            f"{r['refresh']:.2f} ({r['refresh'] / day['refresh']:.2f}×)",
            f"{r['store'] / 2**20:.1f}",
            f"{r['chart_bytes']:,} ({r['chart_bytes'] / day['chart_bytes']:.2f}×)",
            f"{r['p95']:.1f}",
            f"{r['rss']:.0f}",
            f"{r['api_rows']:,}",
        )
        for r in results
    ]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
    print(
        "targets: with a year, first-load bytes ≤ 1.5× and refresh ≤ 2× a day's; "
        "rows in API = rows imported + the refresh's + the snapshot's"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument(
        "--no-scaling", action="store_true", help="skip the history-at-scale table"
    )
    args = parser.parse_args()
    seconds = min(max(args.seconds, 2.0), 20.0)
    clients = min(max(args.clients, 1), 16)
    rows = []

    with gunicorn("bench.stock_app") as (stock_url, stock_start, _):
        stock_bytes = first_load_bytes(stock_url + "/")
        stock_load = load(stock_url, stock_bodies(), seconds, clients)
        stock_lh = {p: lighthouse(stock_url + "/", p) for p in ("desktop", None)}
    with gunicorn("app", env={"SISTERCITIES_OFFLINE": "1"}) as (url, start, _):
        project_bytes = first_load_bytes(url + "/")
        repeat = load(url, project_bodies(["?indicator=no2"]), seconds, clients)
        cycling = load(
            url,
            project_bodies(
                [
                    "?indicator=no2",
                    "?indicator=no2&range=10y",
                    "?indicator=road_deaths",
                    "?indicator=pm25",
                    "?lang=fr&indicator=no2&view=gap",
                ]
            ),
            seconds,
            clients,
        )
        project_lh = {p: lighthouse(url + "/", p) for p in ("desktop", None)}
        embed_drawn(url + EMBED)
        embed_bytes = first_load_bytes(url + EMBED)
        embed_lh = {p: lighthouse(url + EMBED, p) for p in ("desktop", None)}
    refresh = refresh_seconds()

    def ratio(a: float | None, b: float | None) -> str:
        return "n/a" if not a or not b else f"{a / b:.2f}×"

    rows.append(
        (
            "first-load bytes, / (compressed)",
            f"{project_bytes:,}",
            f"{stock_bytes:,}",
            ratio(project_bytes, stock_bytes),
            "≤ 0.4×",
        )
    )
    rows.append(
        (
            f"first-load bytes, {EMBED} (compressed)",
            f"{embed_bytes:,}",
            f"{stock_bytes:,}",
            ratio(embed_bytes, stock_bytes),
            "≤ 0.2×",
        )
    )
    for name, result in (
        ("callback, same view", repeat),
        ("callback, 5 views cycled", cycling),
    ):
        rows.append(
            (
                f"{name}: p50 ms",
                f"{result['p50']:.1f}",
                f"{stock_load['p50']:.1f}",
                ratio(result["p50"], stock_load["p50"]),
                "",
            )
        )
        rows.append(
            (
                f"{name}: p95 ms",
                f"{result['p95']:.1f}",
                f"{stock_load['p95']:.1f}",
                ratio(result["p95"], stock_load["p95"]),
                "≤ 0.25×",
            )
        )
        rows.append(
            (
                f"{name}: req/s",
                f"{result['rps']:.1f}",
                f"{stock_load['rps']:.1f}",
                ratio(result["rps"], stock_load["rps"]),
                "≥ 4×",
            )
        )
    rows.append(
        (
            "cold start to first 200, s",
            f"{start:.2f}",
            f"{stock_start:.2f}",
            ratio(start, stock_start),
            "≤ 2 s",
        )
    )
    rows.append(("full refresh from replay server, s", f"{refresh:.2f}", "–", "–", ""))
    for page, scores in (("/", project_lh), (EMBED, embed_lh)):
        for preset, label in (("desktop", "desktop"), (None, "mobile")):
            rows.append(
                (
                    f"Lighthouse performance, {label}, {page}",
                    f"{scores[preset]:.0f}" if scores[preset] else "not installed",
                    f"{stock_lh[preset]:.0f}" if stock_lh[preset] else "not installed",
                    ratio(scores[preset], stock_lh[preset]),
                    "≥ 95" if preset else "≥ 90",
                )
            )

    print(
        f"\n{clients} clients, {seconds:g} s per load test, 2 sync gunicorn workers each, "
        f"{os.cpu_count()} cores\n"
    )
    header = ("measure", "project", "stock", "project/stock", "target")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(5)]
    for row in [header, *rows]:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
    errors = repeat["errors"] + cycling["errors"] + stock_load["errors"]
    print(f"\nerrors during load: {errors}")
    if not args.no_scaling:
        print_scaling(scaling(min(seconds, 5.0), min(clients, 4)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
