"""The store's files: tidy CSV files with JSON provenance sidecars, written atomically.

Layout of a store folder (the shipped snapshot and the live store share it):

    <root>/<indicator>/<city>__<source>.json             the sidecar, and the pointer
    <root>/<indicator>/<city>__<source>.<sha12>.csv      the rows it points to

A dense live series is kept in parts by period, each one such pair with the period in
its stem (`<city>__<source>@2026-11`: a month of hourly or 10-minute rows, a year of
daily ones): a refresh rewrites only the parts its new rows fall in, so its cost follows
what is new, not the history. `series.SeriesStore.series()` shows the parts as one series.

A write puts the rows in a new content-addressed file first, reads it back against its
checksum, then replaces the sidecar with one atomic rename. A crash at any moment
therefore leaves the sidecar pointing at either the previous complete file or the new
one, never at a partial file. The previous version is kept (named in the sidecar's
`previous`) until a newer one has been verified, so a damaged file can be recovered
from it. Writers take a lock (one writer at a time, on one host or several sharing a
volume). Damage found while reading is logged once and kept as a *problem* of its
source (`problems()`, shown in /api/sources).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from io import BytesIO
from pathlib import Path

import pandas as pd

from data_sources.model.observations import COLUMNS, validate

log = logging.getLogger(__name__)

SIDECAR_KEYS = frozenset({"indicator", "city", "source", "file", "sha256"})


class StoreError(RuntimeError):
    """A stored series cannot be read back (missing file or checksum mismatch)."""


class StoreUnavailable(StoreError):
    """The live side cannot be reached or written (Redis down, disk full, read-only)."""


# Damage found while reading or writing: key (a file or "redis") → (source, message).
_PROBLEMS: dict[str, tuple[str, str]] = {}
_PROBLEMS_LOCK = threading.Lock()


def report_problem(key: str, source_id: str, message: str) -> None:
    """Log a storage problem once, and keep it for /api/sources until it clears."""
    with _PROBLEMS_LOCK:
        known = _PROBLEMS.get(key)
        _PROBLEMS[key] = (source_id, message)
    if known != (source_id, message):
        log.warning("storage problem (%s): %s", key, message)


def clear_problem(key: str) -> None:
    with _PROBLEMS_LOCK:
        if _PROBLEMS.pop(key, None) is not None:
            log.info("storage problem cleared (%s)", key)


def clear_problems(prefix: str = "") -> None:
    """Forget the problems whose key starts with `prefix` (all by default): a test's
    teardown, or a store that was replaced."""
    with _PROBLEMS_LOCK:
        for key in [k for k in _PROBLEMS if k.startswith(prefix)]:
            del _PROBLEMS[key]


def problems() -> dict[str, list[str]]:
    """source id ("*" for the whole live side) → what is wrong with its stored data."""
    found: dict[str, list[str]] = {}
    with _PROBLEMS_LOCK:
        for source_id, message in _PROBLEMS.values():
            found.setdefault(source_id, []).append(message)
    return found


def cannot_write(error: OSError, where: Path | str | None = None) -> StoreUnavailable:
    """A disk fault in one line: 'cannot write <path>: No space left on device'."""
    path = error.filename or where or "the store"
    return StoreUnavailable(f"cannot write {path}: {error.strerror or error}")


# Parts of a dense live series, by frequency: the period each part holds. Series of
# other frequencies (a row a month or a year) stay whole: they never grow large.
PART_FORMATS = {"instant": "%Y-%m", "hourly": "%Y-%m", "daily": "%Y"}
PART_MARK = "@"


def part_labels(frame: pd.DataFrame) -> pd.Series | None:
    """Each row's part ('2026-11'), or None when the series is kept whole."""
    if frame.empty:
        return None
    part_format = PART_FORMATS.get(frame["freq"].iloc[0])
    if part_format is None:
        return None
    return pd.to_datetime(frame["time"], utc=True).dt.strftime(part_format)


def source_of(path: Path) -> str:
    """'<city>__<source>[@<part>].json' or '….<sha12>.csv' → the source id."""
    return path.name.split("__", 1)[-1].split(".", 1)[0].split(PART_MARK, 1)[0]


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable; not every platform lets a folder be opened.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def atomic_write_bytes(path: Path, payload: bytes) -> None:
    """Write `payload` to `path` through a temp file in the same folder + rename."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
        )
    except OSError as error:  # named after the file meant, not its temporary twin
        raise OSError(error.errno, error.strerror, str(path)) from error
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException as error:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        if isinstance(error, OSError) and error.filename is None:
            # A failed write() names no file: name the one being written.
            raise OSError(error.errno, error.strerror, str(path)) from error
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


def series_stem(city_id: str, source_id: str, part: str | None = None) -> str:
    return f"{city_id}__{source_id}" + (f"{PART_MARK}{part}" if part else "")


def prepare_series(
    frame: pd.DataFrame, provenance: dict, part: str | None = None
) -> tuple[str, str, bytes, dict]:
    """Validated CSV bytes and the completed sidecar of one (indicator, city, source),
    or of one `part` of it.

    Returns (indicator id, stem, payload, sidecar); the sidecar gains row count, span,
    checksum and the content-addressed data name.
    """
    frame = validate(frame)
    keys = frame[["indicator", "city", "source"]].drop_duplicates()
    if len(keys) != 1:
        raise ValueError("a stored series holds exactly one indicator, city and source")
    indicator_id, city_id, source_id = keys.iloc[0]
    stem = series_stem(city_id, source_id, part)
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
    if part:
        sidecar["part"] = part
    return indicator_id, stem, payload, sidecar


def write_series(
    root: Path, frame: pd.DataFrame, provenance: dict, part: str | None = None
) -> Path:
    """Store one (indicator, city, source) series, or one `part` of it, atomically;
    return the sidecar path.

    The new rows are read back against their checksum before the sidecar points at
    them; the version it pointed at before stays as `previous` (for recovery) and
    older ones go."""
    indicator_id, stem, payload, sidecar = prepare_series(frame, provenance, part)
    folder = Path(root) / indicator_id
    data_path = folder / sidecar["file"]
    created = not data_path.exists()
    if created or not _intact(data_path, sidecar["sha256"]):
        # (a damaged file of the same content is written again, not trusted)
        atomic_write_bytes(data_path, payload)
    try:
        if not _intact(data_path, sidecar["sha256"]):
            raise StoreError(f"{data_path}: written rows do not read back intact")
        sidecar_path = folder / f"{stem}.json"
        previous = _verified_current(sidecar_path) or _set_damage_aside(sidecar_path)
        if previous and previous["file"] != sidecar["file"]:
            sidecar["previous"] = previous
        text = json.dumps(sidecar, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
        atomic_write_bytes(sidecar_path, text.encode())
    except BaseException:
        if created:  # nothing points at it: not left to fill the disk
            with contextlib.suppress(OSError):
                data_path.unlink()
        raise
    keep = {sidecar["file"], (previous or {}).get("file")}
    # Older versions are now unreferenced; a crash before this only leaves litter.
    for old in folder.glob(f"{stem}.*.csv"):
        if old.name not in keep:
            with contextlib.suppress(FileNotFoundError):
                old.unlink()
    # A verified version replaces whatever damage this series had.
    clear_problems(str(folder / f"{stem}."))
    return sidecar_path


def _intact(path: Path, sha256: str) -> bool:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() == sha256
    except OSError:
        return False


def _verified_current(sidecar_path: Path) -> dict | None:
    """The file and checksum a sidecar points at now, if they still read back intact."""
    try:
        current = json.loads(sidecar_path.read_text(encoding="utf-8"))
        if not _intact(sidecar_path.parent / current["file"], current["sha256"]):
            return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return {"file": current["file"], "sha256": current["sha256"]}


def _set_damage_aside(sidecar_path: Path) -> dict | None:
    """The current version is damaged: its file is moved aside with the time (kept
    for whoever can recover it, never deleted by a later write), and the version
    before it, if intact, stays the previous one. Returns that version, or None."""
    try:
        current = json.loads(sidecar_path.read_text(encoding="utf-8"))
        damaged = sidecar_path.parent / current["file"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if damaged.exists():
        stamp = pd.Timestamp.now(tz="UTC").strftime("%Y%m%dT%H%M%SZ")
        aside = damaged.with_name(f"{damaged.name}.damaged-{stamp}")
        with contextlib.suppress(OSError):
            damaged.rename(aside)
            log.warning("damaged version kept aside: %s", aside)
    previous = current.get("previous") if isinstance(current, dict) else None
    if isinstance(previous, dict) and _intact(
        sidecar_path.parent / str(previous.get("file")), str(previous.get("sha256"))
    ):
        return {"file": previous["file"], "sha256": previous["sha256"]}
    return None


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
            # Sidecars are replaced atomically, so this is outside damage: said, and
            # the newest intact rows beside it kept serving.
            recovered = recover_sidecar(root, path)
            message = f"{path}: unreadable sidecar ({error})"
            if recovered is not None:
                message += (
                    f"; serving {recovered.provenance['file']}, the newest intact rows"
                )
                found.append(recovered)
            report_problem(str(path), source_of(path), message)
            continue
        clear_problem(str(path))
    return found


def recover_sidecar(root: Path, path: Path) -> StoredSeries | None:
    """A stand-in for a damaged sidecar: the newest data file beside it whose content
    still matches the checksum in its name."""
    stem = path.stem
    city_id, _, source_id = stem.partition("__")
    source_id, _, part = source_id.partition(PART_MARK)
    candidates = sorted(
        path.parent.glob(f"{stem}.*.csv"), key=lambda f: f.stat().st_mtime, reverse=True
    )
    for candidate in candidates:
        digest = hashlib.sha256(candidate.read_bytes()).hexdigest()
        if candidate.name == f"{stem}.{digest[:12]}.csv":
            provenance = {
                "indicator": path.parent.name,
                "city": city_id,
                "source": source_id,
                "file": candidate.name,
                "sha256": digest,
                "recovered": True,
                **({"part": part} if part else {}),
            }
            return StoredSeries(root, path, provenance)
    return None


def read_rows(series: StoredSeries) -> pd.DataFrame:
    """The rows a sidecar points at, checked against its checksum; if they are damaged,
    the previous version's (and the damage is reported)."""
    if series.reader is not None:
        return series.reader().copy()
    key = str(series.data_path)
    source_id = series.provenance.get("source", "?")
    try:
        rows = _file_rows(
            series.data_path, series.provenance["sha256"], series.sidecar_path.name
        )
    except StoreError as error:
        previous = series.provenance.get("previous") or {}
        try:
            rows = _file_rows(
                series.sidecar_path.parent / previous["file"],
                previous["sha256"],
                series.sidecar_path.name,
            )
        except (StoreError, KeyError):
            report_problem(key, source_id, str(error))
            raise error from None
        report_problem(
            key,
            source_id,
            f"{error}; serving the previous version ({previous['file']})",
        )
        return rows.copy()
    # Intact: any damage said of this series before (another file of it) is over,
    # unless its sidecar is the damage (recovered rows stand in for it).
    if not series.provenance.get("recovered"):
        clear_problems(str(series.sidecar_path.with_suffix("")) + ".")
    return rows.copy()


def _file_rows(path: Path, sha256: str, name: str) -> pd.DataFrame:
    try:
        stat = path.stat()
    except FileNotFoundError as error:
        raise StoreError(f"{path}: data file missing") from error
    # Keyed on the file's identity: a file changed in place gets re-read and re-checked.
    return _parse_rows(str(path), sha256, stat.st_mtime_ns, stat.st_size, name)


def parse_payload(payload: bytes, sha256: str, name: str) -> pd.DataFrame:
    """CSV bytes of a series, checked against their checksum, as validated rows."""
    if hashlib.sha256(payload).hexdigest() != sha256:
        raise StoreError(f"{name}: checksum mismatch (the file was damaged)")
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
        raise StoreError(f"{path}: data file missing") from error
    return parse_payload(payload, sha256, path)
