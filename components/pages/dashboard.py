"""The dashboard (`/`): the state a request asks for, its layout, and its panel — the
indicator's whole view (cards, chart with every presentation, notes) — built once per
state and data version and shared between workers when the data layer's cache is."""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import replace
from functools import lru_cache
from urllib.parse import urlencode, urlsplit

import flask
import pandas as pd
from dash import Patch, html
from plotly.utils import PlotlyJSONEncoder

import data_sources
from components import reuse
from components.charts.figures import (
    bundle_presentations,
    data_only,
    empty_figure,
    figure_bundle,
    figure_from_bundle,
    shown_presentation,
    snippet_key,
)
from components.i18n import pick_lang, t, view_title
from components.parts.layout import (
    chart,
    chart_figure,
    page,
    panel_body,
    panel_head,
    tile,
    tiles_heading,
)
from components.reuse import dashboard_meta, embed_path, snippet
from components.shown import (
    SHOWN_CACHE_SIZE,
    TILE_INDICATORS,
    data_years,
    figure_of,
    latest_point,
    shown_for,
    tile_series,
)
from components.state import (
    THEMES,
    VIEWS,
    ViewState,
    as_dict,
    parse_query,
    to_query,
    year_window,
)
from components.web import serving
from components.web.serving import public_origin
from data_sources.model.registries import INDICATORS_BY_ID, PAIR
from data_sources.store.cache import cache_key, latest_version_cache, shared_cache

log = logging.getLogger(__name__)

# Views kept per worker (one per state whose rows `shown` keeps); a view is a few
# hundred kB at most (daily series).
PANEL_CACHE_SIZE = SHOWN_CACHE_SIZE
PANEL_TTL_SECONDS = 3600


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


def layout() -> html.Div:
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
        view=shared_panel(state),
        tiles=tiles_now(state.lang),
        share=share_codes(state),
        rendered=rendered(state),
    )


def share_codes(state: ViewState, pinned: bool = False) -> tuple[dict, dict]:
    """The embed snippets (one per presentation, "<view> <theme>" → code, for the
    browser to pick with no round trip) and the citation of a view, pinned to today's
    data if asked (one pin for both: the citation names what the embed shows)."""
    try:
        pin = data_sources.pin_version(state.indicator) if pinned else None
    except data_sources.StoreUnavailable:  # say so where the code would be
        message = t("pin_unavailable", state.lang)
        return (
            {snippet_key(v, theme): message for v in VIEWS for theme in THEMES},
            dict.fromkeys(reuse.FORMATS, message),
        )
    return embed_snippets(state, pin), citation_codes(state, pin)


def embed_snippets(state: ViewState, pin: str | None) -> dict[str, str]:
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


def citation_codes(state: ViewState, pin: str | None) -> dict[str, str]:
    """How to cite the view: its dashboard link, or with a pin the pinned embed (the
    link that shows exactly these data), read today."""
    origin = public_origin()
    url = origin + (embed_path(state, pin) if pin else "/" + to_query(state))
    # The provenance the view's own source line names (read once per data version).
    shown = shown_for(data_only(state), data_sources.data_version(state.indicator))
    provenance = [] if isinstance(shown, str) else shown.provenance
    found = reuse.citation(
        INDICATORS_BY_ID[state.indicator],
        provenance,
        url,
        dt.datetime.now(dt.UTC).date(),
        state.lang,
        pin,
    )
    return {**found.as_dict(), "reuse": reuse.republication(provenance, state.lang)}


def page_html(rendered: str) -> str:
    """Dash's rendered page template for this request: its language and theme, and the
    link-preview tags of the view in its URL (serving.page_html edits the HTML)."""
    args = flask.request.args
    lang = pick_lang(args.get("lang"), flask.request.headers.get("Accept-Language"))
    theme = "dark" if args.get("theme") == "dark" else "light"
    query = flask.request.query_string.decode()
    preview = link_preview(query, lang)
    label = INDICATORS_BY_ID[parse_query(query, lang).indicator].label(lang)
    return serving.page_html(rendered, lang, theme, preview, view_title(label, lang))


def link_preview(query: str, lang: str) -> str:
    """A shared dashboard link previews the chart it points to (Open Graph tags)."""
    state = parse_query(query, lang)
    return dashboard_meta(state, public_origin(), to_query(state))


def csv_link(indicator_id: str, params: dict) -> str:
    query = {"cities": ",".join(PAIR), **{k: v for k, v in params.items() if v}}
    return f"/api/series/{indicator_id}.csv?{urlencode(query)}"


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


@latest_version_cache(maxsize=PANEL_CACHE_SIZE)
def bundle_for(state: ViewState, version: str) -> dict:
    """Every presentation of a data state's chart (see components.charts.figures); a
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

    return figure_bundle({p: build(*p) for p in bundle_presentations()})


@latest_version_cache(maxsize=PANEL_CACHE_SIZE)
def panel_for(state: ViewState, version: str) -> list[list]:
    """The view's two parts, [head, body]: above the toolbar (title, summary, cards)
    and below it (the chart and all that follows). Never mutated once built."""
    data_state = data_only(state)
    bundle = bundle_for(data_state, version)
    figure = figure_from_bundle(bundle, state.view, state.theme, state.axis)
    shown = shown_for(data_state, version)
    if isinstance(shown, str):  # the chart's figures carry the message
        return [[], [chart_figure(chart(figure, bundle))]]
    return [
        panel_head(shown, state.lang),
        panel_body(
            state,
            shown,
            chart(figure, bundle),
            csv_link(shown.indicator.id, shown.params),
        ),
    ]


@latest_version_cache(maxsize=PANEL_CACHE_SIZE)
def plain_panel(state: ViewState, version: str) -> list[list]:
    """The view as plain JSON data, what Dash sends: its parts compare by value (a Patch
    sends only those that changed) and it can be stored in Redis as it is."""
    return json.loads(json.dumps(panel_for(state, version), cls=PlotlyJSONEncoder))


def shared_panel(state: ViewState) -> list[list]:
    """The view for a state, built once per data version: shared through the data
    layer's cache when it is shared (Redis: every worker and host), else from this
    worker's own cache."""
    version = data_sources.data_version(state.indicator)
    cache = shared_cache()
    if not cache.shared:
        return plain_panel(state, version)
    key = cache_key(state, version)
    cached = cache.get("panel", key)
    if cached is not None:
        return json.loads(cached)
    panel = plain_panel(state, version)
    cache.set("panel", key, json.dumps(panel).encode(), ttl=PANEL_TTL_SECONDS)
    return panel


def changed_parts(shown: list, wanted: list) -> list | Patch:
    """`wanted` whole, or as a Patch of the components that differ from `shown`."""
    if len(shown) != len(wanted):
        return wanted
    changed = [
        i for i, (old, new) in enumerate(zip(shown, wanted, strict=True)) if old != new
    ]
    if len(changed) == len(wanted):
        return wanted
    patch = Patch()
    for index in changed:
        patch[index] = wanted[index]
    return patch


def panel_update(state: ViewState, before: ViewState | None) -> list:
    """The view for `state`, part by part. When the page shows the view for `before`
    (same data version), only the components that differ, as Patches: showing the data
    table sends the table, not the chart again."""
    view = shared_panel(state)
    if before is None:
        return view
    shown = shared_panel(before)
    return [changed_parts(old, new) for old, new in zip(shown, view, strict=True)]


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


@lru_cache(maxsize=16)
def _tiles(lang: str, _data_version: str, now: pd.Timestamp) -> list:
    tiles, points = [], []
    for kind, indicator, frame in tile_series():
        for city_id in PAIR:
            point = latest_point(frame, city_id)
            points.append(point)
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
    return [tiles_heading(points, lang), *tiles]
