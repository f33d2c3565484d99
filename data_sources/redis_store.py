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
"""

from __future__ import annotations

import json
import logging
from collections import OrderedDict
from collections.abc import Iterable
from functools import partial
from pathlib import Path

import pandas as pd
import redis

from .store import (
    SNAPSHOT_DIR,
    SeriesStore,
    StoredSeries,
    StoreError,
    parse_payload,
    prepare_series,
)

log = logging.getLogger(__name__)

PREFIX = "sistercities:"
# Old versions linger a day after being replaced, for readers mid-request.
OLD_VERSION_TTL = 86_400
# Content-addressed: a checksum names one content forever, so parsed rows can be kept.
PARSED_ROWS = 256


class RedisSeriesStore(SeriesStore):
    """Snapshot from files, live series and refresh statuses from Redis."""

    def __init__(self, redis_url: str, snapshot_dir: Path | str = SNAPSHOT_DIR):
        super().__init__(snapshot_dir=snapshot_dir, live=LiveRedis(redis_url))


class LiveRedis:
    """The live side of the store in Redis (see the module's docstring for its keys)."""

    def __init__(self, redis_url: str):
        self.redis = redis.Redis.from_url(redis_url, socket_timeout=5)
        self.url = redis_url
        self._parsed: OrderedDict[str, pd.DataFrame] = OrderedDict()

    def key(self, *parts: str) -> str:
        return PREFIX + ":".join(parts)

    def rows(self, sha: str, name: str) -> pd.DataFrame:
        """The rows stored under a checksum (parsed once per content)."""
        if sha in self._parsed:
            self._parsed.move_to_end(sha)
            return self._parsed[sha]
        payload = self.redis.get(self.key("data", sha))
        if payload is None:
            raise StoreError(f"{name}: data missing in Redis")
        rows = parse_payload(payload, sha, name)
        self._parsed[sha] = rows
        if len(self._parsed) > PARSED_ROWS:
            self._parsed.popitem(last=False)
        return rows

    def write(self, frame: pd.DataFrame, provenance: dict) -> Path:
        indicator_id, stem, payload, sidecar = prepare_series(frame, provenance)
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
        counters = self.redis.mget([self.key("version", name) for name in names])
        return ["redis", *((c or b"0").decode() for c in counters)]

    def save_pin(self, indicator_id: str, payload: bytes, pin: str) -> None:
        # No expiry: a published article keeps pointing at it.
        self.redis.set(self.key("pin", indicator_id, pin), payload, nx=True)

    def read_pin(self, indicator_id: str, pin: str) -> bytes | None:
        return self.redis.get(self.key("pin", indicator_id, pin))

    def write_status(self, source_id: str, status: dict) -> None:
        pipe = self.redis.pipeline(transaction=True)
        pipe.hset(self.key("status"), source_id, json.dumps(status, sort_keys=True))
        pipe.incr(self.key("version", "_status"))
        pipe.execute()

    def statuses(self) -> dict[str, dict]:
        found = {}
        for source_id, raw in self.redis.hgetall(self.key("status")).items():
            try:
                found[source_id.decode()] = json.loads(raw)
            except ValueError as error:
                log.warning("skipping unreadable status %s: %s", source_id, error)
        return found
