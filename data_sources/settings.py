"""Settings: explicit argument > environment variable > default.

HOST, PORT and DASH_DEBUG are not ours: Dash.run reads them itself. API keys come only
from the environment and are kept out of repr(), so they never reach a log line.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import platformdirs

from data_sources.model.registries import SOURCES

ENV_PREFIX = "SISTERCITIES_"


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def _number(env: str, default: float) -> float:
    raw = os.environ.get(env)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ValueError(f"{env} must be a number, not {raw!r}") from None


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    offline: bool = False
    timeout: float = 10.0
    retries: int = 3
    http_cache_seconds: float = 60.0
    # A deployment whose refresher has run is not ready once its last success is older.
    refresh_overdue_seconds: float = 3600.0
    redis_url: str | None = None
    base_urls: dict[str, str] = field(default_factory=dict)
    embed_origins: tuple[str, ...] = ("*",)
    public_url: str | None = None
    chromium: str | None = None
    # The lighter browser files (components/web/vendor.py): where they are kept, and whence.
    vendor_dir: Path | None = None
    npm_registry: str | None = None
    # Secrets: never printed (repr=False) and never written to the store or the cache key.
    api_keys: dict[str, str] = field(default_factory=dict, repr=False)

    @classmethod
    def current(cls) -> Settings:
        """`from_env()`, built again only when the environment changed (a request may
        ask for it many times; reading and checking every variable each time was the
        slow part)."""
        return _settings_for(
            tuple(sorted((k, v) for k, v in os.environ.items() if k in _ENV_NAMES))
        )

    @classmethod
    def from_env(
        cls,
        data_dir: Path | str | None = None,
        offline: bool | None = None,
        **overrides,
    ) -> Settings:
        env = os.environ
        if data_dir is None:
            data_dir = env.get(f"{ENV_PREFIX}DATA_DIR") or (
                Path(platformdirs.user_cache_dir("sistercities")) / "series"
            )
        if offline is None:
            offline = _flag(env.get(f"{ENV_PREFIX}OFFLINE"))
        values = {
            # the defaults are the dataclass's own, written once
            "timeout": _number(f"{ENV_PREFIX}TIMEOUT", cls.timeout),
            "retries": int(_number(f"{ENV_PREFIX}RETRIES", cls.retries)),
            "http_cache_seconds": _number(
                f"{ENV_PREFIX}HTTP_CACHE_SECONDS", cls.http_cache_seconds
            ),
            "refresh_overdue_seconds": _number(
                f"{ENV_PREFIX}REFRESH_OVERDUE_SECONDS", cls.refresh_overdue_seconds
            ),
            "redis_url": env.get(f"{ENV_PREFIX}REDIS_URL") or None,
            "embed_origins": tuple(env.get(f"{ENV_PREFIX}EMBED_ORIGINS", "").split())
            or cls.embed_origins,
            "public_url": (env.get(f"{ENV_PREFIX}PUBLIC_URL") or "").rstrip("/")
            or None,
            "chromium": env.get(f"{ENV_PREFIX}CHROMIUM") or None,
            "vendor_dir": Path(env[f"{ENV_PREFIX}VENDOR_DIR"])
            if env.get(f"{ENV_PREFIX}VENDOR_DIR")
            else None,
            "npm_registry": env.get(f"{ENV_PREFIX}NPM_REGISTRY") or None,
            "base_urls": {
                s.id: env.get(s.url_env) or s.base_url for s in SOURCES if s.live
            },
            "api_keys": {
                s.id: env[name]
                for s in SOURCES
                for name in (s.api_key_env, s.app_token_env)
                if name and env.get(name)
            },
        }
        values.update(overrides)
        return cls(data_dir=Path(data_dir), offline=offline, **values)


# (variable, default, help) — the README documents every one (tests/test_docs.py).
SETTINGS_DOC = (
    (
        "SISTERCITIES_DATA_DIR",
        "the user cache dir, e.g. ~/.cache/sistercities/series",
        "Folder of the live series store (beside the shipped snapshot) and HTTP cache.",
    ),
    (
        "SISTERCITIES_OFFLINE",
        "0",
        "1 forbids any network access: only the snapshot and the store are read.",
    ),
    (
        "SISTERCITIES_REDIS_URL",
        "unset",
        "redis://… : live series, refresh status, HTTP cache and views shared in Redis.",
    ),
    (
        "SISTERCITIES_TIMEOUT",
        f"{Settings.timeout:g}",
        "Seconds to wait for an upstream to answer.",
    ),
    (
        "SISTERCITIES_RETRIES",
        f"{Settings.retries}",
        "Retries on 429/5xx and connection errors.",
    ),
    (
        "SISTERCITIES_HTTP_CACHE_SECONDS",
        f"{Settings.http_cache_seconds:g}",
        "How long an upstream response is reused before it is revalidated (0: no cache).",
    ),
    (
        "SISTERCITIES_REFRESH_OVERDUE_SECONDS",
        f"{Settings.refresh_overdue_seconds:g}",
        "`/health?deep=1` answers 503 when a refresher has run but none of its refreshes "
        "succeeded for this long.",
    ),
    *(
        (source.url_env, source.base_url, f"Base URL of the {source.id} source.")
        for source in SOURCES
        if source.live
    ),
    (
        "SISTERCITIES_EMBED_ORIGINS",
        " ".join(Settings.embed_origins),
        "Space-separated origins allowed to frame /embed/… (CSP frame-ancestors); "
        "every other page may be framed only by the site itself.",
    ),
    (
        "SISTERCITIES_PUBLIC_URL",
        "the address the request came to (its Host; never its `Origin`)",
        "Public address (`https://…`) used in QR codes, embed snippets, citations and link previews; set it behind a proxy.",
    ),
    (
        "SISTERCITIES_CHROMIUM",
        "chromium on PATH",
        "Browser that draws the static chart images (/embed/<id>.png|.svg).",
    ),
    (
        "SISTERCITIES_NPM_REGISTRY",
        "https://registry.npmjs.org",
        "Where the lighter browser files are fetched at first start without npm.",
    ),
    (
        "SISTERCITIES_VENDOR_DIR",
        "the user cache dir, e.g. ~/.cache/sistercities/vendor",
        "Where those files are kept once fetched and checked.",
    ),
    ("EIA_API_KEY", "unset", "Enables the eia source (CAISO demand)."),
    ("OPENAQ_API_KEY", "unset", "Enables the openaq source (measured PM2.5)."),
    (
        "SISTERCITIES_SF_APP_TOKEN",
        "unset",
        "Optional Socrata X-App-Token for data.sfgov.org.",
    ),
)


# Every variable Settings reads: the key under which `Settings.current()` is kept.
_ENV_NAMES = frozenset(
    {name for name, _default, _help in SETTINGS_DOC}
    | {s.url_env for s in SOURCES if s.live}
    | {n for s in SOURCES for n in (s.api_key_env, s.app_token_env) if n}
)


@lru_cache(maxsize=8)
def _settings_for(_environment: tuple) -> Settings:
    return Settings.from_env()
