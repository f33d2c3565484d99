"""Static chart images (PNG, SVG) drawn by the system Chromium with plotly.js itself.

For hosts and crawlers that run no script, and for link previews (Open Graph). The
figure goes into a throwaway page next to the partial plotly.js bundle; headless
Chromium runs `Plotly.toImage` and prints the page, from which the image is read back.
Images are cached by the figure's content, in Redis when configured, else in files.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import html
import json
import logging
import os
import queue
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from plotly.utils import PlotlyJSONEncoder

from components.web.serving import standalone_plotly
from data_sources.settings import Settings
from data_sources.store.cache import shared_cache

log = logging.getLogger(__name__)

FORMATS = {"png": "image/png", "svg": "image/svg+xml"}
RENDER_TIMEOUT_SECONDS = 40
# Each render is a whole browser: at most two at once per process, others wait a little.
RENDER_SLOTS = threading.BoundedSemaphore(2)
SLOT_WAIT_SECONDS = 20
CACHE_TTL_SECONDS = 86_400
# How this project runs Chromium without a display, in containers, off the network
# (also used by the browser tests and the benchmarks).
HEADLESS_CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
)
PANELS_JS = Path(__file__).resolve().parents[2] / "assets" / "panels.js"
OUTPUT = re.compile(r'<pre id="out">(.*?)</pre>', re.S)


class ImageUnavailable(RuntimeError):
    """No image can be drawn now (no browser, busy, or it failed); the message says why."""


def cache_key(figure: dict, fmt: str, stacked: bool = False) -> str:
    text = json.dumps(figure, cls=PlotlyJSONEncoder, sort_keys=True)
    kind = f"{fmt}-stacked" if stacked else fmt
    return hashlib.sha256(f"{kind}:{text}".encode()).hexdigest()[:32]


def image_for(
    figure: dict, fmt: str, settings: Settings | None = None, stacked: bool = False
) -> bytes:
    """The figure as PNG or SVG bytes, from the cache or drawn now. `stacked`: side by
    side drawn one panel above the other, as on a phone (panels.js)."""
    settings = settings or Settings.from_env()
    key = cache_key(figure, fmt, stacked)
    cached = _cache_get(key, fmt, settings)
    if cached is not None:
        return cached
    if not RENDER_SLOTS.acquire(timeout=SLOT_WAIT_SECONDS):
        raise ImageUnavailable("the image renderer is busy; try again in a moment")
    try:
        image = render(figure, fmt, settings.chromium or find_chromium(), stacked)
    finally:
        RENDER_SLOTS.release()
    _cache_put(key, fmt, image, settings)
    return image


def cached_image(
    figure: dict, fmt: str, settings: Settings | None = None, stacked: bool = False
) -> bytes | None:
    """The figure's image if it was drawn already (never draws)."""
    settings = settings or Settings.from_env()
    return _cache_get(cache_key(figure, fmt, stacked), fmt, settings)


# Images asked for ahead of need (a page's first paint): drawn one at a time by one
# background thread, so pages never wait on a browser and a burst of new pages never
# starts more than one; asked again while queued or drawing, an image is not queued
# twice. Newest first: the page asked for last is the one a reader is looking at.
LATER_QUEUE = 16
_later: queue.LifoQueue = queue.LifoQueue(LATER_QUEUE)
_later_keys: set[str] = set()
_later_lock = threading.Lock()
_later_thread: threading.Thread | None = None
# When the renderer last took or finished an image. A renderer that has done neither
# for longer than one drawing may take (its slot wait, the browser's timeout and a
# margin) while images wait is stuck (e.g. stopped from outside at a point that left
# it alive but blocked): the next ask starts another one.
_later_progress = time.monotonic()


def stuck_after() -> float:
    return SLOT_WAIT_SECONDS + RENDER_TIMEOUT_SECONDS + 15


def render_later(
    figure: dict, fmt: str, stacked: bool = False, settings: Settings | None = None
) -> None:
    """Draw the figure's image in the background, into the cache of the settings of
    the moment it is asked for (if not queued already; dropped when the queue is full:
    the next page asking for it queues it again)."""
    global _later_thread
    settings = settings or Settings.from_env()
    key = cache_key(figure, fmt, stacked)
    with _later_lock:
        if key not in _later_keys:
            try:
                _later.put_nowait((key, figure, fmt, stacked, settings))
            except queue.Full:
                return
            _later_keys.add(key)
        # A renderer for what is queued, asked again or not: a server shutting down
        # may have stopped the last one with images still queued (Dash's test runner
        # stops every thread it started). It leaves by itself only under this lock
        # with the queue empty (_next_later), so none is left behind that way.
        stuck = (
            not _later.empty() and time.monotonic() - _later_progress > stuck_after()
        )
        if _later_thread is None or not _later_thread.is_alive() or stuck:
            _note_progress()
            _later_thread = threading.Thread(
                target=_draw_later, name="first-paint images", daemon=True
            )
            _later_thread.start()


def _note_progress() -> None:
    global _later_progress
    _later_progress = time.monotonic()


def _next_later():
    """The next image to draw, or None when the queue stayed empty for 5 s (the
    worker then leaves, marked gone before another image can be queued)."""
    global _later_thread
    while True:
        try:
            return _later.get(timeout=5)
        except queue.Empty:
            with _later_lock:
                if _later.empty():
                    if _later_thread is threading.current_thread():
                        _later_thread = None  # (a replaced one leaves the new one be)
                    return None


def _draw_later() -> None:
    try:
        while True:
            asked = _next_later()
            if asked is None:
                return
            key, figure, fmt, stacked, settings = asked
            _note_progress()
            try:
                image_for(figure, fmt, settings, stacked)
            except Exception as error:  # noqa: BLE001 (the worker outlives a bad image)
                log.warning("first-paint image not drawn: %s", error)
            finally:
                _note_progress()
                with _later_lock:
                    _later_keys.discard(key)
    except SystemExit:  # stopped from outside (a server shutting down): quietly
        return


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def image_page(figure: dict, fmt: str, stacked: bool) -> str:
    """The page Chromium opens: plotly.js draws the figure and writes the image into it."""
    bundle = standalone_plotly()
    data = json.dumps(figure, cls=PlotlyJSONEncoder).replace("<", "\\u003c")
    # Stacked as an embed stacks a side-by-side figure on a phone (panels.js, two
    # panels of the figure's height); the size is the figure's own after that.
    stack = (
        "figure = sisterCitiesPanels.stacked(figure, 2 * figure.layout.height);"
        if stacked
        else ""
    )
    return (
        '<!doctype html><html><head><meta charset="utf-8">'
        f'<script src="{bundle.as_uri()}"></script>'
        f'<script src="{PANELS_JS.as_uri()}"></script></head><body>'
        '<pre id="out"></pre><script>'
        f"var figure = {data}; {stack}"
        f"var options = {json.dumps({'format': fmt, 'imageDataOnly': True})};"
        "options.width = figure.layout.width || 1200;"
        "options.height = figure.layout.height || 630;"
        "Plotly.toImage(figure, options).then("
        "function (image) { document.getElementById('out').textContent = 'ok:' + image; },"
        "function (error) { document.getElementById('out').textContent = 'error:' + error; });"
        "</script></body></html>"
    )


def render(
    figure: dict, fmt: str, chromium: str | None, stacked: bool = False
) -> bytes:
    if not chromium:
        raise ImageUnavailable(
            "no browser to draw images (install chromium or set SISTERCITIES_CHROMIUM)"
        )
    page = image_page(figure, fmt, stacked)
    # (Chromium's helpers may still be writing its profile as it exits: what they
    # leave is not worth failing an image over.)
    with tempfile.TemporaryDirectory(
        prefix="sistercities-image-", ignore_cleanup_errors=True
    ) as folder:
        path = Path(folder) / "chart.html"
        path.write_text(page, encoding="utf-8")
        command = [
            chromium,
            *HEADLESS_CHROMIUM_FLAGS,
            "--disable-extensions",
            "--allow-file-access-from-files",
            f"--user-data-dir={folder}/profile",
            "--virtual-time-budget=20000",
            "--dump-dom",
            path.as_uri(),
        ]
        stdout, stderr = run_chromium(command)
    found = OUTPUT.search(stdout.decode("utf-8", "replace"))
    text = html.unescape(found[1]) if found else ""
    if not text.startswith("ok:"):
        log.warning("chart image: no image (%s) %s", text[:200], stderr[-500:].decode())
        raise ImageUnavailable("the image could not be drawn")
    image = text[3:]
    return base64.b64decode(image) if fmt == "png" else image.encode("utf-8")


def run_chromium(command: list[str]) -> tuple[bytes, bytes]:
    """Chromium's output, or ImageUnavailable after RENDER_TIMEOUT_SECONDS. The browser
    runs in its own process group, killed whole when it is done or out of time: a
    renderer or GPU helper outliving the main process would hold the output pipes
    and keep running beside the server."""
    try:
        browser = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except OSError as error:
        log.warning("chart image: chromium failed to start: %s", error)
        raise ImageUnavailable("the image could not be drawn") from None
    try:
        return browser.communicate(timeout=RENDER_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        log.warning(
            "chart image: chromium gave no image in %s s", RENDER_TIMEOUT_SECONDS
        )
        _kill_group(browser.pid)
        with contextlib.suppress(subprocess.TimeoutExpired):
            browser.communicate(timeout=5)
        raise ImageUnavailable("the image could not be drawn in time") from None
    finally:
        _kill_group(browser.pid)  # helpers left behind by a browser that exited


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def _cache_get(key: str, fmt: str, settings: Settings) -> bytes | None:
    return shared_cache(settings).get("image", f"{key}.{fmt}")


def _cache_put(key: str, fmt: str, image: bytes, settings: Settings) -> None:
    shared_cache(settings).set("image", f"{key}.{fmt}", image, ttl=CACHE_TTL_SECONDS)
