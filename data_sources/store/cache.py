"""The one cache helper, with one key scheme: an entry is found by a name, its key parts
and the data version it was built from, and never outlives a newer version.

- In this process, built page pieces (views, embeds, decks, API answers):
  `latest_version_cache(maxsize)` and `stale_while_rebuilding` decorate f(*key, version)
  and keep one entry per key — a new data version replaces the old entry instead of
  piling up beside it (worker memory grew ~50 % in a 3-minute soak with an LRU keyed on
  both).
- Shared between workers, bytes (rendered views, chart images): `shared_cache()`, keyed
  by `cache_key(*parts)` — a view's parts end with its data version; an image's figure
  holds its data, so the figure is its version. With SISTERCITIES_REDIS_URL set, entries live in Redis
  (every worker and host sees them, with an expiry); otherwise in this process's memory,
  or in files under the data dir for entries worth keeping across restarts (chart
  images). A cache never breaks a page: when its backend fails, a read misses and a
  write is skipped (logged once).

    shared_cache().get("view", key) / .set("view", key, payload, ttl=3600)

Nothing outside `data_sources` talks to Redis or to these files.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from data_sources.settings import Settings

log = logging.getLogger(__name__)

PREFIX = "sistercities:"
MEMORY_ENTRIES = 256
# Kinds of entry kept in files when there is no Redis (the rest stay in memory), and
# how many files each keeps (the oldest go first).
ON_DISK = {"image": 500}


class SharedCache:
    """get/set of bytes by (name, key); Redis when configured, else memory or files."""

    def __init__(self, redis_url: str | None, folder: Path):
        self.folder = folder
        self._redis = None
        if redis_url:
            import redis  # only deployments with Redis need it

            self._redis = redis.Redis.from_url(redis_url, socket_timeout=5)
            self._errors = (redis.RedisError,)
        self._memory: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self._lock = threading.Lock()
        self._warned = False

    @property
    def shared(self) -> bool:
        """Whether other workers and hosts see these entries."""
        return self._redis is not None

    def get(self, name: str, key: str) -> bytes | None:
        if self._redis is not None:
            try:
                return self._redis.get(f"{PREFIX}{name}:{key}")
            except self._errors as error:
                self._warn(error)
                return None
        if name in ON_DISK:
            with contextlib.suppress(OSError):
                return (self.folder / name / key).read_bytes()
            return None
        with self._lock:
            value = self._memory.get((name, key))
            if value is not None:
                self._memory.move_to_end((name, key))
            return value

    def set(self, name: str, key: str, value: bytes, ttl: int) -> None:
        if self._redis is not None:
            try:
                self._redis.set(f"{PREFIX}{name}:{key}", value, ex=ttl)
            except self._errors as error:
                self._warn(error)
            return
        if name in ON_DISK:
            self._write_file(self.folder / name / key, value, ON_DISK[name])
            return
        with self._lock:
            self._memory[(name, key)] = value
            self._memory.move_to_end((name, key))
            while len(self._memory) > MEMORY_ENTRIES:
                self._memory.popitem(last=False)

    def _write_file(self, path: Path, value: bytes, keep: int) -> None:
        # A cache gives way first when the disk is full or read-only: skipped, logged.
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(value)
            temporary.replace(path)
            files = sorted(path.parent.glob("[!.]*"), key=lambda f: f.stat().st_mtime)
            for old in files[:-keep]:
                old.unlink(missing_ok=True)
        except OSError as error:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
            log.warning("cache entry not written (%s): %s", path, error)

    def _warn(self, error: Exception) -> None:
        if not self._warned:
            log.warning("shared cache unavailable, working without it: %s", error)
            self._warned = True


def give_way(data_dir: Path) -> int:
    """Delete the caches kept on disk under `data_dir` (chart images, HTTP responses) so
    that stored data can be written when the disk is full; the bytes freed. They are
    caches: everything in them is made again on demand."""
    freed = 0
    doomed = [*Path(data_dir, "_cache").rglob("*"), *Path(data_dir).glob("http_cache*")]
    for path in doomed:
        with contextlib.suppress(OSError):
            if path.is_file():
                size = path.stat().st_size
                path.unlink()
                freed += size
    if freed:
        log.warning("disk full: deleted %d bytes of caches under %s", freed, data_dir)
    return freed


def cache_key(*parts: object) -> str:
    """A short stable key for any repr-able parts."""
    return hashlib.sha1(repr(parts).encode()).hexdigest()


@lru_cache(maxsize=8)
def _cache_for(redis_url: str | None, folder: str) -> SharedCache:
    return SharedCache(redis_url, Path(folder))


def shared_cache(settings: Settings | None = None) -> SharedCache:
    """The cache for these settings (one per Redis URL and data dir)."""
    settings = settings or Settings.from_env()
    return _cache_for(settings.redis_url, str(settings.data_dir / "_cache"))


class CacheInfo(tuple):
    @property
    def currsize(self) -> int:
        return self[0]


def latest_version_cache(maxsize: int) -> Callable:
    """Decorate f(*key, version): one entry per key, rebuilt when the version changes."""

    def decorate(function: Callable) -> Callable:
        entries: OrderedDict = OrderedDict()
        lock = threading.Lock()

        @functools.wraps(function)
        def cached(*args):
            *key, version = args
            key = tuple(key)
            with lock:
                hit = entries.get(key)
                if hit is not None and hit[0] == version:
                    entries.move_to_end(key)
                    return hit[1]
            value = function(*args)
            with lock:
                entries[key] = (version, value)
                entries.move_to_end(key)
                while len(entries) > maxsize:
                    entries.popitem(last=False)
            return value

        def cache_clear() -> None:
            with lock:
                entries.clear()

        cached.cache_clear = cache_clear
        cached.cache_info = lambda: CacheInfo((len(entries),))
        return cached

    return decorate


def stale_while_rebuilding(function: Callable) -> Callable:
    """Decorate f(*key, version) for a page many read and any may wait for: when the
    version moves on, the value built for the previous one is served while the new one
    is built in the background (one build per key at a time); only a key's first build
    is awaited. Memory: one entry per key."""
    entries: dict = {}
    building: set = set()
    lock = threading.Lock()

    def rebuild(key: tuple, args: tuple) -> None:
        try:
            value = function(*args)
        except Exception:  # the previous value keeps serving; said in the log
            log.exception("rebuilding %s%s failed", function.__name__, key)
        else:
            with lock:
                entries[key] = (args[-1], value)
        finally:
            with lock:
                building.discard(key)

    @functools.wraps(function)
    def cached(*args):
        *key, version = args
        key = tuple(key)
        with lock:
            hit = entries.get(key)
            if hit is not None:
                if hit[0] != version and key not in building:
                    building.add(key)
                    threading.Thread(
                        target=rebuild, args=(key, args), daemon=True
                    ).start()
                return hit[1]
        value = function(*args)
        with lock:
            entries[key] = (version, value)
        return value

    return cached
