"""A cache that keeps, per key, only the value built for the newest data version.

Views, embeds and decks are built once per (request, data version). A refresher changes
the data version every few minutes; an LRU keyed on both would keep every superseded
version until it fell off the end (worker memory grew ~50 % in a 3-minute soak). Here a
new version replaces the old entry of the same key, so memory is bounded by the number
of distinct requests, not by how often data change.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable


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
