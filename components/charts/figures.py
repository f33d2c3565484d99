"""DataFrame → go.Figure builders (pure: no I/O, no globals mutated).

Frames are the data façade's API frames (city, time, value, unit, …, period). Dates on
axes and in tooltips are formatted here with babel, so both languages read naturally
without loading plotly locale bundles.

Presentation — what the browser switches by itself, with no server round trip. The view
(side by side, overlay, gap, ratio), the theme and the shared/free y-axis change how the
same rows are drawn, not which rows. For a data state the server builds, once, a
*figure bundle*: the figure of every view in the default theme and axis (the first
whole, the others as changes from the one before), and for every other theme and axis
the changes (plain [path, value] assignments, or [path] deletions) that turn each
view's figure into that variant. `assets/presentation.js` applies them — as a
`dash_clientside.Patch` when only the theme or axis changes — so a toggle redraws at
once. Theme changes touch colours and templates, axis changes touch the y-axes: the
changes of different fields never overlap, so they apply in any order (tested for
every indicator against building the figure directly).
"""

from __future__ import annotations

import copy
import textwrap
from collections.abc import Mapping
from dataclasses import replace

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from components import ids
from components.charts.marks import (
    MAX_STEP,
    add_breaks,
    add_events,
    add_reference_lines,
    add_targets,
    bucket_trace,
    dense_hover,
    iso,
    period_x,
    screen_bucket,
    with_gaps,
    x_values,
)
from components.charts.theme import CITY_COLOURS, palette, template
from components.i18n import explain, fmt_number, fmt_period, t
from components.state import AXES, THEMES, VIEWS, ViewState
from data_sources.model.comparability import pairs
from data_sources.model.observations import SUB_DAILY
from data_sources.model.registries import CITIES_BY_ID, Indicator

DENSE = 60  # more points than this: lines without markers
AXIS_VIEWS = ("side",)  # the views drawn differently with a shared or a free y-axis


def date_ticks(xs: list, freq: str, lang: str) -> tuple[list, list]:
    """About six tick positions across the data (ISO text), labelled in the page's
    language."""
    points = [x for x in xs if x is not None]
    if not points:
        return [], []
    # ISO text sorts in time order.
    first, last = pd.Timestamp(min(points)), pd.Timestamp(max(points))
    span_days = (last - first).days
    if freq == "annual" or span_days > 3 * 365:
        years = range(first.year, last.year + 1)
        step = max(1, len(years) // 6)
        ticks = [pd.Timestamp(year=y, month=1, day=1) for y in years[::step]]
        return ticks, [str(tick.year) for tick in ticks]
    if span_days > 60:
        months = pd.date_range(first.normalize().replace(day=1), last, freq="MS")
        step = max(1, len(months) // 6)
        ticks = list(months[::step])
        return ticks, [fmt_period(tick, "monthly", lang) for tick in ticks]
    days = pd.date_range(first.normalize(), last, freq="D")
    step = max(1, len(days) // 6)
    ticks = list(days[::step])
    return ticks, [fmt_period(tick, "daily", lang) for tick in ticks]


def empty_figure(message: str, theme: str = "light") -> go.Figure:
    """A chart-sized message (a long one wrapped: plotly does not wrap annotations)."""
    figure = go.Figure(layout={"template": template(theme)})
    figure.add_annotation(
        text="<br>".join(textwrap.wrap(message, 70)),
        showarrow=False,
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        font={"size": 16, "color": palette(theme)["muted"]},
    )
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    figure.update_layout(height=360)
    return figure


def city_trace(
    rows: pd.DataFrame,
    city_id: str,
    indicator: Indicator,
    unit: str,
    lang: str,
    clock: str,
    bucket: pd.Timedelta | None = None,
    **extra,
) -> go.Scatter:
    """One city's line, in its colour, dash and marker, with a localised tooltip; in
    `bucket`s (screen_bucket) when dense."""
    if bucket is not None:
        return bucket_trace(
            rows, bucket, city_id, indicator, unit, lang, clock, **extra
        )
    city = CITIES_BY_ID[city_id]
    xs, ys = with_gaps(
        x_values(rows, clock), rows["value"], indicator.freq, rows.get("segment")
    )
    # Instant readings are points, unless a history of them (an import) makes a line.
    readings = indicator.freq == "instant" and len(rows) <= DENSE
    sparse = readings or len(rows) <= DENSE
    # Survey figures compare within one edition only: no line joins two editions.
    points_only = readings or indicator.comparability.level == "within_edition"
    if sparse:
        # Few points: a fully localised label per point ('nov. 2016 : 1 234,5 GWh').
        hover = {
            "customdata": [
                None
                if y is None
                else f"{fmt_period(x, indicator.freq, lang)}: {fmt_number(y, lang)} {unit}"
                for x, y in zip(xs, ys, strict=True)
            ],
            "hovertemplate": "%{customdata}<extra>%{fullData.name}</extra>",
        }
    else:
        hover = {
            "hovertemplate": dense_hover(indicator.freq, unit, 1, "%{fullData.name}")
        }
    return go.Scatter(
        x=iso(xs),
        y=ys,
        name=city.name(lang),
        mode="markers" if points_only else ("lines+markers" if sparse else "lines"),
        line={"color": CITY_COLOURS[city_id], "width": 2, "dash": city.line_dash},
        marker={
            "color": CITY_COLOURS[city_id],
            "size": 9 if sparse else 4,
            "symbol": marker_symbols(rows, xs, city.marker_symbol, clock)
            if sparse
            else city.marker_symbol,
        },
        connectgaps=False,
        **hover,
        **extra,
    )


def marker_symbols(rows: pd.DataFrame, xs: list, symbol: str, clock: str):
    """The city's marker, hollow on a partial or provisional period (not whole or not
    final: never read as one that is); one symbol when none is."""
    if "partial" not in rows or not rows["partial"].astype(bool).any():
        return symbol
    hollow = set(x_values(rows[rows["partial"].astype(bool)], clock))
    return [f"{symbol}-open" if x in hollow else symbol for x in xs]


def finish(
    figure: go.Figure,
    xs: list,
    indicator: Indicator,
    unit: str,
    lang: str,
    theme: str,
    clock: str,
) -> go.Figure:
    ticks, labels = date_ticks(xs, indicator.freq, lang)
    figure.update_xaxes(tickvals=ticks, ticktext=labels)
    spans = {
        trace.meta["bucket"]
        for trace in figure.data
        if isinstance(trace.meta, dict) and "bucket" in trace.meta
    }
    x_title = [t(f"clock.{clock}", lang)] if indicator.freq in SUB_DAILY else []
    if spans:  # drawn at screen resolution: said under each time axis
        x_title.append(t("bucket.note", lang, span=" / ".join(sorted(spans))))
    if x_title:
        # small type: the longest note fits under a phone's panel (about 300 px)
        figure.update_xaxes(
            title_text=" · ".join(x_title), title_font_size=11 if spans else None
        )
    figure.update_layout(
        template=template(theme),
        separators=", " if lang == "fr" else ".,",
        height=380,
        hovermode="closest",
    )
    return figure


def overlay_figure(
    shown,
    lang: str,
    theme: str = "light",
    clock: str = "local",
    break_labels: bool = True,
) -> go.Figure:
    """Both cities on one axis, in their two colours."""
    frame, indicator, unit = shown.frame, shown.indicator, shown.unit
    if frame.empty:
        return empty_figure(t("no_data_chart", lang), theme)
    figure = go.Figure()
    xs_all: list = []
    bucket = screen_bucket(frame, indicator, clock)
    for city_id in shown.city_ids:
        rows = frame[frame["city"] == city_id]
        if rows.empty:
            continue
        trace = city_trace(rows, city_id, indicator, unit, lang, clock, bucket)
        xs_all += list(trace.x)
        figure.add_trace(trace)
    add_reference_lines(figure, indicator, lang, theme)
    add_breaks(figure, shown, lang, theme, labels=break_labels)
    add_events(figure, shown, lang)
    xs_all += add_targets(figure, shown, lang)
    figure.update_yaxes(title_text=unit, rangemode="tozero")
    return finish(figure, xs_all, indicator, unit, lang, theme, clock)


def add_panel(
    figure: go.Figure, shown, city_id: str, column: int, lang, theme, clock, bucket
):
    """One city's panel: its line (in `bucket`s: screen_bucket) and reference lines,
    or "no data" in its middle. Returns the x values drawn."""
    rows = shown.frame[shown.frame["city"] == city_id]
    if rows.empty:
        # plotly names the first subplot's axes "x"/"y", then "x2"/"y2"…
        suffix = "" if column == 1 else str(column)
        figure.add_annotation(
            text=t("no_data", lang),
            showarrow=False,
            xref=f"x{suffix} domain",
            yref=f"y{suffix} domain",
            x=0.5,
            y=0.5,
        )
        return []
    trace = city_trace(
        rows,
        city_id,
        shown.indicator,
        shown.unit,
        lang,
        clock,
        bucket,
        showlegend=False,
    )
    figure.add_trace(trace, row=1, col=column)
    add_reference_lines(figure, shown.indicator, lang, theme, row=1, col=column)
    return list(trace.x)


def scales_note(figure: go.Figure, lang: str, theme: str) -> None:
    """ "Scales differ", above the panels, when they were given their own axes."""
    figure.add_annotation(
        text=t("scales_differ", lang),
        xref="paper",
        yref="paper",
        x=1,
        y=1.12,
        xanchor="right",
        yanchor="bottom",
        showarrow=False,
        font={"size": 12, "color": palette(theme)["muted"]},
    )


def side_by_side_figure(
    shown,
    lang: str,
    theme: str = "light",
    clock: str = "local",
    axis: str = "auto",
) -> go.Figure:
    """One panel per city; a shared y-axis, or one per panel ("free"). "auto" shares
    it unless one city would fill less than a quarter of it, and then says so."""
    frame, city_ids = shown.frame, shown.city_ids
    if frame.empty:
        return empty_figure(t("no_data_chart", lang), theme)
    freed = axis == "auto" and shown.assessment.scales_differ
    shared_y = axis == "shared" or (axis == "auto" and not freed)
    figure = make_subplots(
        rows=1,
        cols=len(city_ids),
        shared_yaxes=shared_y,
        shared_xaxes=True,
        horizontal_spacing=0.06,
        subplot_titles=[CITIES_BY_ID[c].name(lang) for c in city_ids],
    )
    xs_all: list = []
    bucket = screen_bucket(frame, shown.indicator, clock)  # one for both panels
    for column, city_id in enumerate(city_ids, start=1):
        xs_all += add_panel(figure, shown, city_id, column, lang, theme, clock, bucket)
    panels = {c: (1, i) for i, c in enumerate(city_ids, 1)}
    add_breaks(figure, shown, lang, theme, panels)
    add_events(figure, shown, lang, panels)
    xs_all += add_targets(figure, shown, lang, panels)
    figure.update_yaxes(rangemode="tozero")
    figure.update_yaxes(title_text=shown.unit, row=1, col=1)
    figure.update_xaxes(matches="x")  # the same years under both panels
    if shared_y:
        values = [*frame["value"], *(status.level for _, status in shown.targets)]
        figure.update_yaxes(range=[min(0, min(values)), max(values) * 1.08])
    if freed:
        scales_note(figure, lang, theme)
    return finish(figure, xs_all, shown.indicator, shown.unit, lang, theme, clock)


def crossovers(x: list, y: np.ndarray, pivot: float, freq: str) -> list:
    """Where the line crosses `pivot` (the cities swap places).

    Between consecutive periods the crossing is interpolated; across missing periods
    nothing is known about when it happened, so the first period after it is marked.
    """
    values = np.asarray(y, dtype=float) - pivot
    step = MAX_STEP.get(freq)
    points = []
    for i in range(1, len(values)):
        before, after = values[i - 1], values[i]
        if before == 0 or after == 0 or (before > 0) == (after > 0):
            continue
        if step is not None and x[i] - x[i - 1] > step:
            points.append(x[i])
        else:
            points.append(x[i - 1] + (x[i] - x[i - 1]) * (before / (before - after)))
    return points


def gap_line(
    xs: list, ys: list, title: str, value_unit: str, freq, lang, ink, dense: bool
) -> go.Scatter:
    """The gap or ratio line, with a localised label per point when there are few."""
    if dense:
        hover = {"hovertemplate": dense_hover(freq, value_unit, 2, "")}
    else:
        hover = {
            "customdata": [
                None
                if y is None
                else f"{fmt_period(x, freq, lang)}: {fmt_number(y, lang, 2)} {value_unit}"
                for x, y in zip(xs, ys, strict=True)
            ],
            "hovertemplate": "%{customdata}<extra></extra>",
        }
    return go.Scatter(
        x=iso(xs),
        y=ys,
        name=title,
        mode="lines" if dense else "lines+markers",
        line={"color": ink, "width": 2},
        marker={"color": ink, "size": 7},
        connectgaps=False,
        **hover,
    )


def crossover_marks(
    points: list, pivot: float, lang: str, ink: str, key: str = "crossover"
) -> go.Scatter:
    return go.Scatter(
        x=iso(points),
        y=[pivot] * len(points),
        mode="markers",
        name=t(key, lang),
        marker={"symbol": "x", "size": 12, "color": ink},
        hovertemplate=t(key, lang) + "<extra></extra>",
    )


def gap_figure(
    shown,
    lang: str,
    theme: str = "light",
    mode: str = "difference",
    clock: str = "local",
) -> go.Figure:
    """Paris − SF (or Paris ÷ SF) over the periods both share, as the comparability
    model pairs them (dense series as monthly or daily means), crossovers marked."""
    indicator, unit, city_ids = shown.indicator, shown.unit, shown.city_ids
    same_instant = clock == "utc" and indicator.freq in SUB_DAILY
    both, aggregated = pairs(
        shown.frame, indicator, city_ids, key="time" if same_instant else "period"
    )
    if both.empty:
        return empty_figure(t("no_common_period", lang), theme)
    freq = aggregated or indicator.freq
    if same_instant and aggregated is None:
        both["x"] = pd.to_datetime(both["period"], utc=True).dt.tz_localize(None)
    else:
        both["x"] = period_x(both["period"])
    names = {
        "a": CITIES_BY_ID[city_ids[0]].name(lang),
        "b": CITIES_BY_ID[city_ids[1]].name(lang),
    }
    if mode == "ratio":
        both = both[both["b"] != 0]
        values, pivot, value_unit = both["a"] / both["b"], 1.0, "×"
        title = t("ratio_title", lang, **names)
    else:
        values, pivot, value_unit = both["a"] - both["b"], 0.0, unit
        title = t("gap_title", lang, **names)
    xs, ys = with_gaps(both["x"], values, freq)
    ink = palette(theme)["ink"]
    dense = len(both) > DENSE
    figure = go.Figure(gap_line(xs, ys, title, value_unit, freq, lang, ink, dense))
    figure.add_hline(y=pivot, line={"color": palette(theme)["muted"], "width": 1})
    # Where the cities swap places — marked only on a readable number of points: daily
    # values swap every few days, and hundreds of marks merged into a band on the line.
    if not dense:
        points = crossovers(list(both["x"]), values.to_numpy(), pivot, freq)
        if points:
            # Two indices crossing say the cities' changes since the base year swap
            # order, not the cities' levels.
            key = "crossover.index" if shown.norm == "index" else "crossover"
            figure.add_trace(crossover_marks(points, pivot, lang, ink, key))
    add_breaks(figure, shown, lang, theme)
    axis_title = title if mode == "ratio" else f"{title} ({unit})"
    if aggregated:
        axis_title += f"<br><sup>{t(f'aggregated.{aggregated}', lang)}</sup>"
    figure.update_yaxes(title_text=axis_title)
    return finish(figure, iso(xs), indicator, unit, lang, theme, clock)


def figure_for(
    view: str,
    shown,
    lang: str,
    theme: str,
    clock: str,
    axis: str = "auto",
) -> go.Figure:
    """The figure of a view, or, where the comparability model refuses that view
    here, a message saying why."""
    refusal = shown.assessment.views.get(view)
    if refusal is not None:
        return empty_figure(
            t("view_refused", lang, view=t(f"view.{view}", lang))
            + " "
            + explain(refusal, lang),
            theme,
        )
    if view == "overlay":
        return overlay_figure(shown, lang, theme, clock)
    if view in ("gap", "ratio"):
        mode = "ratio" if view == "ratio" else "difference"
        return gap_figure(shown, lang, theme, mode, clock)
    return side_by_side_figure(shown, lang, theme, clock, axis)


# Presentation (see the module's docstring).
# The ViewState fields the browser switches alone, with the values each may take.
PRESENTATION = {"view": VIEWS, "theme": THEMES, "axis": AXES}
CONTROLS = {"view": ids.VIEW, "theme": ids.THEME, "axis": ids.AXIS}
DEFAULTS = {field: getattr(ViewState(), field) for field in PRESENTATION}
# The views a field changes (the others are the same figure whatever its value).
AFFECTED_VIEWS = {"view": VIEWS, "theme": VIEWS, "axis": AXIS_VIEWS}


def data_only(state: ViewState) -> ViewState:
    """The state with its presentation at the defaults: what decides which rows are
    shown, not how they are drawn (a bundle is built once per data state)."""
    return replace(state, **DEFAULTS)


def shown_presentation(state: ViewState) -> dict:
    """The presentation fields a state's figure depends on, with their values (the
    figure carries them as `layout.meta`, so the browser knows what it shows)."""
    return {
        field: getattr(state, field)
        for field in PRESENTATION
        if state.view in AFFECTED_VIEWS[field]
    }


def choices() -> dict:
    """What the browser needs to read and write these fields in a URL, and the id of
    the control that shows each."""
    return {
        field: {
            "default": DEFAULTS[field],
            "allowed": list(values),
            "control": CONTROLS[field],
        }
        for field, values in PRESENTATION.items()
    }


def snippet_key(view: str, theme: str) -> str:
    """How the embed snippets of a view are keyed for the browser (presentation.js)."""
    return f"{view} {theme}"


def changes(base, target, path: tuple = ()) -> list[list]:
    """The assignments [path, value] and deletions [path] that turn `base` into
    `target` (plain JSON). Lists of objects of equal length are compared item by item;
    other lists — data arrays — are replaced whole when they differ."""
    if isinstance(base, dict) and isinstance(target, dict):
        found = [[[*path, key]] for key in base if key not in target]
        for key, value in target.items():
            if key in base:
                found += changes(base[key], value, (*path, key))
            else:
                found.append([[*path, key], value])
        return found
    if (
        isinstance(base, list)
        and isinstance(target, list)
        and len(base) == len(target)
        and any(isinstance(item, dict | list) for item in base)
    ):
        found = []
        for index, (before, after) in enumerate(zip(base, target, strict=True)):
            found += changes(before, after, (*path, index))
        return found
    return [] if base == target else [[list(path), target]]


def apply_changes(document, found: list[list]):
    """`document` with `found` applied (a new object: the input is never mutated)."""
    result = copy.deepcopy(document)
    for change in found:
        *parents, last = change[0]
        node = result
        for key in parents:
            node = node[key]
        if len(change) == 1:
            del node[last]
        else:
            node[last] = copy.deepcopy(change[1])
    return result


def bundle_presentations() -> list[tuple[str, str, str]]:
    """The presentations (view, theme, axis) a bundle is made from: each view in the
    default theme and axis, then each view a field affects with each other value."""
    wanted = [(view, DEFAULTS["theme"], DEFAULTS["axis"]) for view in VIEWS]
    for field, values in PRESENTATION.items():
        for value in values:
            if field == "view" or value == DEFAULTS[field]:
                continue
            for view in AFFECTED_VIEWS[field]:
                wanted.append(
                    presentation_key({**DEFAULTS, "view": view, field: value})
                )
    return wanted


def presentation_key(fields: Mapping[str, str]) -> tuple[str, str, str]:
    return (fields["view"], fields["theme"], fields["axis"])


def figure_bundle(built: Mapping[tuple[str, str, str], dict]) -> dict:
    """Every presentation of a chart, from `built`: plain figure JSON for each of
    `bundle_presentations()`, keyed by (view, theme, axis).

    "figure": the first view's figure in the default theme and axis; "views": each other
    view as the changes from the view before it in `order` (side by side and overlay
    draw the same rows, gap and ratio pair the same periods: the rows travel once);
    "changes": per field, per other value, per view it affects, the changes to that
    view's figure."""
    figures = {
        view: built[presentation_key({**DEFAULTS, "view": view})] for view in VIEWS
    }
    variants = {
        field: {
            value: {
                view: changes(
                    figures[view],
                    built[presentation_key({**DEFAULTS, "view": view, field: value})],
                )
                for view in AFFECTED_VIEWS[field]
            }
            for value in values
            if value != DEFAULTS[field]
        }
        for field, values in PRESENTATION.items()
        if field != "view"
    }
    return {
        "order": list(VIEWS),
        "figure": figures[VIEWS[0]],
        "views": {
            view: changes(figures[before], figures[view])
            for before, view in zip(VIEWS, VIEWS[1:], strict=False)
        },
        "changes": variants,
    }


def figure_from_bundle(bundle: dict, view: str, theme: str, axis: str) -> dict:
    """The figure a presentation shows: the first view's figure changed view by view up
    to the one asked for, then the theme's and the axis' changes applied."""
    figure = bundle["figure"]
    for step in bundle["order"][1 : bundle["order"].index(view) + 1]:
        figure = apply_changes(figure, bundle["views"][step])
    shown = {"theme": theme, "axis": axis}
    for field, by_value in bundle["changes"].items():
        found = by_value.get(shown[field], {}).get(view, [])
        figure = apply_changes(figure, found) if found else figure
    return figure
