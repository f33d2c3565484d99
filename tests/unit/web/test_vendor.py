"""The lighter browser files on a fresh clone: fetched once from an npm registry (here a
local replay server, over a real socket) at the pinned version, checked against the
pinned integrity, kept in the cache — and the app still runs, saying so once, when they
cannot be had."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import logging
import os
import tarfile
from dataclasses import replace
from pathlib import Path

import pytest

from components.web import vendor
from tests.helpers import free_port
from tests.replay import ReplayServer, Reply

REPO = Path(__file__).resolve().parents[3]


def npm_tarball(files: dict[str, bytes]) -> bytes:
    """A package tarball in npm's shape (hand-made): gzipped tar, files under package/."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tarball:
        for name, content in files.items():
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(content)
            tarball.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


def integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


@pytest.fixture
def registry():
    server = ReplayServer().start()
    yield server
    server.stop()


def handmade(tarball: bytes, name: str = "example-dist-min") -> vendor.Pinned:
    # A package npm never installed here (node_modules has no such folder).
    return vendor.Pinned(name, "1.2.3", "bundle.min.js", integrity(tarball))


def test_a_missing_bundle_is_fetched_checked_and_cached(registry, tmp_path):
    content = b"/* a hand-made bundle */ window.Example = 1;"
    tarball = npm_tarball({"bundle.min.js": content, "package.json": b"{}"})
    pinned = handmade(tarball)
    registry.routes["/example-dist-min/-/example-dist-min-1.2.3.tgz"] = Reply(
        body=tarball, headers={"Content-Type": "application/octet-stream"}
    )
    found = vendor.obtain({"example": pinned}, tmp_path, registry.url, True)
    assert found["example"] == tmp_path / "example-dist-min-1.2.3" / "bundle.min.js"
    assert found["example"].read_bytes() == content
    # The next start finds it in the cache: no second download.
    asked = len(registry.requests)
    assert vendor.obtain({"example": pinned}, tmp_path, registry.url, True) == found
    assert len(registry.requests) == asked


def test_a_tarball_that_is_not_the_pinned_one_is_refused(registry, tmp_path, caplog):
    tarball = npm_tarball({"bundle.min.js": b"evil()"})
    pinned = replace(handmade(tarball), integrity=integrity(b"what was pinned"))
    registry.routes["/example-dist-min/-/example-dist-min-1.2.3.tgz"] = Reply(
        body=tarball
    )
    with caplog.at_level(logging.WARNING, logger="components.web.vendor"):
        found = vendor.obtain({"example": pinned}, tmp_path, registry.url, True)
    assert found == {"example": None}
    assert not list(tmp_path.rglob("*.js"))  # nothing unchecked is ever served
    [warning] = caplog.records
    assert "checksum is not the pinned one" in warning.getMessage()
    assert "full plotly.js" in warning.getMessage()


@pytest.mark.parametrize("fault", ["500", "html_page", "refused"])
def test_no_registry_means_the_full_bundle_said_once(registry, tmp_path, caplog, fault):
    """A registry that fails, answers a page, or is not there at all (nothing listens
    on its port: no network) — no clock raced."""
    tarball = npm_tarball({"bundle.min.js": b"x"})
    url = registry.url
    if fault == "refused":
        url = f"http://127.0.0.1:{free_port()}"
    else:
        registry.fault = fault
    pinned = {"a": handmade(tarball, "first-dist"), "b": handmade(tarball, "second")}
    with caplog.at_level(logging.WARNING, logger="components.web.vendor"):
        found = vendor.obtain(pinned, tmp_path, url, True)
    assert found == {"a": None, "b": None}
    assert len(caplog.records) == 1  # one line for both, not one per file


def test_offline_fetches_nothing(registry, tmp_path, monkeypatch):
    monkeypatch.setenv("SISTERCITIES_OFFLINE", "1")
    tarball = npm_tarball({"bundle.min.js": b"x"})
    found = vendor.obtain({"example": handmade(tarball)}, tmp_path, registry.url)
    assert found == {"example": None} and registry.requests == []


def test_the_pins_are_what_npm_installs():
    """package.json pins the versions fetched here, and npm's own record of what it
    installed (node_modules/.package-lock.json) has the same checksums."""
    installed = REPO / "node_modules" / ".package-lock.json"
    if not installed.is_file():
        if os.environ.get("CI"):
            pytest.fail("node_modules missing: .ci/run runs npm install")
        pytest.skip("run `npm install` to compare with what npm installs")
    lock = json.loads(installed.read_text(encoding="utf-8"))
    manifest = json.loads((REPO / "package.json").read_text(encoding="utf-8"))
    for each in vendor.PINNED.values():
        locked = lock["packages"][f"node_modules/{each.package}"]
        assert (locked["version"], locked["integrity"]) == (
            each.version,
            each.integrity,
        )
        assert manifest["dependencies"][each.package] == each.version
