"""The one shared cache: bytes kept under a name and a key, for the layers above.

With SISTERCITIES_REDIS_URL set, entries live in Redis (every worker and host sees
them, with an expiry); otherwise in this process's memory, or in files under the data
dir for entries worth keeping across restarts (chart images). A cache never breaks a
page: when its backend fails, a read misses and a write is skipped (logged once).

    shared_cache().get("view", key) / .set("view", key, payload, ttl=3600)

Nothing outside `data_sources` talks to Redis or to these files.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import threading
from collections import OrderedDict
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
