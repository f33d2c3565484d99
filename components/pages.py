"""The page shell: works out the initial state of a request, then hands it to builders."""

from __future__ import annotations

import hashlib
import json
import logging
from functools import lru_cache
from urllib.parse import urlencode, urlsplit

import flask
import pandas as pd
import redis
from dash import dcc, html
from plotly.utils import PlotlyJSONEncoder

import data_sources
from data_sources.registries import INDICATORS_BY_ID, PAIR

from . import ids
from .figures import empty_figure, figure_for
from .i18n import pick_lang, t, unit_label
from .layout import page, view_content
from .state import ViewState, parse_query, year_window
from .tiles import TILES, latest_point, tile

log = logging.getLogger(__name__)

# Views kept per worker; a view is a few hundred kB at most (daily series).
VIEW_CACHE_SIZE = 128
VIEW_TTL_SECONDS = 3600


def data_years(indicator_id: str) -> tuple[int, int]:
    """First and last year with data for the pair (the range slider's bounds)."""
    return _data_years(indicator_id, data_sources.data_version(indicator_id))


@lru_cache(maxsize=128)
def _data_years(indicator_id: str, _data_version: str) -> tuple[int, int]:
    frame = data_sources.load_series(indicator_id, PAIR).frame
    if frame.empty:
        year = pd.Timestamp.now().year
        return year, year
    years = frame["period"].str[:4].astype(int)
    return int(years.min()), int(years.max())


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
    )


def csv_link(indicator_id: str, params: dict) -> str:
    query = {"cities": ",".join(PAIR), **{k: v for k, v in params.items() if v}}
    return f"/api/series/{indicator_id}.csv?{urlencode(query)}"


@lru_cache(maxsize=VIEW_CACHE_SIZE)
def view_for(state: ViewState, _data_version: str) -> list:
    """Everything below the controls; the components are never mutated once built."""
    indicator = INDICATORS_BY_ID[state.indicator]
    lang = state.lang
    try:
        first, last = data_years(indicator.id)
        start_year, end_year = year_window(state, first, last)
        params = {
            "start": f"{start_year}-01-01",
            "end": f"{end_year}-12-31",
            "norm": state.norm,
            "unit": state.unit,
            "lang": lang,
        }
        result = data_sources.load_series(indicator.id, PAIR, **params)
        provenance = data_sources.series_provenance(indicator.id)
    except data_sources.BadRequest as error:
        return [empty_graph_message(str(error), state)]
    except Exception:
        log.exception("view %s could not be built", indicator.id)
        return [empty_graph_message(t("data_unavailable", lang), state)]
    unit = unit_label(result.unit, lang)
    figure = figure_for(
        state.view,
        result.frame,
        indicator,
        unit,
        lang,
        PAIR,
        state.theme,
        state.clock,
        state.axis == "shared",
    )
    return view_content(
        state,
        indicator,
        result.frame,
        unit,
        figure,
        provenance,
        result.notes,
        csv_link(indicator.id, params),
        PAIR,
    )


def empty_graph_message(message: str, state: ViewState) -> dcc.Graph:
    return dcc.Graph(id=ids.CHART, figure=empty_figure(message, state.theme))


@lru_cache(maxsize=VIEW_CACHE_SIZE)
def plain_view(state: ViewState, version: str) -> list:
    """The view as plain JSON data: encoding a cached go.Figure costs tens of ms per
    response, re-sending plain data a couple; Dash sends the same JSON either way."""
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


def tiles_now(lang: str) -> list:
    """The live tiles as of now, from the store (rebuilt when data change, or each minute
    for the "… ago" ages)."""
    indicator_ids = [i for candidates in TILES.values() for i in candidates]
    minute = pd.Timestamp.now(tz="UTC").floor("min")
    return _tiles(lang, data_sources.data_version(*indicator_ids), minute)


@lru_cache(maxsize=16)
def _tiles(lang: str, _data_version: str, now: pd.Timestamp) -> list:
    tiles = []
    for kind, candidates in TILES.items():
        for indicator_id in candidates:
            frame = data_sources.load_series(indicator_id, PAIR).frame
            if not frame.empty:
                break
        indicator = INDICATORS_BY_ID[indicator_id]
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
