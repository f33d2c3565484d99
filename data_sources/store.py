"""The series store: tidy CSV files with JSON provenance sidecars, written atomically.

Layout of a store folder (the shipped snapshot and the live store share it):

    <root>/<indicator>/<city>__<source>.json             the sidecar, and the pointer
    <root>/<indicator>/<city>__<source>.<sha12>.csv      the rows it points to

A write puts the rows in a new content-addressed file first, then replaces the sidecar
with one atomic rename. A crash at any moment therefore leaves the sidecar pointing at
either the previous complete file or the new one, never at a partial file.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from io import BytesIO
from pathlib import Path

import pandas as pd

from .schema import COLUMNS, KEY, empty_frame, validate

log = logging.getLogger(__name__)

SNAPSHOT_DIR = Path(__file__).parent / "snapshot"
SIDECAR_KEYS = frozenset({"indicator", "city", "source", "file", "sha256"})


class StoreError(RuntimeError):
    """A stored series cannot be read back (missing file or checksum mismatch)."""


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable; not every platform lets a folder be opened.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _atomic_write_bytes(path: Path, payload: bytes) -> None:
    """Write `payload` to `path` through a temp file in the same folder + rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    _fsync_dir(path.parent)


PIN_COLUMNS = (*COLUMNS, "origin", "fetched_at")


def pin_payload(frame: pd.DataFrame) -> tuple[str, bytes]:
    """A read() frame as CSV bytes, and the pin naming them (16 hex of their checksum)."""
    out = frame.loc[:, list(PIN_COLUMNS)].copy()
    out["time"] = out["time"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    payload = out.to_csv(
        index=False, lineterminator="\n", float_format="%.10g"
    ).encode()
    return hashlib.sha256(payload).hexdigest()[:16], payload


def pin_frame(payload: bytes, pin: str) -> pd.DataFrame:
    """The rows a pin names, checked against its name."""
    if hashlib.sha256(payload).hexdigest()[:16] != pin:
        raise StoreError(f"pinned version {pin}: checksum mismatch")
    frame = pd.read_csv(BytesIO(payload), dtype={"value": "float64", "fetched_at": str})
    frame["fetched_at"] = frame["fetched_at"].fillna("")
    return validate(frame)


def frame_to_csv_bytes(frame: pd.DataFrame) -> bytes:
    out = frame.loc[:, list(COLUMNS)].copy()
    out["time"] = out["time"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    return out.to_csv(index=False, lineterminator="\n", float_format="%.10g").encode()


@dataclass(frozen=True)
class StoredSeries:
    """One sidecar as read back, with where it lives."""

    root: Path
    sidecar_path: Path
    provenance: dict
    # A series kept elsewhere than in files (the live side in Redis) reads its rows
    # through this; None: the file beside the sidecar.
    reader: Callable[[], pd.DataFrame] | None = field(default=None, compare=False)

    @property
    def data_path(self) -> Path:
        return self.sidecar_path.parent / self.provenance["file"]


def series_stem(city_id: str, source_id: str) -> str:
    return f"{city_id}__{source_id}"


def prepare_series(
    frame: pd.DataFrame, provenance: dict
) -> tuple[str, str, bytes, dict]:
    """Validated CSV bytes and the completed sidecar of one (indicator, city, source).

    Returns (indicator id, stem, payload, sidecar); the sidecar gains row count, span,
    checksum and the content-addressed data name.
    """
    frame = validate(frame)
    keys = frame[["indicator", "city", "source"]].drop_duplicates()
    if len(keys) != 1:
        raise ValueError("a stored series holds exactly one indicator, city and source")
    indicator_id, city_id, source_id = keys.iloc[0]
    stem = series_stem(city_id, source_id)
    payload = frame_to_csv_bytes(frame)
    digest = hashlib.sha256(payload).hexdigest()
    sidecar = {
        **provenance,
        "indicator": indicator_id,
        "city": city_id,
        "source": source_id,
        "rows": len(frame),
        "first": frame["time"].min().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "last": frame["time"].max().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "file": f"{stem}.{digest[:12]}.csv",
        "sha256": digest,
    }
    return indicator_id, stem, payload, sidecar


def write_series(root: Path, frame: pd.DataFrame, provenance: dict) -> Path:
    """Store one (indicator, city, source) series atomically; return the sidecar path."""
    indicator_id, stem, payload, sidecar = prepare_series(frame, provenance)
    folder = Path(root) / indicator_id
    data_path = folder / sidecar["file"]
    if not data_path.exists():
        _atomic_write_bytes(data_path, payload)
    sidecar_path = folder / f"{stem}.json"
    text = json.dumps(sidecar, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    _atomic_write_bytes(sidecar_path, text.encode())
    # Older versions are now unreferenced; a crash before this only leaves litter.
    for old in folder.glob(f"{stem}.*.csv"):
        if old.name != sidecar["file"]:
            with contextlib.suppress(FileNotFoundError):
                old.unlink()
    return sidecar_path


def read_sidecars(root: Path, indicator_id: str | None = None) -> list[StoredSeries]:
    root = Path(root)
    pattern = f"{indicator_id}/*.json" if indicator_id else "*/*.json"
    found = []
    for path in sorted(root.glob(pattern)):
        if path.parent.name.startswith("_"):  # _status/ and other bookkeeping
            continue
        try:
            with open(path, encoding="utf-8") as handle:
                provenance = json.load(handle)
            missing = SIDECAR_KEYS - set(provenance)
            if missing:
                raise ValueError(f"missing {', '.join(sorted(missing))}")
            found.append(StoredSeries(root, path, provenance))
        except (OSError, ValueError) as error:
            # Sidecars are replaced atomically, so this is outside damage: skip it.
            log.warning("skipping unreadable sidecar %s: %s", path, error)
    return found


def read_rows(series: StoredSeries) -> pd.DataFrame:
    """The rows a sidecar points at, checked against its checksum."""
    if series.reader is not None:
        return series.reader().copy()
    try:
        stat = series.data_path.stat()
    except FileNotFoundError as error:
        raise StoreError(f"{series.sidecar_path.name}: data file missing") from error
    # Keyed on the file's identity: a file changed in place gets re-read and re-checked.
    rows = _parse_rows(
        str(series.data_path),
        series.provenance["sha256"],
        stat.st_mtime_ns,
        stat.st_size,
        series.sidecar_path.name,
    )
    return rows.copy()


def parse_payload(payload: bytes, sha256: str, name: str) -> pd.DataFrame:
    """CSV bytes of a series, checked against their checksum, as validated rows."""
    if hashlib.sha256(payload).hexdigest() != sha256:
        raise StoreError(f"{name}: checksum mismatch")
    try:
        return validate(pd.read_csv(BytesIO(payload), dtype={"value": "float64"}))
    except ValueError as error:  # includes SchemaError and pandas parse errors
        raise StoreError(f"{name}: {error}") from error


@lru_cache(maxsize=512)
def _parse_rows(
    path: str, sha256: str, _mtime: int, _size: int, name: str
) -> pd.DataFrame:
    try:
        payload = Path(path).read_bytes()
    except FileNotFoundError as error:
        raise StoreError(f"{name}: data file missing") from error
    return parse_payload(payload, sha256, name)


class LiveFiles:
    """The live side of the store in a folder (the default): series written atomically,
    pins under `_pins/`, refresh statuses under `_status/`."""

    def __init__(self, folder: Path | str):
        self.folder = Path(folder)

    def series(self, indicator_id: str | None) -> list[StoredSeries]:
        found = read_sidecars(self.folder, indicator_id)
        for stored in found:
            stored.provenance.setdefault("origin", "live")
        return found

    def write(self, frame: pd.DataFrame, provenance: dict) -> Path:
        return write_series(self.folder, frame, provenance)

    def stamps(self, indicator_ids: Iterable[str]) -> list:
        stamps = []
        folders = [self.folder / i for i in indicator_ids] + [self.folder / "_status"]
        for folder in folders:
            with contextlib.suppress(FileNotFoundError):
                stamps += [
                    (e.path, e.stat().st_mtime_ns)
                    for e in os.scandir(folder)
                    if e.name.endswith(".json")
                ]
        return stamps

    # Pinned versions: what one indicator's rows were when someone published an embed,
    # kept for good under <live>/_pins/<indicator>/<pin>.csv (named by their checksum).

    def save_pin(self, indicator_id: str, payload: bytes, pin: str) -> None:
        path = self.folder / "_pins" / indicator_id / f"{pin}.csv"
        if not path.exists():
            _atomic_write_bytes(path, payload)

    def read_pin(self, indicator_id: str, pin: str) -> bytes | None:
        try:
            return (self.folder / "_pins" / indicator_id / f"{pin}.csv").read_bytes()
        except FileNotFoundError:
            return None

    # Per-source refresh outcome, kept beside the series: <live>/_status/<source>.json

    def write_status(self, source_id: str, status: dict) -> None:
        path = self.folder / "_status" / f"{source_id}.json"
        text = json.dumps(status, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
        _atomic_write_bytes(path, text.encode())

    def statuses(self) -> dict[str, dict]:
        found = {}
        for path in sorted((self.folder / "_status").glob("*.json")):
            try:
                found[path.stem] = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                log.warning("skipping unreadable status %s: %s", path, error)
        return found


class SeriesStore:
    """Reads the shipped snapshot and the live side as one table.

    The live side is a folder (`live_dir`) unless another backend is given (`live`:
    redis_store.LiveRedis, with SISTERCITIES_REDIS_URL)."""

    def __init__(
        self,
        live_dir: Path | str | None = None,
        snapshot_dir: Path | str = SNAPSHOT_DIR,
        live=None,
    ):
        self.snapshot_dir = Path(snapshot_dir)
        self.live = live if live is not None else LiveFiles(live_dir)

    @property
    def live_dir(self) -> Path | None:
        return getattr(self.live, "folder", None)

    def write_live(self, frame: pd.DataFrame, provenance: dict) -> Path:
        return self.live.write(frame, {**provenance, "origin": "live"})

    def series(self, indicator_id: str | None = None) -> list[StoredSeries]:
        """Every stored series (snapshot first, then live), with its provenance."""
        found = read_sidecars(self.snapshot_dir, indicator_id)
        for stored in found:
            stored.provenance.setdefault("origin", "snapshot")
        return found + self.live.series(indicator_id)

    def read(
        self, indicator_id: str, city_ids: Iterable[str] | None = None
    ) -> pd.DataFrame:
        """Tidy rows of one indicator with `origin` and `stale` columns.

        Where several series give a value for the same (city, time), the one fetched
        last wins, so a live refresh overrides the snapshot and keeps the rest. A series
        that cannot be read back is skipped (and logged): the others still serve.
        """
        wanted = set(city_ids) if city_ids is not None else None
        frames = []
        for stored in self.series(indicator_id):
            meta = stored.provenance
            if wanted is not None and meta["city"] not in wanted:
                continue
            try:
                rows = read_rows(stored)
            except StoreError as error:
                log.warning("skipping unreadable series: %s", error)
                continue
            rows["origin"] = meta["origin"]
            rows["fetched_at"] = meta.get("fetched_at", "")
            frames.append(rows)
        if not frames:
            out = empty_frame()
            out["origin"] = pd.Series(dtype=str)
            out["fetched_at"] = pd.Series(dtype=str)
            return out
        merged = pd.concat(frames, ignore_index=True)
        merged = merged.sort_values("fetched_at", kind="stable")
        return validate(merged.drop_duplicates(list(KEY), keep="last"))

    def live_rows(
        self, indicator_id: str, city_id: str, source_id: str
    ) -> pd.DataFrame:
        """The rows one live series holds now (empty if none or unreadable)."""
        for stored in self.live.series(indicator_id):
            meta = stored.provenance
            if meta["city"] == city_id and meta["source"] == source_id:
                try:
                    return read_rows(stored)
                except StoreError as error:
                    log.warning("replacing unreadable live series: %s", error)
        return empty_frame()

    def version(self, indicator_ids: Iterable[str]) -> str:
        """Changes whenever a series of these indicators or a refresh status changes."""
        ids = list(indicator_ids)
        stamps = []
        for name in ids:
            with contextlib.suppress(FileNotFoundError):
                stamps += [
                    (e.path, e.stat().st_mtime_ns)
                    for e in os.scandir(self.snapshot_dir / name)
                    if e.name.endswith(".json")
                ]
        stamps.append(self.live.stamps(ids))
        return hashlib.sha1(repr(stamps).encode()).hexdigest()

    def save_pin(self, indicator_id: str, payload: bytes, pin: str) -> None:
        self.live.save_pin(indicator_id, payload, pin)

    def read_pin(self, indicator_id: str, pin: str) -> bytes | None:
        return self.live.read_pin(indicator_id, pin)

    def write_status(self, source_id: str, status: dict) -> None:
        self.live.write_status(source_id, status)

    def statuses(self) -> dict[str, dict]:
        return self.live.statuses()
