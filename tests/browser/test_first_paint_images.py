"""The one background renderer of first-paint images (components.publish.chart_images)
draws every image it was asked for, even when the thread drawing them was stopped from
outside: a server shutting down stops its threads (Dash's test runner does it with
SystemExit in every thread it started), and embeds then waited for ever for drawings
no thread would make (CI, 2026-12-07: three embed tests timed out after 180 s)."""

from __future__ import annotations

import ctypes
import threading

import pytest

from components.publish import chart_images
from data_sources.settings import Settings
from tests.helpers import WAIT_SECONDS, until

pytestmark = pytest.mark.browser


def tiny_figure(label: str) -> dict:
    return {
        "data": [{"type": "scatter", "x": [1, 2], "y": [1, 2], "name": label}],
        "layout": {"width": 200, "height": 120, "title": {"text": label}},
    }


def stop_thread(thread: threading.Thread) -> None:
    """What a shutting-down server does to the threads it started."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_long(thread.ident), ctypes.py_object(SystemExit)
    )
    thread.join(timeout=3 * WAIT_SECONDS)
    assert not thread.is_alive()


def the_renderer() -> threading.Thread | None:
    return next(
        (t for t in threading.enumerate() if t.name == "first-paint images"), None
    )


def test_images_asked_for_again_are_drawn_after_the_renderer_was_stopped(tmp_path):
    settings = Settings.from_env(data_dir=tmp_path / "store")
    drawing, queued = tiny_figure("drawing"), tiny_figure("queued")

    # One image being drawn, one queued behind it, and then the renderer is stopped.
    # Taken by the renderer, once it is done with what earlier pages asked for, asked
    # again meanwhile as every page does (a renderer left stuck is replaced).
    def taken():
        chart_images.render_later(drawing, "svg", settings=settings)
        return chart_images._later.empty()

    until(taken, timeout=3 * WAIT_SECONDS)
    chart_images.render_later(queued, "svg", settings=settings)
    stop_thread(until(the_renderer))

    # A page asks for the queued image again, as every embed visit does until it is
    # drawn (the one that was being drawn is another page's).
    def drawn():
        chart_images.render_later(queued, "svg", settings=settings)
        return chart_images.cached_image(queued, "svg", settings)

    svg = until(drawn, timeout=3 * WAIT_SECONDS)
    assert svg.startswith(b"<svg") and b"queued" in svg
