"""The one HTTP layer: a cached session with timeouts and bounded retries, and two errors.

Retries (urllib3 `Retry`) cover connection errors, 429 and 5xx, with exponential backoff
and `Retry-After` honoured up to a bound. requests-cache stores responses under the data
dir and revalidates them with ETag / Last-Modified (conditional requests). Failures become
`SourceUnavailable` (try again later) or `SourceError` (the upstream answered something we
cannot use), each carrying the upstream's own message.
"""

from __future__ import annotations

import errno
import json
import logging
import re
import shutil
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import redis
import requests
import requests_cache
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from data_sources.settings import Settings

log = logging.getLogger(__name__)

USER_AGENT = "SisterCities/0.1 (Paris-San Francisco dashboard; open source)"
RETRY_STATUSES = (429, 500, 502, 503, 504)
# Longest Retry-After we sleep through; a longer one fails fast and the source goes stale.
MAX_RETRY_AFTER = 30.0
MAX_BODY_BYTES = 50 * 1024 * 1024
# What the HTTP cache's backends raise (SQLite files, Redis, the disk under them).
CACHE_ERRORS = (sqlite3.Error, redis.RedisError, OSError)
# Below this much free space the HTTP cache stays in memory (room left for the data).
MIN_FREE_BYTES_FOR_CACHE = 4 * 1024 * 1024


class SourceUnavailable(RuntimeError):
    """The upstream could not be reached or kept failing (timeouts, 5xx, 429)."""


class SourceError(RuntimeError):
    """The upstream answered, but not with data we can use (4xx, bad payload, drift)."""


class BoundedRetry(Retry):
    """urllib3 Retry that sleeps through Retry-After only up to MAX_RETRY_AFTER."""

    # A class attribute, not an argument: urllib3 1.26 (pinned by selenium) has no
    # backoff_max parameter; 2.x reads this as its default.
    DEFAULT_BACKOFF_MAX = 8.0

    def get_retry_after(self, response):  # noqa: ANN001 (urllib3 signature)
        seconds = super().get_retry_after(response)
        if seconds is not None and seconds > MAX_RETRY_AFTER:
            return MAX_RETRY_AFTER
        return seconds


class RedactSecrets(logging.Filter):
    """Blanks API keys out of log records (urllib3 logs retried URLs, query included)."""

    def __init__(self, secrets: Iterable[str]):
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            message = redact(record.getMessage(), self.secrets)
            record.msg, record.args = message, ()
        return True


def redact(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def make_session(settings: Settings) -> requests.Session:
    """One session for all upstreams: cache, retries, User-Agent."""
    if settings.api_keys:
        secret_filter = RedactSecrets(settings.api_keys.values())
        for name in ("urllib3.connectionpool", "urllib3.util.retry", "requests_cache"):
            logging.getLogger(name).addFilter(secret_filter)
    if settings.redis_url:  # shared by every worker and host
        backend = requests_cache.RedisCache(
            namespace="sistercities:http",
            connection=redis.Redis.from_url(
                settings.redis_url, socket_timeout=5, socket_connect_timeout=2
            ),
        )
    else:
        backend = sqlite_cache_or_memory(settings.data_dir / "http_cache.sqlite")
    session = requests_cache.CachedSession(
        backend=backend,
        expire_after=settings.http_cache_seconds,
        cache_control=True,
        always_revalidate=True,
        allowable_codes=(200,),
    )
    retry = BoundedRetry(
        total=settings.retries,
        connect=settings.retries,
        read=settings.retries,
        status=settings.retries,
        backoff_factor=0.5,
        status_forcelist=RETRY_STATUSES,
        # POST too: the only POSTs sent are queries (the EEA's file list), safe to repeat.
        allowed_methods=frozenset({"GET", "POST"}),
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = USER_AGENT
    return session


def sqlite_cache_or_memory(path: Path) -> requests_cache.BaseCache:
    """The HTTP cache in SQLite under the data dir, if that file can be written now and
    the disk has room; else in memory for this run (said once).

    requests-cache retries a failed SQLite write lock forever, and a full or read-only
    disk fails it every time: a refresher would hang instead of saying what is wrong."""
    try:
        free = shutil.disk_usage(path.parent).free if path.parent.exists() else None
        if free is not None and free < MIN_FREE_BYTES_FOR_CACHE:
            raise OSError(errno.ENOSPC, "less than 4 MiB free", str(path.parent))
        path.parent.mkdir(parents=True, exist_ok=True)
        probe = sqlite3.connect(path, timeout=1.0)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("CREATE TABLE IF NOT EXISTS _writable (x)")
            probe.rollback()
        finally:
            probe.close()
    except (OSError, sqlite3.Error) as error:
        log.warning("HTTP cache kept in memory for this run (%s: %s)", path, error)
        return requests_cache.BaseCache()
    return requests_cache.SQLiteCache(str(path))


def upstream_message(response: requests.Response) -> str:
    """The API's own words from an error body (JSON `message`/`reason`/`error`), else text."""
    text = response.text[:500]
    try:
        body = response.json()
    except ValueError:
        return " ".join(text.split())[:200]
    if isinstance(body, dict):
        for key in ("message", "reason", "error", "detail"):
            if isinstance(body.get(key), str):
                return body[key]
    return " ".join(text.split())[:200]


@dataclass
class Client:
    """What adapters use to talk to an upstream: JSON in, domain errors out."""

    session: requests.Session
    settings: Settings

    def get_json(
        self,
        url: str,
        params: dict | None = None,
        headers: dict | None = None,
    ) -> object:
        response = self._checked(url, params, headers)
        try:
            return json.loads(response.content)
        except ValueError as error:
            raise SourceError(f"malformed JSON: {error}") from error

    def get_bytes(self, url: str, missing_ok: bool = False) -> bytes | None:
        """A file's bytes (a ZIP, a CSV); with `missing_ok`, None when it answers 404
        (a file not published yet)."""
        try:
            return self._checked(url, None, None).content
        except SourceError as error:
            if missing_ok and is_missing(error):
                return None
            raise

    def post_text(self, url: str, body: dict) -> str:
        """The text an API answers to a JSON query sent by POST (the EEA's list of
        file URLs, which comes back as CSV text)."""
        return self._checked(url, None, None, body).text

    def _checked(self, url, params, headers, body=None) -> requests.Response:
        """The response to a GET (a POST with `body`), or SourceUnavailable /
        SourceError saying why not."""
        if self.settings.offline:
            raise SourceUnavailable(
                "offline mode (SISTERCITIES_OFFLINE=1): not fetched"
            )
        timeout = (min(5.0, self.settings.timeout), self.settings.timeout)
        try:
            response = self._send(url, params, headers, timeout, body)
        except requests.exceptions.RetryError as error:
            raise self._unavailable(f"gave up after retries: {error}") from None
        except requests.exceptions.Timeout:
            raise self._unavailable(
                f"timed out after {self.settings.timeout:g} s"
            ) from None
        except requests.exceptions.ConnectionError as error:
            if "timed out" in str(error):  # a read timeout that outlived the retries
                raise self._unavailable(
                    f"timed out after {self.settings.timeout:g} s"
                ) from None
            host = urlsplit(url).netloc
            raise self._unavailable(
                f"cannot connect to {host}: {_cause(error)}"
            ) from None
        except requests.exceptions.RequestException as error:
            raise self._unavailable(f"request failed: {_short(error)}") from None
        try:
            return checked_response(response)
        except (SourceUnavailable, SourceError) as error:
            raise type(error)(self._redact(str(error))) from None

    def _send(self, url, params, headers, timeout, body) -> requests.Response:
        method = "GET" if body is None else "POST"
        sent = dict(params=params, headers=headers, timeout=timeout, json=body)
        try:
            return self.session.request(method, url, **sent)
        except requests.exceptions.RequestException:
            raise
        except CACHE_ERRORS as error:
            # The HTTP cache is only a cache: when its disk is full or read-only, or its
            # Redis is down, the request goes out without it.
            if not isinstance(self.session, requests_cache.CachedSession):
                raise
            log.warning("HTTP cache unavailable, fetching without it: %s", error)
            with self.session.cache_disabled():
                return self.session.request(method, url, **sent)

    def _redact(self, text: str) -> str:
        return redact(text, self.settings.api_keys.values())

    def _unavailable(self, message: str) -> SourceUnavailable:
        # `from None` above: the original exception's text holds the URL, key included.
        return SourceUnavailable(self._redact(message))


def is_missing(error: SourceError) -> bool:
    """Whether the upstream said 404: a file or dataset not published (yet)."""
    return str(error).startswith("HTTP 404")


def checked_response(response: requests.Response) -> requests.Response:
    """The response if it carries data we may read: not an error, not too large, not
    an HTML page in place of the data."""
    status = response.status_code
    if status == 429 or status >= 500:
        raise SourceUnavailable(f"HTTP {status}: {upstream_message(response)}")
    if status >= 400:
        raise SourceError(f"HTTP {status}: {upstream_message(response)}")
    if len(response.content) > MAX_BODY_BYTES:
        raise SourceError(f"response too large ({len(response.content)} bytes)")
    content_type = response.headers.get("Content-Type", "")
    if "html" in content_type.lower():
        raise SourceError(
            f"expected data, got an HTML page: {upstream_message(response)[:120]}"
        )
    return response


def _cause(error: Exception) -> str:
    """The root cause of a connection error ('[Errno 111] Connection refused'), briefly."""
    match = re.search(r"\[Errno [^\]]+\][^'\")]*", str(error))
    return match.group(0).strip() if match else _short(error)


def _short(error: Exception) -> str:
    text = str(error)
    return text if len(text) < 200 else text[:200] + "…"
