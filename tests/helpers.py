"""Helpers the test files share: free ports, the CI switch, waiting for a server, and
reading a tree of Dash components (objects, or the JSON a callback sends)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time

import pytest
import redis
import requests

UNDER_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
# A server starting on a busy machine may take long to answer its first request
# (gunicorn accepts connections before its workers are ready): wait for readiness,
# generously, instead of racing a short read timeout.
READY_DEADLINE_SECONDS = 120
# How long a test waits for what a user would see (a chart redrawn, a slide moved):
# a deadline for a busy machine, never a speed requirement.
WAIT_SECONDS = 60


def until(predicate, timeout: float = WAIT_SECONDS):
    """Poll until predicate() is truthy (what a user waits for) and return it, else
    fail."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            value = predicate()
            if value:
                return value
        except Exception:  # the element may be re-rendering
            pass
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {predicate}")


def embed_first_paint_drawn(driver, url: str) -> None:
    """Open an embed until the server has drawn its first paint (drawn in the
    background after the first visit: what every later reader sees)."""

    # the page is cacheable for a minute: a new reader, not this browser's copy
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})

    def drawn():
        driver.get(url)
        return driver.find_elements("css selector", "#chart .first-paint")

    try:  # drawn by one background renderer, maybe behind other pages' images
        until(drawn, timeout=3 * WAIT_SECONDS)
    finally:
        driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": False})


def reach_for_the_chart(driver) -> None:
    """Point at an embed's chart, as a reader does, and wait until plotly.js has drawn
    it (at once when the page came without a first paint)."""
    from selenium.webdriver.common.action_chains import ActionChains

    chart = until(lambda: driver.find_element("id", "chart"))
    ActionChains(driver).move_to_element(chart).perform()
    until(lambda: chart.get_attribute("data-drawn"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_http(
    url: str,
    process: subprocess.Popen | None = None,
    deadline: float = READY_DEADLINE_SECONDS,
) -> requests.Response:
    """The first answer of a server that is starting; fails with its stderr if the
    process dies, or after `deadline` seconds without an answer."""
    end = time.monotonic() + deadline
    while True:
        if process is not None and process.poll() is not None:
            stderr = process.stderr.read().decode() if process.stderr else ""
            raise AssertionError(f"server exited ({process.returncode}): {stderr}")
        try:
            # Connect fast (nothing listening yet → retry); then let it take its time.
            return requests.get(url, timeout=(2, deadline))
        except (requests.ConnectionError, requests.Timeout):
            assert time.monotonic() < end, f"no answer from {url} in {deadline} s"
            time.sleep(0.2)


def start_gunicorn(
    env: dict, port: int, cwd, workers: int = 1, log=subprocess.DEVNULL
) -> subprocess.Popen:
    """`gunicorn app:server` on a loopback port, in its own process group (stop it with
    os.killpg), answering /health when this returns. `log`: a file for its stderr (not
    a pipe: a worker that logs much would block on a full one)."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "app:server",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "/dev/null",
        ],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
        start_new_session=True,
    )
    wait_for_http(f"http://127.0.0.1:{port}/health", process)
    return process


def redis_server_command(port: int, folder, durable: bool) -> list[str]:
    """The command of a real redis-server on a loopback port, its files in `folder`;
    `durable`: an append-only file synced on every write (a restart keeps the data, as
    in production), else nothing on disk. Skipped without redis-server, failed under CI."""
    binary = shutil.which("redis-server")
    if binary is None:
        if UNDER_CI:
            pytest.fail("redis-server missing under CI (.ci/run installs it)")
        pytest.skip("needs redis-server (apt-get install redis-server)")
    persistence = (
        ["--appendonly", "yes", "--appendfsync", "always"]
        if durable
        else ["--appendonly", "no"]
    )
    return [
        binary,
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        *persistence,
        "--dir",
        str(folder),
    ]


def start_redis(command: list[str]) -> subprocess.Popen:
    """Start redis_server_command(…) and return when it answers PING."""
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    port = command[command.index("--port") + 1]
    client = redis.Redis(host="127.0.0.1", port=int(port))
    until(lambda: client.ping(), READY_DEADLINE_SECONDS)
    return process


# ------------------------------------------------------------------ component trees


def props(node) -> dict:
    """A component's props, whether it is a Dash object or its JSON (what a callback sends)."""
    if isinstance(node, dict):
        return node.get("props", {})
    return {
        name: getattr(node, name, None)
        for name in ("id", "children", "className", "href")
    }


def walk(component):
    if isinstance(component, list | tuple):  # a view's parts: [head, body]
        for part in component:
            yield from walk(part)
        return
    yield component
    children = props(component).get("children")
    if children is None:
        return
    for child in children if isinstance(children, list | tuple) else [children]:
        if hasattr(child, "to_plotly_json") or isinstance(child, dict):
            yield from walk(child)
        else:
            yield child


def texts(component) -> str:
    parts = component if isinstance(component, list) else [component]
    words = (
        str(c)
        for part in parts
        if part is not None
        for c in walk(part)
        if isinstance(c, str)
    )
    return " ".join(" ".join(words).split())


def find(component, component_id):
    parts = component if isinstance(component, list) else [component]
    for part in parts:
        for node in walk(part) if part is not None else []:
            if props(node).get("id") == component_id:
                return node
    raise LookupError(component_id)


def start_dash(duo, app) -> None:
    """Start the app for dash_duo and wait until a view has drawn. `/` is the overview
    (no Dash), so dash_duo's own wait on `/` — and its 10 s limit, a race on a busy
    machine — is replaced by a wait on a dashboard URL; each test then opens its page."""
    duo.start_server(app, navigate=False)
    duo._url = duo.server.url  # the base every test's paths are joined to
    duo.wait_for_page(duo.server.url + "/?indicator=pm25", timeout=WAIT_SECONDS)
    duo.driver.get("about:blank")  # that page's own requests end before the test's
