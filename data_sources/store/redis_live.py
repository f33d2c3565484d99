"""The live side of the series store in Redis, shared by every worker and host.

With SISTERCITIES_REDIS_URL set, one refresher writes here and every web worker reads
here; the shipped snapshot stays in files. Keys (prefix `sistercities:`):

    data:<sha256>                 the CSV rows of one series version (content-addressed)
    series:<indicator>            hash: "<city>__<source>" → sidecar JSON (the pointer)
    status                        hash: source id → last refresh outcome (JSON)
    version:<indicator|_status>   counters bumped on every write (cache keys)
    pin:<indicator>:<pin>         a pinned version's rows (kept for good, see store.py)

A write stores the rows under their checksum first, then swaps the pointer with one HSET:
a reader sees the previous complete version or the new one, never a mix.

When Redis cannot be reached, reads degrade instead of failing: the series list and
statuses this process read last, rows it has already parsed, and a "redis down" version
stamp so views built before are rebuilt. The outage is a storage *problem*
(store.problems(), shown in /api/sources and on the pages); Redis is tried again at most
every RETRY_SECONDS and everything returns on its own when it answers. Writes raise
StoreUnavailable with a one-line reason.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from functools import partial
from pathlib import Path

import pandas as pd
import redis

from data_sources.model.registries import SNAPSHOT_DIR
from data_sources.store.files import (
    StoredSeries,
    StoreError,
    StoreUnavailable,
    atomic_write_bytes,
    clear_problem,
    parse_payload,
    prepare_series,
    report_problem,
)
from data_sources.store.series import SeriesStore

log = logging.getLogger(__name__)

PREFIX = "sistercities:"
# Old versions linger a day after being replaced, for readers mid-request.
OLD_VERSION_TTL = 86_400
# Content-addressed: a checksum names one content forever, so parsed rows can be kept.
PARSED_ROWS = 256
# After a failed call, Redis is left alone this long (pages answer from what this process
# holds without waiting on a connect timeout each time).
RETRY_SECONDS = 2.0
# Short: a page waits at most this long on an unreachable Redis before degrading.
CONNECT_TIMEOUT = 2.0
WRITE_LOCK_SECONDS = 300


class RedisSeriesStore(SeriesStore):
    """Snapshot from files, live series and refresh statuses from Redis."""

    def __init__(
        self,
        redis_url: str,
        snapshot_dir: Path | str = SNAPSHOT_DIR,
        held_dir: Path | str | None = None,
    ):
        super().__init__(
            snapshot_dir=snapshot_dir, live=LiveRedis(redis_url, held_dir=held_dir)
        )


class LiveRedis:
    """The live side of the store in Redis (see the module's docstring for its keys)."""

    def __init__(self, redis_url: str, held_dir: Path | str | None = None):
        # How many series Redis last held, in a file every worker of this instance
        # reads (its data folder): a worker that never saw them still knows that an
        # empty Redis was emptied, so all workers give /health?deep=1 one answer.
        self.held_file = Path(held_dir) / "redis-held.json" if held_dir else None
        self._held_written: int | None = None
        self.redis = redis.Redis.from_url(
            redis_url, socket_timeout=5, socket_connect_timeout=CONNECT_TIMEOUT
        )
        self.url = redis_url
        self._parsed: OrderedDict[str, pd.DataFrame] = OrderedDict()
        # What the last successful reads returned: served while Redis is away.
        self._known_series: dict[str | None, list[StoredSeries]] = {}
        self._known_statuses: dict[str, dict] = {}
        self._down_until = 0.0
        self._guard = threading.Lock()

    def key(self, *parts: str) -> str:
        return PREFIX + ":".join(parts)

    @property
    def where(self) -> str:
        """The server, for messages (without any password in the URL)."""
        kwargs = self.redis.connection_pool.connection_kwargs
        return f"Redis at {kwargs.get('host', '?')}:{kwargs.get('port', '?')}"

    def _down(self) -> bool:
        return time.monotonic() < self._down_until

    def _failed(self, error: Exception) -> StoreUnavailable:
        """Note an outage (a problem of the whole live side) and name it in one line."""
        with self._guard:
            self._down_until = time.monotonic() + RETRY_SECONDS
        message = f"live store unavailable: {self.where}: {_reason(error)}"
        report_problem(f"redis {self.where}", "*", message)
        return StoreUnavailable(message)

    def _answered(self) -> None:
        with self._guard:
            self._down_until = 0.0
        clear_problem(f"redis {self.where}")

    def _read(self, call, fallback):
        """`call()` against Redis, or `fallback` while it is unreachable."""
        if self._down():
            return fallback
        try:
            result = call()
        except redis.RedisError as error:
            self._failed(error)
            return fallback
        self._answered()
        return result

    def _write(self, call):
        """`call()` against Redis; StoreUnavailable (one line) when it cannot be done."""
        try:
            result = call()
        except redis.RedisError as error:
            raise self._failed(error) from None
        self._answered()
        return result

    def rows(self, sha: str, name: str) -> pd.DataFrame:
        """The rows stored under a checksum (parsed once per content)."""
        if sha in self._parsed:
            self._parsed.move_to_end(sha)
            return self._parsed[sha]
        if self._down():
            raise StoreUnavailable(f"{name}: {self.where} unreachable")
        try:
            payload = self.redis.get(self.key("data", sha))
        except redis.RedisError as error:
            raise self._failed(error) from None
        if payload is None:
            raise StoreError(f"{name}: data missing in Redis")
        rows = parse_payload(payload, sha, name)
        self._parsed[sha] = rows
        if len(self._parsed) > PARSED_ROWS:
            self._parsed.popitem(last=False)
        return rows

    def write(
        self, frame: pd.DataFrame, provenance: dict, part: str | None = None
    ) -> Path:
        return self._write(lambda: self._write_series(frame, provenance, part))

    def drop(self, indicator_id: str, stem: str) -> None:
        """Remove one stored series (its rows live on elsewhere: a series split into
        parts); its rows linger like any replaced version."""

        def drop():
            series_key = self.key("series", indicator_id)
            previous = self.redis.hget(series_key, stem)
            pipe = self.redis.pipeline(transaction=True)
            pipe.hdel(series_key, stem)
            pipe.incr(self.key("version", indicator_id))
            if previous and json.loads(previous).get("sha256"):
                sha = json.loads(previous)["sha256"]
                pipe.expire(self.key("data", sha), OLD_VERSION_TTL)
            pipe.execute()

        self._write(drop)

    def _write_series(
        self, frame: pd.DataFrame, provenance: dict, part: str | None
    ) -> Path:
        indicator_id, stem, payload, sidecar = prepare_series(frame, provenance, part)
        series_key = self.key("series", indicator_id)
        previous = self.redis.hget(series_key, stem)
        self.redis.set(self.key("data", sidecar["sha256"]), payload)
        pipe = self.redis.pipeline(transaction=True)
        pipe.hset(
            series_key, stem, json.dumps(sidecar, ensure_ascii=False, sort_keys=True)
        )
        pipe.incr(self.key("version", indicator_id))
        if previous:
            old_sha = json.loads(previous).get("sha256")
            if old_sha and old_sha != sidecar["sha256"]:
                pipe.expire(self.key("data", old_sha), OLD_VERSION_TTL)
        pipe.execute()
        return Path(f"redis/{indicator_id}/{stem}.json")

    def series(self, indicator_id: str | None) -> list[StoredSeries]:
        known = self._known_series.get(indicator_id)
        if known is None and indicator_id is not None:
            # Nothing read for this indicator yet: what a full listing saw of it.
            known = [
                s
                for s in self._known_series.get(None, [])
                if s.provenance.get("indicator") == indicator_id
            ]
        found = self._read(lambda: self._series(indicator_id), None)
        if found is None:
            return list(known or [])
        if indicator_id is None:
            self._check_not_emptied(found)
        self._known_series[indicator_id] = found
        return found

    def _check_not_emptied(self, found: list[StoredSeries]) -> None:
        """Redis answering with no series where it held some before was flushed, or
        restarted without persistence: said, until a refresh fills it again."""
        before = max(len(self._known_series.get(None, [])), self._held_before())
        if found:
            clear_problem(f"redis-emptied {self.where}")
            self._remember_held(len(found))
        elif before:
            report_problem(
                f"redis-emptied {self.where}",
                "*",
                f"live store emptied: {self.where} held {before} live series and now "
                "holds none (flushed, or restarted without persistence); the snapshot "
                "serves until the next refresh",
            )

    def _held_before(self) -> int:
        """The series count another worker saw in this Redis (0: none, or unknown)."""
        if self.held_file is None:
            return 0
        try:
            held = json.loads(self.held_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return 0
        if not isinstance(held, dict) or held.get("where") != self.where:
            return 0
        count = held.get("series")
        return count if isinstance(count, int) else 0

    def _remember_held(self, count: int) -> None:
        if self.held_file is None or count == self._held_written:
            return
        payload = json.dumps({"where": self.where, "series": count}).encode()
        try:
            atomic_write_bytes(self.held_file, payload)
        except OSError as error:  # a read-only folder: this worker's memory only
            log.warning("cannot record what Redis holds: %s", error)
        self._held_written = count

    def _series(self, indicator_id: str | None) -> list[StoredSeries]:
        if indicator_id is None:
            keys = [k.decode() for k in self.redis.scan_iter(self.key("series", "*"))]
        else:
            keys = [self.key("series", indicator_id)]
        found = []
        for series_key in sorted(keys):
            for stem, raw in sorted(self.redis.hgetall(series_key).items()):
                try:
                    provenance = json.loads(raw)
                except ValueError as error:
                    log.warning(
                        "skipping unreadable sidecar %s/%s: %s", series_key, stem, error
                    )
                    continue
                provenance.setdefault("origin", "live")
                where = Path(
                    f"redis/{provenance.get('indicator')}/{stem.decode()}.json"
                )
                found.append(
                    StoredSeries(
                        Path("redis"),
                        where,
                        provenance,
                        reader=partial(
                            self.rows, provenance.get("sha256", ""), where.name
                        ),
                    )
                )
        return found

    def stamps(self, indicator_ids: Iterable[str]) -> list:
        names = [*indicator_ids, "_status"]
        counters = self._read(
            lambda: self.redis.mget([self.key("version", name) for name in names]),
            None,
        )
        if counters is None:  # a stamp of its own: views built with Redis are rebuilt
            return ["redis unreachable"]
        return ["redis", *((c or b"0").decode() for c in counters)]

    @contextlib.contextmanager
    def locked(self):
        """One writer at a time across hosts: a Redis lock (it expires if its holder
        dies). Each write is a transaction of its own as well."""
        lock = self.redis.lock(
            self.key("lock", "write"), timeout=WRITE_LOCK_SECONDS, blocking_timeout=None
        )
        self._write(lock.acquire)
        try:
            yield
        finally:
            with contextlib.suppress(redis.RedisError):
                lock.release()

    def state(self) -> dict:
        try:
            self.redis.ping()
        except redis.RedisError as error:
            self._failed(error)
            return {
                "backend": "redis",
                "ok": False,
                "message": f"{self.where}: {_reason(error)}",
            }
        self._answered()
        return {"backend": "redis", "ok": True, "message": ""}

    def save_pin(self, indicator_id: str, payload: bytes, pin: str) -> None:
        # No expiry: a published article keeps pointing at it.
        self._write(
            lambda: self.redis.set(self.key("pin", indicator_id, pin), payload, nx=True)
        )

    def read_pin(self, indicator_id: str, pin: str) -> bytes | None:
        return self._read(
            lambda: self.redis.get(self.key("pin", indicator_id, pin)), None
        )

    def write_status(self, source_id: str, status: dict) -> None:
        def write():
            pipe = self.redis.pipeline(transaction=True)
            pipe.hset(self.key("status"), source_id, json.dumps(status, sort_keys=True))
            pipe.incr(self.key("version", "_status"))
            pipe.execute()

        self._write(write)

    def statuses(self) -> dict[str, dict]:
        found = self._read(self._statuses, None)
        if found is None:
            return dict(self._known_statuses)
        self._known_statuses = found
        return found

    def _statuses(self) -> dict[str, dict]:
        found = {}
        for source_id, raw in self.redis.hgetall(self.key("status")).items():
            try:
                found[source_id.decode()] = json.loads(raw)
            except ValueError as error:
                log.warning("skipping unreadable status %s: %s", source_id, error)
        return found


def _reason(error: Exception) -> str:
    """The first line of a Redis error ('Error 111 connecting to 127.0.0.1:6390.
    Connection refused.')."""
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
