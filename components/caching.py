"""A cache that keeps, per key, only the value built for the newest data version.

Views, embeds and decks are built once per (request, data version). A refresher changes
the data version every few minutes; an LRU keyed on both would keep every superseded
version until it fell off the end (worker memory grew ~50 % in a 3-minute soak). Here a
new version replaces the old entry of the same key, so memory is bounded by the number
of distinct requests, not by how often data change.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable

log = logging.getLogger(__name__)


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
