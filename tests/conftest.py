"""Shared fixtures: an isolated live store per test, the shared data folder, the browser switch."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from tests.helpers import UNDER_CI

REPO = Path(__file__).resolve().parents[1]
# ../shared/data beside the repo (CI lays a copy of shared/ there too).
SHARED_DATA = Path(
    os.environ.get("SISTERCITIES_SHARED_DATA", REPO.parent / "shared" / "data")
)


@pytest.fixture(autouse=True)
def empty_live_store(tmp_path, monkeypatch) -> Path:
    """Every test gets its own empty live store and no network: only the snapshot is read."""
    live = tmp_path / "live-store"
    monkeypatch.setenv("SISTERCITIES_DATA_DIR", str(live))
    monkeypatch.setenv("SISTERCITIES_OFFLINE", "1")
    return live


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real data files the snapshot is built from."""
    if not (SHARED_DATA / "SOURCES.md").is_file():
        if UNDER_CI:
            pytest.fail(f"shared data folder missing under CI: {SHARED_DATA}")
        pytest.skip(f"shared data folder not found at {SHARED_DATA}")
    return SHARED_DATA


def browser_available() -> bool:
    return bool(
        shutil.which("chromedriver")
        and (shutil.which("chromium") or shutil.which("google-chrome"))
    )


def pytest_collection_modifyitems(config, items):
    # Locally a missing browser skips with a reason; under CI it must fail, never skip.
    if browser_available() or UNDER_CI:
        return
    skip = pytest.mark.skip(
        reason="needs chromium and chromedriver on PATH (apt-get install chromium chromium-driver)"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def pytest_setup_options():
    """Chrome flags for dash_duo: this machine has no network beyond package registries."""
    from selenium.webdriver.chrome.options import Options

    from components.publish.chart_images import HEADLESS_CHROMIUM_FLAGS

    options = Options()
    for flag in (*HEADLESS_CHROMIUM_FLAGS, "--window-size=1280,2000"):
        options.add_argument(flag)
    return options


SESSION_START = time.time()


def fault_matrix_path() -> Path:
    return Path(os.environ.get("SISTERCITIES_FAULT_MATRIX", "fault-matrix.md"))


def infra_matrix_path() -> Path:
    return Path(os.environ.get("SISTERCITIES_INFRA_MATRIX", "infra-fault-matrix.md"))


def pytest_terminal_summary(terminalreporter):
    """Show the fault matrices this run's integration tests wrote: upstreams (source ×
    fault) and our own infrastructure (Redis, disk, files, writers)."""
    for title, path in (
        ("fault matrix", fault_matrix_path()),
        ("infrastructure fault matrix", infra_matrix_path()),
    ):
        if path.is_file() and path.stat().st_mtime >= SESSION_START:
            terminalreporter.write_sep("-", f"{title} ({path})")
            terminalreporter.write_line(path.read_text(encoding="utf-8"))
