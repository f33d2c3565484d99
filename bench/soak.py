"""Soak: many clients mixing every kind of request against gunicorn while a refresher runs.

    python bench/soak.py [--seconds 60] [--clients 50] [--workers 2]

Loopback only; it stops by itself (time and request caps). Reports errors, p95 per kind
of request, and each worker's memory after warm-up and at the end. It never fails
anything: it reports.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.run import (  # noqa: E402
    gunicorn,
    project_bodies,
    refresh_environment,
    replay_server,
)

MAX_REQUESTS = 200_000
WARM_UP_SECONDS = 15
VIEWS = [
    "?indicator=no2",
    "?indicator=road_deaths&view=gap",
    "?lang=fr&indicator=pm25",
    "?indicator=bikeshare_trips&view=overlay",
    "?indicator=electricity_consumption&norm=per_capita",
]
GETS = {
    "page": ["/" + view for view in VIEWS],
    "layout": ["/_dash-layout"],
    "embed": [
        "/embed/no2?view=overlay",
        "/embed/road_deaths?lang=fr%2Ben&theme=auto",
        "/embed/pm25?range=5y",
    ],
    "present": ["/present?slides=no2,road_deaths,bikes_available&lang=en"],
    "api": [
        "/api/series/no2.json",
        "/api/series/pm25.csv?start=2016-01-01&end=2016-12-31",
        "/api/latest",
        "/api/sources",
    ],
}
# How often each kind comes up in the mix (a visitor loads a page, then clicks around).
WEIGHTS = {"page": 2, "layout": 2, "callback": 8, "embed": 3, "present": 1, "api": 3}


def start_refresher(store: str, every: str) -> tuple[subprocess.Popen, object]:
    """`refresh --every` against the local replay server, writing the shared store."""
    server = replay_server()
    env = refresh_environment(store, server.url)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "data_sources",
            "refresh",
            "--every",
            every,
            "--no-progress",
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return process, server


def worker_pids(url: str) -> list[int]:
    """gunicorn's workers: the processes bound to this address whose parent is too."""
    address = url.removeprefix("http://")
    mine = {
        process.pid: process
        for process in psutil.process_iter(["cmdline"])
        if address in (process.info["cmdline"] or [])
    }
    return [pid for pid, process in mine.items() if process.ppid() in mine]


def run(url: str, seconds: float, clients: int) -> dict:
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    lock = threading.Lock()
    bodies = project_bodies(VIEWS)
    kinds = [kind for kind, weight in WEIGHTS.items() for _ in range(weight)]
    deadline = time.monotonic() + seconds
    count = 0

    def client(seed: int) -> None:
        nonlocal count
        rng = random.Random(seed)
        session = requests.Session()
        session.headers["Accept-Encoding"] = "gzip, br"
        while time.monotonic() < deadline and count < MAX_REQUESTS:
            kind = rng.choice(kinds)
            start = time.perf_counter()
            try:
                if kind == "callback":
                    response = session.post(
                        url + "/_dash-update-component",
                        json=rng.choice(bodies),
                        timeout=30,
                    )
                else:
                    path = rng.choice(GETS[kind])
                    referer = (
                        url + "/" + rng.choice(VIEWS)
                    )  # what the layout request reads
                    response = session.get(
                        url + path, headers={"Referer": referer}, timeout=30
                    )
                ok = response.status_code < 400
            except requests.RequestException:
                ok = False
            elapsed = time.perf_counter() - start
            with lock:
                count += 1
                if ok:
                    latencies[kind].append(elapsed)
                else:
                    errors[kind] += 1

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    return {"latencies": latencies, "errors": errors, "count": count}


def p95(values: list[float]) -> float:
    values = sorted(values)
    return (
        values[max(0, int(len(values) * 0.95) - 1)] * 1000 if values else float("nan")
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    seconds = min(max(args.seconds, 20.0), 300.0)
    clients = min(max(args.clients, 1), 100)

    store = tempfile.mkdtemp(prefix="soak-store-")
    refresher, replay = start_refresher(store, "10s")
    env = {"SISTERCITIES_DATA_DIR": store, "SISTERCITIES_OFFLINE": "1"}
    try:
        with gunicorn("app", workers=args.workers, env=env) as (url, _start):
            pids = worker_pids(url)
            memory: dict[int, list[tuple[float, int]]] = {pid: [] for pid in pids}
            stop = threading.Event()

            def sample() -> None:
                begun = time.monotonic()
                while not stop.wait(1.0):
                    for pid in pids:
                        try:
                            rss = psutil.Process(pid).memory_info().rss
                        except psutil.NoSuchProcess:
                            continue
                        memory[pid].append((time.monotonic() - begun, rss))

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            result = run(url, seconds, clients)
            stop.set()
            sampler.join()
    finally:
        refresher.send_signal(signal.SIGINT)
        refresher.wait(timeout=30)
        replay.stop()
        shutil.rmtree(store, ignore_errors=True)

    latencies, errors = result["latencies"], result["errors"]
    every = [value for values in latencies.values() for value in values]
    print(
        f"{clients} clients, {seconds:.0f} s, gunicorn {args.workers} sync workers, "
        f"refresher every 10 s, {os.cpu_count()} cores"
    )
    print(f"requests: {result['count']:,} ({result['count'] / seconds:.0f}/s)")
    print(f"errors: {sum(errors.values())} {dict(errors) if errors else ''}")
    print(f"{'kind':10} {'count':>7} {'p50 ms':>8} {'p95 ms':>8}")
    for kind in WEIGHTS:
        values = latencies.get(kind, [])
        median = statistics.median(values) * 1000 if values else float("nan")
        print(f"{kind:10} {len(values):7,} {median:8.1f} {p95(values):8.1f}")
    print(
        f"{'all':10} {len(every):7,} {statistics.median(every) * 1000:8.1f} {p95(every):8.1f}"
    )
    print("worker memory (RSS): after warm-up → end")
    for pid, samples in memory.items():
        warm = [rss for t, rss in samples if t >= WARM_UP_SECONDS]
        if not warm:
            continue
        change = (warm[-1] - warm[0]) / warm[0] * 100
        print(
            f"  worker {pid}: {warm[0] / 2**20:.0f} MiB → {warm[-1] / 2**20:.0f} MiB "
            f"({change:+.1f} %), peak {max(warm) / 2**20:.0f} MiB"
        )
        every_15 = [f"{rss / 2**20:.0f}" for t, rss in samples[14::15]]
        print(f"    every 15 s: {' '.join(every_15)} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
