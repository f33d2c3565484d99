"""What a page shows: the rows a state asks for, what the comparability model allows of
them, and the figure of a view — the one service the dashboard, embeds, the stage, the
chart images and the API start from. The only components module that asks the data
layer for rows.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

import data_sources
from components.charts.figures import figure_for
from components.i18n import t, unit_label
from components.state import (
    ViewState,
    year_window,
)
from data_sources.model import comparability, context
from data_sources.model.observations import label_moment, period_end
from data_sources.model.registries import INDICATORS_BY_ID, PAIR, Indicator
from data_sources.store.cache import latest_version_cache

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ShownData:
    """The rows of the chosen years, converted, with provenance and the comparisons
    the model allows (`assessment`: ratio, changes, views, breaks)."""

    indicator: Indicator
    frame: pd.DataFrame
    unit: str  # display label of the shown unit
    notes: tuple[str, ...]
    provenance: list[dict]
    params: dict  # the data API parameters that return exactly these rows
    norm: str
    assessment: comparability.Assessment
    city_ids: tuple[str, ...] = PAIR
    # Why live data cannot be read now (the page says so), else None.
    live_problem: str | None = None
    # Drawn on the chart: policy events in the shown span (numbered in this order, as
    # listed under it) and each city's targets, as (Target, Status).
    events: tuple = ()
    targets: tuple = ()
    listed_targets: tuple = ()  # every target of the indicator (the list under it)
    # An event's before/after window: (Event, {city: EventWindow | Refusal | None}).
    window: tuple | None = None


def shown_frame(
    frame: pd.DataFrame,
    indicator: Indicator,
    unit: str,
    lang: str = "en",
    norm: str = "absolute",
    provenance: list[dict] | None = None,
) -> ShownData:
    """ShownData for rows already in the API shape (city, time, value, source,
    period…): the comparability columns are added where missing, then assessed."""
    if not set(data_sources.RULE_COLUMNS) <= set(frame.columns):
        frame = comparability.annotate(frame, indicator, lang)
    return ShownData(
        indicator,
        frame,
        unit,
        (),
        provenance or [],
        {},
        norm,
        comparability.assess(frame, indicator, norm, PAIR, data_sources.populations()),
    )


def data_years(indicator_id: str) -> tuple[int, int]:
    """First and last year with data for the pair (the range slider's bounds)."""
    return _data_years(indicator_id, data_sources.data_version(indicator_id))


@latest_version_cache(maxsize=128)
def _data_years(indicator_id: str, _data_version: str) -> tuple[int, int]:
    frame = data_sources.load_series(indicator_id, PAIR).frame
    if frame.empty:
        year = pd.Timestamp.now().year
        return year, year
    years = frame["period"].str[:4].astype(int)
    return int(years.min()), int(years.max())


def shown_data(state: ViewState, pin: str | None = None) -> ShownData:
    """The rows a state shows (from a pinned version when `pin` is given).

    Raises data_sources.BadRequest when the state asks for something meaningless.
    """
    indicator = INDICATORS_BY_ID[state.indicator]
    first, last = data_years(indicator.id)
    start_year, end_year = year_window(state, first, last)
    params = {
        "start": f"{start_year}-01-01",
        "end": f"{end_year}-12-31",
        "norm": state.norm,
        "unit": state.unit or None,  # the state's "" is the canonical unit
        "lang": state.lang,
    }
    result = data_sources.load_series(indicator.id, PAIR, pin=pin, **params)
    frame = result.frame
    events, targets = (), ()
    if state.events and not frame.empty:
        first = label_moment(frame["period"].min())
        last = label_moment(frame["period"].max())
        end = period_end(last, indicator.freq)
        shown_cities = tuple(c for c in PAIR if (frame["city"] == c).any())
        events = context.events_between(indicator.domain, first, end, shown_cities)
    statuses = data_sources.target_statuses()
    if state.norm == "absolute" and not state.unit:  # targets are in the canonical unit
        targets = context.drawn_targets(statuses, indicator.id, dt.date.today().year)
    listed = tuple(pair for pair in statuses if pair[0].indicator == indicator.id)
    window = None
    chosen = context.events_by_id().get(state.event)
    if chosen is not None and chosen.on(indicator.domain) and not frame.empty:
        window = (
            chosen,
            {
                c: comparability.event_window(frame, indicator, c, chosen.start)
                for c in PAIR
            },
        )
    return ShownData(
        indicator,
        result.frame,
        unit_label(result.unit, state.lang),
        result.notes,
        data_sources.series_provenance(indicator.id),
        {**params, "pin": pin},
        state.norm,
        comparability.assess(
            result.frame, indicator, state.norm, PAIR, data_sources.populations()
        ),
        live_problem=data_sources.live_store_problem(),
        events=events,
        targets=targets,
        listed_targets=listed,
        window=window,
    )


def figure_of(shown: ShownData, state: ViewState, theme: str | None = None):
    return figure_for(
        state.view,
        shown,
        state.lang,
        theme or state.theme,
        state.clock,
        state.axis,
    )


def available_ids() -> list[str]:
    """Indicators with at least one stored series (snapshot or live)."""
    return sorted(data_sources.available_indicators())


# ------------------------------------------------------------------ the live tiles' data

# What a tile shows, in order of preference: the first indicator with data wins.
TILES = {
    "bikes": ("bikes_available",),
    "air": ("european_aqi", "pm25_hourly", "pm25"),
}


def latest_point(frame: pd.DataFrame, city_id: str) -> pd.Series | None:
    rows = frame[frame["city"] == city_id]
    return None if rows.empty else rows.iloc[-1]


# What a tile shows, in order of preference (TILES): every candidate's data
# version moves the tiles.
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


# Data states whose rows are kept, each read once for the chart's presentations and the
# rest of the view (the dashboard keeps as many panels).
SHOWN_CACHE_SIZE = 128


@latest_version_cache(maxsize=SHOWN_CACHE_SIZE)
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
