"""Every callback, registered on import. Each one unpacks, asks the façade, calls builders.

`sync_state` is the one callback that reads `ctx.triggered_id`: the URL and the controls
must update each other (back/forward moves the controls, a control moves the URL), and
Dash only allows such a cycle inside a single callback. Its decisions live in the pure
`next_state`, which the tests call directly.

The view, theme and y-axis switches never reach the server: client-side callbacks
(`assets/presentation.js`) redraw the chart from the presentations sent with the view,
and record the choice in the URL themselves.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, replace

from dash import (
    ClientsideFunction,
    Input,
    Output,
    State,
    callback,
    clientside_callback,
    ctx,
    no_update,
)
from dash.exceptions import PreventUpdate

import data_sources
from components import ids, reuse
from components.charts.figures import CONTROLS as CONTROL_IDS
from components.charts.figures import PRESENTATION
from components.pages.dashboard import panel_update, rendered, share_codes, tiles_now
from components.parts.controls import (
    domain_class,
    indicator_options,
    norm_options,
    unit_options,
    view_options,
    year_options,
)
from components.shown import data_years
from components.state import (
    ViewState,
    as_dict,
    consistent,
    from_dict,
    parse_query,
    parse_year,
    to_query,
    year_window,
)
from data_sources.model.observations import SUB_DAILY
from data_sources.model.registries import DOMAINS, INDICATORS_BY_ID

log = logging.getLogger(__name__)

# The controls that choose which rows are shown (the server answers them)…
CONTROLS = (
    (ids.INDICATOR, "indicator"),
    (ids.PRESET, "range"),
    (ids.YEAR_FROM, "from"),
    (ids.YEAR_TO, "to"),
    (ids.NORM, "norm"),
    (ids.UNIT, "unit"),
    (ids.CLOCK, "clock"),
    (ids.TABLE, "table"),
    (ids.EVENTS, "events"),
)
# …and those that choose how they are drawn (the browser answers them alone:
# assets/presentation.js).
PRESENTATION_CONTROLS = tuple((CONTROL_IDS[f], f) for f in PRESENTATION)


def state_with(stored, presentation: dict) -> ViewState:
    """The stored state with the presentation the controls show now (the stored copy
    may be behind: the browser switches presentations without telling the server)."""
    data = stored if isinstance(stored, dict) else {}
    return from_dict({**data, **presentation})


def next_state(
    current: ViewState, trigger: str | None, values: dict, search: str | None
) -> ViewState:
    """The state after a URL change (trigger = URL) or a control change. Every value
    goes through the URL's parser (a browser may send anything: wrong types and
    unknown choices become defaults, as in a URL)."""
    if trigger in (None, ids.URL):
        return parse_query(
            search if isinstance(search, str) else "", default_lang=current.lang
        )
    chosen = {
        **{
            name: values[name]
            for name in ("domain", "indicator", "view", "axis", "range", "norm")
        },
        "unit": values["unit"] or "",
        "clock": values["clock"],
        "table": bool(values["table"]),
        "events": bool(values["events"]),
        "theme": values["theme"],
    }
    fields = {**asdict(current), **chosen}
    if trigger == ids.DOMAIN_BUTTON:  # a theme opens on its headline, whole span
        fields |= {
            "unit": "",
            "norm": "absolute",
            "range": "all",
            "start": None,
            "end": None,
            "event": "",
        }
        del fields["indicator"]  # the URL's rule: no indicator → the theme's headline
    state = from_dict(fields)
    start, end = parse_year(values["from"]), parse_year(values["to"])
    if trigger == ids.INDICATOR:
        state = replace(state, unit="", range="all", start=None, end=None, event="")
    elif trigger in (ids.YEAR_FROM, ids.YEAR_TO) and start and end:
        if start > end:  # the year just chosen wins; the other follows it
            start, end = (start, start) if trigger == ids.YEAR_FROM else (end, end)
        state = replace(state, range="custom", start=start, end=end)
    elif trigger == ids.PRESET and state.range != "custom":
        state = replace(state, start=None, end=None)
    return consistent(state)


@callback(
    Output(ids.URL, "search"),
    Output(ids.STATE, "data"),
    *(Output(control, "value") for control, _ in CONTROLS),
    *(Output(control, "value") for control, _ in PRESENTATION_CONTROLS),
    Output(ids.INDICATOR, "options"),
    Output(ids.VIEW, "options"),
    Output(ids.NORM, "options"),
    Output(ids.UNIT, "options"),
    Output(ids.YEAR_FROM, "options"),
    Output(ids.YEAR_TO, "options"),
    Output(ids.UNIT_FIELD, "hidden"),
    Output(ids.CLOCK_FIELD, "hidden"),
    Output(ids.LANG_LINK, "href"),
    Output(ids.ANY_DOMAIN_BUTTON, "className"),
    Output(ids.ANY_DOMAIN_BUTTON, "aria-pressed"),
    Input(ids.URL, "search"),
    Input(ids.ANY_DOMAIN_BUTTON, "n_clicks"),
    *(Input(control, "value") for control, _ in CONTROLS),
    *(State(control, "value") for control, _ in PRESENTATION_CONTROLS),
    State(ids.STATE, "data"),
)
def sync_state(search, _domain_clicks, *args):
    """Keep URL, controls and the stored state in step."""
    *control_values, stored = args
    names = [name for _, name in CONTROLS + PRESENTATION_CONTROLS]
    values = dict(zip(names, control_values, strict=True))
    current = state_with(stored, {f: values[f] for f in PRESENTATION})
    values["domain"] = current.domain
    trigger = ctx.triggered_id
    if isinstance(trigger, dict) and trigger.get("type") == ids.DOMAIN_BUTTON:
        values["domain"], trigger = trigger["domain"], ids.DOMAIN_BUTTON
    elif trigger not in {c for c, _ in CONTROLS} | {ids.URL}:
        trigger = None
    state = next_state(current, trigger, values, search)
    from_url = trigger in (None, ids.URL)
    if from_url and state == current:
        # The page already shows this very URL (drawn on the server, or switched in
        # the browser): nothing to redo.
        raise PreventUpdate
    indicator = INDICATORS_BY_ID[state.indicator]
    first, last = data_years(indicator.id)
    window = year_window(state, first, last)
    query = to_query(state)
    controls = {
        "indicator": state.indicator,
        "range": state.range,
        "from": str(window[0]),
        "to": str(window[1]),
        "norm": state.norm,
        "unit": state.unit or indicator.unit,
        "clock": state.clock,
        "table": ["on"] if state.table else [],
        "events": ["on"] if state.events else [],
        # Only a URL moves the presentation controls; otherwise they already show it.
        **{f: getattr(state, f) if from_url else no_update for f in PRESENTATION},
    }
    other = "fr" if state.lang == "en" else "en"
    return (
        query if not from_url and query != search else no_update,
        as_dict(state),
        *(controls[name] for name in names),
        indicator_options(
            indicator.domain, state.lang, data_sources.available_indicators()
        ),
        view_options(indicator, state.norm, state.lang),
        norm_options(indicator, state.lang),
        unit_options(indicator, state.lang),
        year_options(first, last),
        year_options(first, last),
        len(indicator.units) < 2 or state.norm != "absolute",
        indicator.freq not in SUB_DAILY,
        to_query(replace(state, lang=other)),
        [domain_class(d, state.domain) for d in DOMAINS],
        ["true" if d == state.domain else "false" for d in DOMAINS],
    )


@callback(
    Output(ids.HEAD, "children"),
    Output(ids.CONTENT, "children"),
    Output(ids.RENDERED, "data"),
    Input(ids.STATE, "data"),
    *(State(control, "value") for control, _ in PRESENTATION_CONTROLS),
    State(ids.RENDERED, "data"),
    prevent_initial_call=True,  # the page arrives with its first view already drawn
)
def render_view(stored, *args):
    """The indicator view for the current state (built once per state and data version),
    drawn in the presentation the controls show; only its changed parts when the page
    shows the same data version."""
    *values, shown = args
    presentation = dict(zip(PRESENTATION, values, strict=True))
    state = state_with(stored, presentation)
    now = rendered(state)
    before = None
    if isinstance(shown, dict) and shown.get("version") == now["version"]:
        before = state_with(shown.get("state"), presentation)
    head, body = panel_update(state, before)
    return head, body, now


@callback(
    Output(ids.EMBED_SNIPPETS, "data"),
    *(Output(ids.CITE[fmt], "value") for fmt in reuse.FORMATS),
    Output(ids.REUSE, "children"),
    Input(ids.STATE, "data"),
    Input(ids.EMBED_PIN, "value"),
    prevent_initial_call=True,  # drawn with the page
)
def update_share_codes(stored, pin_choice):
    """The iframe snippets and the citation of the current view, pinned to today's
    data if asked."""
    snippets, codes = share_codes(from_dict(stored), pinned=bool(pin_choice))
    return snippets, *(codes[fmt] for fmt in reuse.FORMATS), codes.get("reuse", "")


@callback(
    Output(ids.TILES, "children"),
    Input(ids.TICK, "n_intervals"),
    Input(ids.STATE, "data"),
    prevent_initial_call=True,
)
def refresh_tiles(_tick, stored):
    """Live tiles, re-read from the store on an interval (never from an upstream)."""
    return tiles_now(from_dict(stored).lang)


clientside_callback(
    """
    function(search) {
        return window.location.origin + window.location.pathname + (search || "");
    }
    """,
    Output(ids.SHARE_URL, "value"),
    Input(ids.URL, "search"),
)

# The page language lives in <html lang> (the theme: assets/presentation.js), and the
# page's title names the indicator shown (tabs and bookmarks tell views apart).
clientside_callback(
    """
    function(state, titles) {
        if (state && state.lang) { document.documentElement.lang = state.lang; }
        if (state && titles && titles[state.indicator]) {
            document.title = titles[state.indicator];
        }
        return window.dash_clientside.no_update;
    }
    """,
    Output(ids.NOOP, "data"),
    Input(ids.STATE, "data"),
    State(ids.TITLES, "data"),
)

# Presentation toggles: answered in the browser from the bundle sent with the view.
PRESENTATION_INPUTS = [Input(c, "value") for c, _ in PRESENTATION_CONTROLS]
clientside_callback(
    ClientsideFunction("presentation", "chart"),
    Output(ids.CHART, "figure"),
    Output(ids.CHART, "config"),
    *PRESENTATION_INPUTS,
    Input(ids.FIGURES, "data"),
    State(ids.CHART, "figure"),
    State(ids.CHART, "config"),
)
clientside_callback(
    ClientsideFunction("presentation", "page"),
    Output(ids.PAGE, "className"),
    Output(ids.AXIS_FIELD, "hidden"),
    Output(ids.LANG_LINK, "href", allow_duplicate=True),
    Output(ids.SHARE_URL, "value", allow_duplicate=True),
    *PRESENTATION_INPUTS,
    State(ids.PRESENTATION, "data"),
    State(ids.LANG_LINK, "href"),
    prevent_initial_call="initial_duplicate",
)
clientside_callback(
    ClientsideFunction("presentation", "snippet"),
    Output(ids.EMBED_SNIPPET, "value"),
    Input(ids.VIEW, "value"),
    Input(ids.THEME, "value"),
    Input(ids.EMBED_SNIPPETS, "data"),
)
# SVG export through plotly.js itself (the modebar camera gives PNG).
clientside_callback(
    ClientsideFunction("presentation", "svg"),
    Output(ids.SVG_BUTTON, "title"),
    Input(ids.SVG_BUTTON, "n_clicks"),
    prevent_initial_call=True,
)
