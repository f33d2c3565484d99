"""The page shell: works out the initial state of a request, then hands it to builders."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

import flask
import pandas as pd
from dash import html

import data_sources
from data_sources.registries import INDICATORS_BY_ID, PAIR

from .i18n import pick_lang
from .layout import page
from .state import ViewState, parse_query, year_window


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
    """`/`: the comparison dashboard."""
    state = request_state()
    years = data_years(state.indicator)
    return page(
        state,
        INDICATORS_BY_ID[state.indicator],
        years,
        year_window(state, *years),
        data_sources.available_indicators(),
    )
