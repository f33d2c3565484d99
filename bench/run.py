"""Benchmarks: the project against a stock one-graph Dash app, same machine, same run.

    python bench/run.py [--seconds 10] [--clients 8]

Prints a table of ratios project/stock. Every load goes to 127.0.0.1 only, is bounded in
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
        yield url, time.monotonic() - started
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


def first_load_bytes(url: str) -> int:
    """Bytes the browser transferred until the chart drew (compression on)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.support.ui import WebDriverWait

    from components.chart_images import HEADLESS_CHROMIUM_FLAGS

    options = Options()
    for flag in (*HEADLESS_CHROMIUM_FLAGS, "--window-size=1280,900"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options)
    try:
        driver.get(url)
        WebDriverWait(driver, 30).until(
            lambda d: d.execute_script(
                "return !!document.querySelector('.js-plotly-plot .main-svg')"
            )
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
        start = time.monotonic()
        subprocess.run(
            [sys.executable, "-m", "data_sources", "refresh", "--no-progress"],
            cwd=REPO,
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )
        return time.monotonic() - start
    finally:
        server.stop()
        shutil.rmtree(store, ignore_errors=True)


def lighthouse(url: str, preset: str | None) -> float | None:
    """Median of 3 Lighthouse performance scores, when lighthouse is installed (npm)."""
    binary = REPO / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists() or not shutil.which("chromium"):
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    seconds = min(max(args.seconds, 2.0), 20.0)
    clients = min(max(args.clients, 1), 16)
    rows = []

    with gunicorn("bench.stock_app") as (stock_url, stock_start):
        stock_bytes = first_load_bytes(stock_url + "/")
        stock_load = load(stock_url, stock_bodies(), seconds, clients)
        stock_lh = {p: lighthouse(stock_url + "/", p) for p in ("desktop", None)}
    with gunicorn("app", env={"SISTERCITIES_OFFLINE": "1"}) as (url, start):
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
            "≤ 0.5×",
        )
    )
    rows.append(
        (
            f"first-load bytes, {EMBED} (compressed)",
            f"{embed_bytes:,}",
            f"{stock_bytes:,}",
            ratio(embed_bytes, stock_bytes),
            "≤ 0.5×",
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
                    "≥ 95" if preset else "≥ 80",
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
