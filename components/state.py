"""The dashboard's view state, and its round trip through the query string.

Every control lives here, so a URL restores the exact view. Parsing never fails: an
unknown or malformed parameter falls back to its default.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from urllib.parse import parse_qs, urlencode

from data_sources.model.context import events_by_id
from data_sources.model.normalisation import NORMALISATIONS
from data_sources.model.observations import year_of
from data_sources.model.registries import (
    DOMAINS,
    INDICATORS_BY_ID,
    LANGUAGES,
    headline_indicator,
)

VIEWS = ("side", "overlay", "gap", "ratio")
# "auto": shared, unless one city would fill less than a quarter of it (then free).
AXES = ("auto", "shared", "free")
PRESETS = ("all", "10y", "5y", "1y", "custom")
CLOCKS = ("local", "utc")
THEMES = ("light", "dark")
NORMS = NORMALISATIONS  # the data layer's, in its order
YEAR_BOUNDS = (1900, 2100)
EVENTS_BY_ID = events_by_id()


@dataclass(frozen=True)
class ViewState:
    lang: str = "en"
    theme: str = "light"
    domain: str = "air"
    indicator: str = "pm25"
    view: str = "side"
    axis: str = "auto"
    range: str = "all"
    start: int | None = None  # first year shown (with range=custom)
    end: int | None = None  # last year shown (with range=custom)
    norm: str = "absolute"
    unit: str = ""  # empty: the indicator's canonical unit
    clock: str = "local"
    table: bool = False
    events: bool = True  # policy events drawn on the chart and listed under it
    event: str = ""  # an event whose before/after window is shown (its id)


def _choice(value: str | None, allowed: tuple[str, ...], default: str) -> str:
    return value if value in allowed else default


def parse_year(value: object) -> int | None:
    """A year as the URL and the year selects give it ('2017'), else None."""
    return year_of(value, *YEAR_BOUNDS)


def consistent(state: ViewState) -> ViewState:
    """Make a state consistent: indicator in its domain, allowed unit and normalisation."""
    indicator = INDICATORS_BY_ID.get(state.indicator)
    if indicator is None or indicator.domain not in DOMAINS:
        indicator = headline_indicator(
            state.domain if state.domain in DOMAINS else "air"
        )
    domain = indicator.domain
    unit = (
        state.unit
        if state.unit in indicator.units and state.unit != indicator.unit
        else ""
    )
    norm = state.norm
    if (norm == "per_capita" and indicator.per_capita is None) or (
        norm == "per_km2" and indicator.per_km2 is None
    ):
        norm = "absolute"
    if norm != "absolute":
        unit = ""
    start, end = state.start, state.end
    if start is not None and end is not None and start > end:
        start, end = end, start
    return replace(
        state,
        domain=domain,
        indicator=indicator.id,
        unit=unit,
        norm=norm,
        start=start,
        end=end,
    )


def parse_query(query: str | None, default_lang: str = "en") -> ViewState:
    """'?lang=fr&indicator=no2…' → a consistent ViewState (garbage → defaults)."""
    # A parameter given twice counts once, by its first value: as Flask's request.args,
    # the page shell and the browser's URLSearchParams read it (one language a page).
    params = {k: v[0] for k, v in parse_qs((query or "").lstrip("?")).items()}
    domain = _choice(params.get("domain"), DOMAINS, "air")
    indicator = params.get("indicator") or headline_indicator(domain).id
    if indicator in INDICATORS_BY_ID and "domain" not in params:
        domain = INDICATORS_BY_ID[indicator].domain
    state = ViewState(
        lang=_choice(params.get("lang"), LANGUAGES, default_lang),
        theme=_choice(params.get("theme"), THEMES, "light"),
        domain=domain,
        indicator=indicator,
        view=_choice(params.get("view"), VIEWS, "side"),
        axis=_choice(params.get("axis"), AXES, "auto"),
        range=_choice(params.get("range"), PRESETS, "all"),
        start=parse_year(params.get("from")),
        end=parse_year(params.get("to")),
        norm=_choice(params.get("norm"), NORMS, "absolute"),
        unit=params.get("unit", ""),
        clock=_choice(params.get("clock"), CLOCKS, "local"),
        table=params.get("table") == "1",
        # "events=0" hides them.
        events=params.get("events") != "0",
        event=params.get("event", "") if params.get("event") in EVENTS_BY_ID else "",
    )
    if state.event and state.range != "custom":
        state = replace(state, **event_years(state.event, state.indicator))
    return consistent(state)


# The years an event window opens on, each side of the event's year, by frequency.
EVENT_YEARS = {"annual": 4, "monthly": 2, "daily": 1, "hourly": 1}


def event_years(event_id: str, indicator_id: str) -> dict:
    """The chart's years around an event: a little more than its window."""
    year = EVENTS_BY_ID[event_id].start.year
    indicator = INDICATORS_BY_ID.get(indicator_id)
    span = EVENT_YEARS.get(indicator.freq if indicator else "annual", 1)
    return {"range": "custom", "start": year - span, "end": year + span}


def to_query(state: ViewState) -> str:
    """A ViewState → '?…' with only the parameters that differ from the defaults."""
    defaults = ViewState()
    params = {}
    for field in fields(ViewState):
        value = getattr(state, field.name)
        # lang and indicator always: `/` without an indicator is the overview.
        if value == getattr(defaults, field.name) and field.name not in (
            "lang",
            "indicator",
        ):
            continue
        if value is None or value == "":
            continue
        name = {"start": "from", "end": "to"}.get(field.name, field.name)
        params[name] = {True: "1", False: "0"}.get(value, str(value))
    if state.range != "custom":
        params.pop("from", None)
        params.pop("to", None)
    return "?" + urlencode(params)


def as_dict(state: ViewState) -> dict:
    return asdict(state)


QUERY_NAMES = {"start": "from", "end": "to"}


def from_dict(data) -> ViewState:
    """The stored state as a browser sends it back: anything may have been tampered
    with, so it goes through the same checks as a URL (wrong types → defaults)."""
    if not isinstance(data, dict):
        return parse_query("")
    params = {}
    for field in fields(ViewState):
        value = data.get(field.name)
        if isinstance(value, bool):
            value = "1" if value else "0"
        if isinstance(value, str | int) and not isinstance(value, bool):
            params[QUERY_NAMES.get(field.name, field.name)] = str(value)
    lang = params.get("lang") if params.get("lang") in LANGUAGES else "en"
    return parse_query(urlencode(params), lang)


def year_window(state: ViewState, first: int, last: int) -> tuple[int, int]:
    """The years a preset or a custom range selects, within the data's span."""
    if state.range == "custom":
        start = state.start if state.start is not None else first
        end = state.end if state.end is not None else last
        return max(first, min(start, last)), min(last, max(end, first))
    span = {"10y": 10, "5y": 5, "1y": 1}.get(state.range)
    return (first, last) if span is None else (max(first, last - span + 1), last)


def wants_overview(args) -> bool:
    """`/` shows the overview unless the URL names a theme or an indicator (every
    existing link to a view keeps opening it)."""
    return "domain" not in args and "indicator" not in args
