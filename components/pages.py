"""The page shell: works out the initial state of a request, then hands it to builders."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import replace
from functools import lru_cache
from urllib.parse import urlencode, urlsplit

import flask
import pandas as pd
import redis
from dash import Patch, html
from plotly.utils import PlotlyJSONEncoder

import data_sources
from data_sources.registries import INDICATORS_BY_ID, PAIR, Indicator
from data_sources.settings import Settings

from .caching import latest_version_cache
from .embed import embed_path, snippet
from .figures import empty_figure, figure_for
from .i18n import pick_lang, t
from .layout import chart, page, view_content
from .presentation import (
    data_only,
    figure_bundle,
    figure_from_bundle,
    shown_presentation,
    snippet_key,
)
from .shown import ShownData, data_years, shown_data
from .state import (
    THEMES,
    VIEWS,
    ViewState,
    as_dict,
    parse_query,
    year_window,
)
from .tiles import TILES, latest_point, tile

log = logging.getLogger(__name__)

# Views kept per worker; a view is a few hundred kB at most (daily series).
VIEW_CACHE_SIZE = 128
VIEW_TTL_SECONDS = 3600


def request_state() -> ViewState:
    """The view asked for by the page's URL, in the browser's language by default.

    Dash fetches the layout in a second request (/_dash-layout) whose own URL carries no
    query string; the page's URL arrives as its Referer. Should a proxy strip it, the
    page renders the defaults and `sync_state` applies the URL on its first call.
    """
    if not flask.has_request_context():
        return parse_query("")
    request = flask.request
    query = request.query_string.decode() or urlsplit(request.referrer or "").query
    return parse_query(query, pick_lang(None, request.headers.get("Accept-Language")))


def dashboard() -> html.Div:
    """`/`: the comparison dashboard, its first view and tiles drawn on the server (no
    callback round trip before the chart appears)."""
    state = request_state()
    years = data_years(state.indicator)
    return page(
        state,
        INDICATORS_BY_ID[state.indicator],
        years,
        year_window(state, *years),
        data_sources.available_indicators(),
        view=shared_view(state),
        tiles=tiles_now(state.lang),
        embed=embed_codes(state),
        rendered=rendered(state),
    )


ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(:\d{1,5})?")


def public_origin() -> str:
    """The configured public address, else the origin the browser says it is on."""
    configured = Settings.from_env().public_url
    if configured:
        return configured
    origin = flask.request.headers.get("Origin", "")
    return origin if ORIGIN.fullmatch(origin) else flask.request.host_url.rstrip("/")


def embed_codes(state: ViewState, pinned: bool = False) -> dict[str, str]:
    """The iframe snippet of a view in every presentation ("<view> <theme>" → code, for
    the browser to pick with no round trip); pinned: to the data as they are now."""
    pin = data_sources.pin_version(state.indicator) if pinned else None
    label = INDICATORS_BY_ID[state.indicator].label(state.lang)
    title = t("embed_title", state.lang, label=label)
    origin = public_origin()
    return {
        snippet_key(view, theme): snippet(
            origin + embed_path(replace(state, view=view, theme=theme), pin), title
        )
        for view in VIEWS
        for theme in THEMES
    }


def embed_code(state: ViewState, pinned: bool = False) -> str:
    """The iframe snippet for a view, pinned to the data as they are now if asked."""
    return embed_codes(state, pinned)[snippet_key(state.view, state.theme)]


def csv_link(indicator_id: str, params: dict) -> str:
    query = {"cities": ",".join(PAIR), **{k: v for k, v in params.items() if v}}
    return f"/api/series/{indicator_id}.csv?{urlencode(query)}"


def figure_of(shown: ShownData, state: ViewState, theme: str | None = None):
    return figure_for(
        state.view,
        shown,
        state.lang,
        theme or state.theme,
        state.clock,
        state.axis,
    )


def plain_figure(figure, state: ViewState, indicator_id: str) -> dict:
    """A figure as plain JSON, naming the presentation it shows (read by the browser,
    which switches presentations itself) and the file name its exports get."""
    figure.update_layout(
        meta={
            **shown_presentation(state),
            "filename": f"sistercities-{indicator_id}-{state.view}",
        }
    )
    return json.loads(figure.to_json())


@latest_version_cache(maxsize=VIEW_CACHE_SIZE)
def shown_for(state: ViewState, _data_version: str) -> ShownData | str:
    """The rows of a data state, or the message to show in their place (read once for
    the chart's presentations and the rest of the view)."""
    try:
        return shown_data(state)
    except data_sources.BadRequest as error:
        return str(error)
    except Exception:
        log.exception("view %s could not be built", state.indicator)
        return t("data_unavailable", state.lang)


@latest_version_cache(maxsize=VIEW_CACHE_SIZE)
def bundle_for(state: ViewState, version: str) -> dict:
    """Every presentation of a data state's chart (see components.presentation); a
    message in place of the chart when its rows cannot be shown."""
    shown = shown_for(state, version)

    def build(view: str, theme: str, axis: str) -> dict:
        shown_as = replace(state, view=view, theme=theme, axis=axis)
        figure = (
            empty_figure(shown, theme)
            if isinstance(shown, str)
            else figure_of(shown, shown_as)
        )
        return plain_figure(figure, shown_as, state.indicator)

    return figure_bundle(build)


@latest_version_cache(maxsize=VIEW_CACHE_SIZE)
def view_for(state: ViewState, version: str) -> list:
    """Everything below the controls; the components are never mutated once built."""
    data_state = data_only(state)
    bundle = bundle_for(data_state, version)
    figure = figure_from_bundle(bundle, state.view, state.theme, state.axis)
    shown = shown_for(data_state, version)
    if isinstance(shown, str):  # the chart's figures carry the message
        return chart(figure, bundle)
    return view_content(
        state, shown, chart(figure, bundle), csv_link(shown.indicator.id, shown.params)
    )


@latest_version_cache(maxsize=VIEW_CACHE_SIZE)
def plain_view(state: ViewState, version: str) -> list:
    """The view as plain JSON data, what Dash sends: its parts compare by value (a Patch
    sends only those that changed) and it can be stored in Redis as it is."""
    return json.loads(json.dumps(view_for(state, version), cls=PlotlyJSONEncoder))


def shared_view(state: ViewState) -> list:
    """The view for a state, built once per data version: from Redis when configured (so
    every worker and host shares it), else from this worker's cache."""
    version = data_sources.data_version(state.indicator)
    shared = getattr(data_sources.get_store(), "redis", None)
    if shared is None:
        return plain_view(state, version)
    key = (
        "sistercities:view:" + hashlib.sha1(repr((state, version)).encode()).hexdigest()
    )
    try:
        cached = shared.get(key)
        if cached is not None:
            return json.loads(cached)
        view = plain_view(state, version)
        shared.set(key, json.dumps(view), ex=VIEW_TTL_SECONDS)
        return view
    except redis.RedisError:
        log.warning("Redis unavailable for the view cache; building locally")
        return plain_view(state, version)


def view_update(state: ViewState, before: ViewState | None) -> list | Patch:
    """The view for `state`. When the page shows the view for `before` (same data
    version), only the parts that differ, as a Patch: showing the data table sends the
    table, not the chart again."""
    view = shared_view(state)
    if before is None:
        return view
    shown = shared_view(before)
    if len(shown) != len(view):
        return view
    changed = [
        i for i, (old, new) in enumerate(zip(shown, view, strict=True)) if old != new
    ]
    if len(changed) == len(view):
        return view
    patch = Patch()
    for index in changed:
        patch[index] = view[index]
    return patch


def rendered(state: ViewState) -> dict:
    """What the page shows: the state and data version its view was built for."""
    return {
        "state": as_dict(state),
        "version": data_sources.data_version(state.indicator),
    }


def tiles_now(lang: str) -> list:
    """The live tiles as of now, from the store (rebuilt when data change, or each minute
    for the "… ago" ages)."""
    minute = pd.Timestamp.now(tz="UTC").floor("min")
    return _tiles(lang, data_sources.data_version(*TILE_INDICATORS), minute)


TILE_INDICATORS = [i for candidates in TILES.values() for i in candidates]


def tile_series() -> list[tuple[str, Indicator, pd.DataFrame]]:
    """Per tile kind, the first candidate indicator with data, and its rows."""
    found = []
    for kind, candidates in TILES.items():
        for indicator_id in candidates:
            frame = data_sources.load_series(indicator_id, PAIR).frame
            if not frame.empty:
                break
        found.append((kind, INDICATORS_BY_ID[indicator_id], frame))
    return found


@lru_cache(maxsize=16)
def _tiles(lang: str, _data_version: str, now: pd.Timestamp) -> list:
    tiles = []
    for kind, indicator, frame in tile_series():
        for city_id in PAIR:
            point = latest_point(frame, city_id)
            unit = point["unit"] if point is not None else ""
            tiles.append(
                tile(
                    kind,
                    indicator.label(lang),
                    point,
                    unit,
                    city_id,
                    lang,
                    now,
                    indicator.freq,
                )
            )
    return tiles


def latest_values() -> list[dict]:
    """The live tiles' values as data (the stage mode and /api/latest)."""
    return _latest_values(data_sources.data_version(*TILE_INDICATORS))


@lru_cache(maxsize=4)
def _latest_values(_data_version: str) -> list[dict]:
    values = []
    for kind, indicator, frame in tile_series():
        cities = {}
        for city_id in PAIR:
            point = latest_point(frame, city_id)
            if point is not None:
                cities[city_id] = {
                    "value": float(point["value"]),
                    "unit": point["unit"],
                    "time": point["time"],
                    "stale": bool(point["stale"]),
                }
        values.append(
            {
                "kind": kind,
                "indicator": indicator.id,
                "labels": indicator.labels,
                "freq": indicator.freq,
                # how old the newest value may grow before it is stale (the browser
                # keeps marking it while offline)
                "stale_after_seconds": None
                if indicator.cadence is None
                else indicator.cadence + indicator.publication_lag,
                "cities": cities,
            }
        )
    return values
