"""The series store: the shipped snapshot and the live files (or Redis) read as one —
live parts joined to a series, the newest version kept and the previous one aside,
pins of a data version, sources' statuses. Files are read and written by `files`."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

import pandas as pd

from data_sources.model.observations import KEY, empty_frame, validate
from data_sources.model.registries import SNAPSHOT_DIR
from data_sources.store.files import (
    SIDECAR_KEYS,
    StoredSeries,
    StoreError,
    atomic_write_bytes,
    cannot_write,
    part_labels,
    read_rows,
    read_sidecars,
    series_stem,
    write_series,
)

log = logging.getLogger(__name__)


class LiveFiles:
    """The live side of the store in a folder (the default): series written atomically,
    pins under `_pins/`, refresh statuses under `_status/`."""

    def __init__(self, folder: Path | str, make_room: Callable[[], int] | None = None):
        self.folder = Path(folder)
        # Called once when a write finds the disk full (frees caches; returns bytes).
        self.make_room = make_room

    @contextlib.contextmanager
    def locked(self):
        """One writer at a time: an exclusive lock on `<folder>/.write.lock` (fcntl,
        so it holds between processes, and hosts sharing the volume), released when
        the writer ends or dies."""
        import fcntl

        path = self.folder / ".write.lock"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle = open(path, "a+b")  # noqa: SIM115 (closed below, after the yield)
        except OSError as error:
            raise cannot_write(error, path) from None
        with handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def state(self) -> dict:
        """Whether the live folder can be written (a deep health check)."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            # A few KiB written through: an empty file still fits on a full disk.
            with tempfile.NamedTemporaryFile(
                dir=self.folder, prefix=".health."
            ) as probe:
                probe.write(b"\0" * 4096)
                probe.flush()
                os.fsync(probe.fileno())
        except OSError as error:
            return {
                "backend": "files",
                "ok": False,
                "message": f"{self.folder}: {error.strerror or error}",
            }
        return {"backend": "files", "ok": True, "message": ""}

    def series(self, indicator_id: str | None) -> list[StoredSeries]:
        found = read_sidecars(self.folder, indicator_id)
        for stored in found:
            stored.provenance.setdefault("origin", "live")
        return found

    def write(
        self, frame: pd.DataFrame, provenance: dict, part: str | None = None
    ) -> Path:
        try:
            try:
                return write_series(self.folder, frame, provenance, part)
            except OSError as error:
                if error.errno != errno.ENOSPC or not (
                    self.make_room and self.make_room()
                ):
                    raise
            # once more, with room
            return write_series(self.folder, frame, provenance, part)
        except OSError as error:
            raise cannot_write(error, self.folder) from None

    def drop(self, indicator_id: str, stem: str) -> None:
        """Remove one stored series (its rows live on elsewhere: a series split into
        parts). The sidecar goes first, so nothing ever points at a missing file."""
        folder = self.folder / indicator_id
        try:
            (folder / f"{stem}.json").unlink(missing_ok=True)
            for old in folder.glob(f"{stem}.*.csv"):
                old.unlink(missing_ok=True)
        except OSError as error:
            raise cannot_write(error, folder) from None

    def stamps(self, indicator_ids: Iterable[str]) -> list:
        """Every sidecar's and data file's identity: a file damaged in place changes
        the stamp too, so views are rebuilt and the damage is found and said."""
        stamps = []
        folders = [self.folder / i for i in indicator_ids] + [self.folder / "_status"]
        for folder in folders:
            with contextlib.suppress(FileNotFoundError):
                for entry in os.scandir(folder):
                    if entry.name.endswith((".json", ".csv")):
                        stat = entry.stat()
                        stamps.append((entry.path, stat.st_mtime_ns, stat.st_size))
        return stamps

    # Pinned versions: what one indicator's rows were when someone published an embed,
    # kept for good under <live>/_pins/<indicator>/<pin>.csv (named by their checksum).

    def save_pin(self, indicator_id: str, payload: bytes, pin: str) -> None:
        path = self.folder / "_pins" / indicator_id / f"{pin}.csv"
        try:
            if not path.exists():
                atomic_write_bytes(path, payload)
        except OSError as error:
            raise cannot_write(error, path) from None

    def read_pin(self, indicator_id: str, pin: str) -> bytes | None:
        try:
            return (self.folder / "_pins" / indicator_id / f"{pin}.csv").read_bytes()
        except FileNotFoundError:
            return None

    # Per-source refresh outcome, kept beside the series: <live>/_status/<source>.json

    def write_status(self, source_id: str, status: dict) -> None:
        path = self.folder / "_status" / f"{source_id}.json"
        text = json.dumps(status, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
        try:
            atomic_write_bytes(path, text.encode())
        except OSError as error:
            raise cannot_write(error, path) from None

    def statuses(self) -> dict[str, dict]:
        found = {}
        for path in sorted((self.folder / "_status").glob("*.json")):
            try:
                found[path.stem] = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                log.warning("skipping unreadable status %s: %s", path, error)
        return found


# What a part's sidecar says of that part only (not of the series its parts make).
PART_ONLY = frozenset({"file", "sha256", "part", "previous", "rows", "first", "last"})


def joined_parts(found: list[StoredSeries]) -> list[StoredSeries]:
    """Each live series kept in parts as one: the rows of its readable parts (a damaged
    part is skipped, and said, while the others serve), each with the time its part
    was fetched; the provenance of its newest write, with the whole span and count."""
    whole: list[StoredSeries] = []
    parted: dict[tuple, list[StoredSeries]] = {}
    for stored in found:
        meta = stored.provenance
        if meta.get("part"):
            key = (meta["indicator"], meta["city"], meta["source"])
            parted.setdefault(key, []).append(stored)
        else:
            whole.append(stored)
    for (_, city_id, source_id), members in parted.items():
        members.sort(key=lambda stored: stored.provenance["part"])
        metas = [stored.provenance for stored in members]
        newest = max(metas, key=lambda meta: meta.get("fetched_at", ""))
        provenance = {
            **{k: v for k, v in newest.items() if k not in PART_ONLY},
            "parts": [meta["part"] for meta in metas],
        }
        # the whole span and count, where every part says them (a part recovered
        # from a damaged sidecar does not)
        for key, pick in (("first", min), ("last", max)):
            values = [meta[key] for meta in metas if meta.get(key)]
            if values:
                provenance[key] = pick(values)
        if all("rows" in meta for meta in metas):
            provenance["rows"] = sum(int(meta["rows"]) for meta in metas)
        stem = series_stem(city_id, source_id)
        whole.append(
            StoredSeries(
                members[0].root,
                members[0].sidecar_path.with_name(f"{stem}.json"),
                provenance,
                reader=partial(_read_parts, members),
            )
        )
    return whole


def _read_parts(members: list[StoredSeries]) -> pd.DataFrame:
    frames, errors = [], []
    for stored in members:
        try:
            rows = read_rows(stored)
        except StoreError as error:
            errors.append(error)
            continue
        rows["fetched_at"] = stored.provenance.get("fetched_at", "")
        frames.append(rows)
    if errors:
        log.warning("skipping unreadable parts: %s", "; ".join(map(str, errors)))
        if not frames:
            raise errors[0]
    return pd.concat(frames, ignore_index=True)


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

    def write_live(
        self, frame: pd.DataFrame, provenance: dict, origin: str = "live"
    ) -> list[Path]:
        """A live-side series, refreshed (`live`) or backfilled (`imported`): only the
        parts `frame` has rows in are written (a dense series is kept in parts)."""
        provenance = {**provenance, "origin": origin}
        labels = part_labels(frame)
        if labels is None:
            return [self.live.write(frame, provenance)]
        return [
            self.live.write(rows, provenance, part=label)
            for label, rows in frame.groupby(labels.to_numpy())
        ]

    def series(self, indicator_id: str | None = None) -> list[StoredSeries]:
        """Every stored series (snapshot first, then live), with its provenance; a
        series kept in parts is one."""
        found = read_sidecars(self.snapshot_dir, indicator_id)
        for stored in found:
            stored.provenance.setdefault("origin", "snapshot")
        return found + joined_parts(self.live.series(indicator_id))

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
            if "fetched_at" not in rows:  # (a series in parts says it per part)
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

    def merged_live(
        self, indicator_id: str, city_id: str, source_id: str, rows: pd.DataFrame
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The rows of the live series' parts that `rows` fall in, now and with `rows`
        merged in (history accumulates; at the same city, indicator and time the new
        value wins): a refresh and an import merge alike, and write back only those
        parts. A dense series stored whole (before parts) is split into parts first.
        Call it holding `locked()`."""
        labels = part_labels(rows)
        if labels is not None:
            self._split_whole(indicator_id, city_id, source_id)
        parts = None if labels is None else set(labels)
        previous = self.live_rows(indicator_id, city_id, source_id, parts)
        merged = pd.concat([previous, rows], ignore_index=True)
        return previous, merged.drop_duplicates(list(KEY), keep="last")

    def _live_parts(
        self, indicator_id: str, city_id: str, source_id: str
    ) -> list[StoredSeries]:
        return [
            stored
            for stored in self.live.series(indicator_id)
            if (stored.provenance["city"], stored.provenance["source"])
            == (city_id, source_id)
        ]

    def _split_whole(self, indicator_id: str, city_id: str, source_id: str) -> None:
        for stored in self._live_parts(indicator_id, city_id, source_id):
            if stored.provenance.get("part"):
                continue
            try:
                rows = read_rows(stored)
            except StoreError as error:
                log.warning("replacing unreadable live series: %s", error)
                rows = empty_frame()
            meta = stored.provenance
            if not rows.empty:
                # into the parts its rows fall in; a row a part holds already wins
                parts = self.live_rows(
                    indicator_id, city_id, source_id, set(part_labels(rows))
                )
                whole = pd.concat([rows, parts], ignore_index=True)
                self.write_live(
                    whole.drop_duplicates(list(KEY), keep="last"),
                    {k: v for k, v in meta.items() if k not in SIDECAR_KEYS},
                    origin=meta.get("origin", "live"),
                )
            self.live.drop(indicator_id, stored.sidecar_path.stem)
            log.info("kept %s in parts", stored.sidecar_path.stem)

    def live_rows(
        self,
        indicator_id: str,
        city_id: str,
        source_id: str,
        parts: set[str] | None = None,
    ) -> pd.DataFrame:
        """The rows one live series holds now (empty if none or unreadable); of a
        series in parts, those of `parts` only (every part: None)."""
        frames = []
        for stored in self._live_parts(indicator_id, city_id, source_id):
            part = stored.provenance.get("part")
            if parts is not None and part not in parts:
                continue
            try:
                frames.append(read_rows(stored))
            except StoreError as error:
                log.warning("replacing unreadable live series: %s", error)
        if not frames:
            return empty_frame()
        return pd.concat(frames, ignore_index=True)

    def live_count(self, indicator_id: str, city_id: str, source_id: str) -> int:
        """How many rows one live series holds (from its sidecars: nothing read)."""
        return sum(
            int(stored.provenance.get("rows", 0))
            for stored in self._live_parts(indicator_id, city_id, source_id)
        )

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

    def locked(self):
        """Hold while reading, merging and writing live series (one writer at a time)."""
        return self.live.locked()

    def verify_live(self) -> list[StoredSeries]:
        """Read every live series back against its checksum, so that damage is found
        (and kept as a problem) even where no page has asked for it yet."""
        found = self.live.series(None)
        for stored in found:
            with contextlib.suppress(StoreError):
                read_rows(stored)
        return found

    def state(self) -> dict:
        """Where the live side is and whether it answers: backend, ok, message."""
        return self.live.state()

    def save_pin(self, indicator_id: str, payload: bytes, pin: str) -> None:
        self.live.save_pin(indicator_id, payload, pin)

    def read_pin(self, indicator_id: str, pin: str) -> bytes | None:
        return self.live.read_pin(indicator_id, pin)

    def write_status(self, source_id: str, status: dict) -> None:
        self.live.write_status(source_id, status)

    def statuses(self) -> dict[str, dict]:
        return self.live.statuses()
