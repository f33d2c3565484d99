"""The two browser files the page is lightest with — plotly.js's partial "basic" bundle
(the only trace types the app draws) and regenerator-runtime (all Dash's bundles use of
@babel/polyfill) — wherever `python app.py` runs, not only after `npm install`.

Found in node_modules when npm installed them; else in the user cache; else fetched
once from the npm registry at the version package.json pins, checked against the sha512
integrity npm records for it, and kept in the cache. Nothing is committed. Without network (or
with SISTERCITIES_OFFLINE=1) the app runs on the full plotly.js and Dash's polyfill, and
says so once in the log.
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
import os
import tarfile
from dataclasses import dataclass
from pathlib import Path

import platformdirs
import requests

from data_sources.settings import Settings

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[2]
REGISTRY = "https://registry.npmjs.org"
MAX_TARBALL_BYTES = 20_000_000
TIMEOUT_SECONDS = 20.0


@dataclass(frozen=True)
class Pinned:
    package: str
    version: str
    member: str  # the file inside the package (npm tarballs put it under package/)
    integrity: str  # npm's, "sha512-<base64>"

    @property
    def installed(self) -> Path:
        return REPO / "node_modules" / self.package / self.member

    def tarball_url(self, registry: str) -> str:
        return f"{registry}/{self.package}/-/{self.package}-{self.version}.tgz"

    def cached(self, cache_dir: Path) -> Path:
        return cache_dir / f"{self.package}-{self.version}" / self.member


# The versions package.json pins, with the checksums npm records when it installs them
# (node_modules/.package-lock.json; tests/unit/test_vendor.py keeps them in step).
PINNED = {
    "plotly-basic": Pinned(
        "plotly.js-basic-dist-min",
        "4.1.1",
        "plotly-basic.min.js",
        "sha512-1oNF8PeQx2hv/y7tqEVWKD3JGwn/MGEMQ8mL9HUwsaqG9FGy/OU5FHUHvzqbqxN4mnwZGI9abTiE775C4kkjMQ==",
    ),
    "regenerator-runtime": Pinned(
        "regenerator-runtime",
        "0.14.1",
        "runtime.js",
        "sha512-dYnhHh0nJoMfnkZs6GmmhFknAGRrLznOu5nc9ML+EJxGvrx6H7teuevqVqCuPcPK//3eDrrjQhehXVx9cnkGdw==",
    ),
}


class VendorUnavailable(Exception):
    """A pinned file could not be obtained (no network, a bad answer, a bad checksum)."""


def matches(data: bytes, integrity: str) -> bool:
    """Subresource-integrity check, as npm does: "<algorithm>-<base64 digest>"."""
    algorithm, _, digest = integrity.partition("-")
    return hashlib.new(algorithm, data).digest() == base64.b64decode(digest)


def download(pinned: Pinned, registry: str, target: Path, timeout: float) -> None:
    """Download the package's tarball, check it, and write the one file it is for."""
    url = pinned.tarball_url(registry)
    try:
        response = requests.get(url, timeout=timeout, stream=True)
        response.raise_for_status()
        data = response.raw.read(MAX_TARBALL_BYTES + 1, decode_content=True)
    except requests.RequestException as error:
        raise VendorUnavailable(f"{url}: {error}") from None
    if len(data) > MAX_TARBALL_BYTES:
        raise VendorUnavailable(f"{url}: larger than {MAX_TARBALL_BYTES} bytes")
    if not matches(data, pinned.integrity):
        raise VendorUnavailable(f"{url}: its checksum is not the pinned one")
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tarball:
            member = tarball.extractfile(f"package/{pinned.member}")
            content = member.read() if member else None
    except (tarfile.TarError, KeyError, OSError) as error:
        raise VendorUnavailable(f"{url}: {error}") from None
    if not content:
        raise VendorUnavailable(f"{url}: no package/{pinned.member} inside")
    target.parent.mkdir(parents=True, exist_ok=True)
    # Written aside, then renamed: two workers starting at once never serve half a file.
    partial = target.with_name(f"{target.name}.{os.getpid()}.part")
    partial.write_bytes(content)
    os.replace(partial, target)


def obtain(
    pinned: dict[str, Pinned] = PINNED,
    cache_dir: Path | None = None,
    registry: str | None = None,
    allow_fetch: bool | None = None,
    timeout: float = TIMEOUT_SECONDS,
) -> dict[str, Path | None]:
    """name → the file to serve (None: not available; the caller falls back).
    Configuration: argument > environment (the settings) > default."""
    settings = Settings.current()
    cache_dir = cache_dir or (
        settings.vendor_dir
        or Path(platformdirs.user_cache_dir("sistercities")) / "vendor"
    )
    registry = (registry or settings.npm_registry or REGISTRY).rstrip("/")
    allow_fetch = (not settings.offline) if allow_fetch is None else allow_fetch
    found: dict[str, Path | None] = {}
    missing: list[str] = []
    for name, each in pinned.items():
        target = each.cached(cache_dir)
        if each.installed.is_file():
            found[name] = each.installed
        elif target.is_file():
            found[name] = target
        elif not allow_fetch:
            found[name] = None
            missing.append(f"{each.package}@{each.version}: offline")
        else:
            try:
                download(each, registry, target, timeout)
                log.info("fetched %s@%s into %s", each.package, each.version, target)
                found[name] = target
            except VendorUnavailable as error:
                found[name] = None
                missing.append(str(error))
    if missing:
        log.warning(
            "serving the full plotly.js and Dash's polyfill (heavier pages): %s. "
            "`npm install`, or network at the next start, gives the lighter files.",
            "; ".join(missing),
        )
    return found
