"""DataFrame → go.Figure builders (pure: no I/O, no globals mutated).

Frames are the data façade's API frames (city, time, value, unit, …, period). Dates on
axes and in tooltips are formatted here with babel, so both languages read naturally
without loading plotly locale bundles.
"""

from __future__ import annotations

import textwrap
from dataclasses import replace

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from components.charts.theme import CITY_COLOURS, faint, palette, template
from components.i18n import fmt_number, fmt_period, t, value_text
from data_sources.model.comparability import explain, pairs
from data_sources.model.periods import DENSE as DENSE_FREQUENCIES
from data_sources.model.periods import SUB_DAILY, label_moment, label_start
from data_sources.model.registries import CITIES_BY_ID, Indicator

# Largest step between two consecutive values that still counts as "no gap".
MAX_STEP = {
    "annual": pd.Timedelta(days=366),
    "monthly": pd.Timedelta(days=31),
    "daily": pd.Timedelta(days=1),
    "hourly": pd.Timedelta(hours=1),
    # Snapshots of a history (an import): a line breaks where none came for 3 hours.
    "instant": pd.Timedelta(hours=3),
}
DENSE = 60  # more points than this: lines without markers
# A chart is about this many pixels wide: a city with more values than this in the
# shown years is drawn as one mean per bucket, with the bucket's min–max range as a
# whisker, said under the time axis (the CSV and the API keep every value). The first bucket length, longer
# than the data's own step, that brings a city under it is used.
SCREEN_POINTS = 1000
WHISKER_ALPHA = 0.3
BUCKETS = tuple(
    pd.Timedelta(step) for step in ("1h", "3h", "6h", "12h", "1D", "2D", "7D", "14D")
) + (pd.Timedelta(days=30),)
AXIS_VIEWS = ("side",)  # the views drawn differently with a shared or a free y-axis


period_x = label_start  # local period labels → the datetimes a chart places them at


def x_values(rows: pd.DataFrame, clock: str) -> pd.Series:
    """Each city's own clock (8 a.m. lines up with 8 a.m.) or UTC for everyone."""
    if clock == "utc":
        return pd.to_datetime(rows["time"]).dt.tz_localize(None)
    return period_x(rows["period"])


def with_gaps(
    x: pd.Series,
    y: pd.Series,
    freq: str,
    segments: pd.Series | None = None,
    step: pd.Timedelta | None = None,
) -> tuple[list, list]:
    """Insert a break wherever a period is missing, so no line crosses missing years,
    and where a series breaks (`segments` changes): no line joins two definitions.
    `step`: the largest step that is no gap (default: the frequency's)."""
    step = step or MAX_STEP.get(freq)
    parts = segments if segments is not None else pd.Series(0, index=range(len(x)))
    xs, ys = [], []
    previous, previous_part = None, None
    for x_value, y_value, part in zip(x, y, parts, strict=True):
        missing = (
            step is not None and previous is not None and x_value - previous > step
        )
        broken = previous_part is not None and part != previous_part
        previous_part = part
        if previous is not None and (missing or broken):
            xs.append(previous + (x_value - previous) / 2)
            ys.append(None)
        xs.append(x_value)
        ys.append(y_value)
        previous = x_value
    return xs, ys


def iso(xs: list) -> list[str]:
    """Datetimes as ISO text, a plain date for midnight. Handing plotly text, not
    Timestamp objects, spares it deep-copying thousands of them per figure; plain dates
    make a daily chart's JSON a quarter smaller. plotly reads both as the same instant,
    and the text still sorts in time order."""
    return [x.isoformat().removesuffix("T00:00:00") for x in xs]


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


def dense_hover(freq: str, unit: str, digits: int, extra: str) -> str:
    """The tooltip of a line with thousands of points: an ISO date reads the same in both
    languages and plotly formats the number with the figure's separators, so no label
    per point travels with the figure."""
    date = "%{x|%Y-%m-%d}" if freq == "daily" else "%{x|%Y-%m-%d %H:%M}"
    return f"{date}: %{{y:,.{digits}f}} {unit}<extra>{extra}</extra>"


def screen_bucket(
    frame: pd.DataFrame, indicator: Indicator, clock: str
) -> pd.Timedelta | None:
    """The bucket length every city of a chart is drawn in (the same for all, so their
    lines read alike), or None: each value drawn."""
    if indicator.comparability.level == "within_edition":
        return None  # survey figures: a few points, each its own edition
    counts = frame.groupby("city").size()
    if counts.empty or counts.max() <= SCREEN_POINTS:
        return None
    own_step = MAX_STEP.get(indicator.freq) if indicator.freq != "instant" else None
    chosen = None
    for city_id in counts[counts > SCREEN_POINTS].index:
        x = x_values(frame[frame["city"] == city_id], clock)
        span = x.max() - x.min()
        fits = [
            b
            for b in BUCKETS
            if (own_step is None or b > own_step) and span / b <= SCREEN_POINTS
        ]
        bucket = fits[0] if fits else BUCKETS[-1]
        chosen = bucket if chosen is None else max(chosen, bucket)
    return chosen


def bucketed(rows: pd.DataFrame, bucket: pd.Timedelta, clock: str) -> pd.DataFrame:
    """One row per bucket (and series segment: a bucket never spans a break): x at
    the bucket's start, its mean, min, max and count."""
    x = x_values(rows, clock).reset_index(drop=True)
    frame = pd.DataFrame(
        {
            "x": x.dt.floor(bucket)
            if bucket <= pd.Timedelta(days=1)
            else _floor(x, bucket),
            "value": rows["value"].to_numpy(),
            "segment": rows["segment"].to_numpy() if "segment" in rows else 0,
        }
    )
    out = (
        frame.groupby(["segment", "x"], sort=False)["value"]
        .agg(["mean", "min", "max", "count"])
        .reset_index()
        .sort_values(["x", "segment"], kind="stable", ignore_index=True)
    )
    return out


def _floor(x: pd.Series, bucket: pd.Timedelta) -> pd.Series:
    # Buckets of several days counted from each city's first day shown, so a week of
    # data is a week whatever day it starts on.
    first = x.min().normalize()
    return first + ((x - first) // bucket) * bucket


def bucket_words(bucket: pd.Timedelta, lang: str) -> str:
    """'12-hour' / '12 h', '7-day' / '7 jours'."""
    hours = int(bucket / pd.Timedelta(hours=1))
    if hours < 24:
        return t("bucket.hours", lang, n=hours)
    days = hours // 24
    return t("bucket.day" if days == 1 else "bucket.days", lang, n=days)


def bucket_trace(
    rows: pd.DataFrame,
    bucket: pd.Timedelta,
    city_id: str,
    indicator: Indicator,
    unit: str,
    lang: str,
    clock: str,
    **extra,
) -> go.Scatter:
    """A dense city's line at screen resolution: each bucket's mean, its min–max range
    as a faint whisker, and a tooltip with the range and how many values it holds."""
    city = CITIES_BY_ID[city_id]
    buckets = bucketed(rows, bucket, clock)
    xs, ys = with_gaps(
        buckets["x"], buckets["mean"], indicator.freq, buckets["segment"], bucket
    )
    # with_gaps adds a None between two runs; every other point is a bucket, in order.
    spans = iter(buckets[["min", "max", "count"]].itertuples(index=False))
    extent = [None if y is None else next(spans) for y in ys]
    colour = CITY_COLOURS[city_id]
    date = "%{x|%Y-%m-%d}" if bucket >= pd.Timedelta(days=1) else "%{x|%Y-%m-%d %H:%M}"
    hover = t(
        "bucket.hover",
        lang,
        span=bucket_words(bucket, lang),
        date=date,
        mean="%{y:,.1f}",
        low="%{customdata[0]:,.1f}",
        high="%{customdata[1]:,.1f}",
        count="%{customdata[2]}",
        unit=unit,
    )
    return go.Scatter(
        x=iso(xs),
        y=ys,
        name=city.name(lang),
        mode="lines",
        line={"color": colour, "width": 2, "dash": city.line_dash},
        error_y={
            "type": "data",
            "symmetric": False,
            "array": [
                None if e is None else e[1] - y for e, y in zip(extent, ys, strict=True)
            ],
            "arrayminus": [
                None if e is None else y - e[0] for e, y in zip(extent, ys, strict=True)
            ],
            # faint, so the line of means reads over the ranges
            "color": faint(colour, WHISKER_ALPHA),
            "thickness": 1,
            "width": 0,
        },
        customdata=[None if e is None else [e[0], e[1], e[2]] for e in extent],
        hovertemplate=f"{hover}<extra>%{{fullData.name}}</extra>",
        connectgaps=False,
        meta={"bucket": bucket_words(bucket, lang)},
        **extra,
    )


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
            "symbol": city.marker_symbol,
        },
        connectgaps=False,
        **hover,
        **extra,
    )


def add_reference_lines(
    figure: go.Figure, indicator: Indicator, lang: str, theme: str, **where
) -> None:
    ink = palette(theme)["ink"]
    for line in indicator.reference_lines:
        # Above the traces, on a backing: dense daily data would hide it otherwise.
        figure.add_hline(
            y=line.value,
            layer="above",
            line={"dash": "dot", "color": ink, "width": 1},
            annotation={
                "text": line.labels[lang],
                "font": {"color": ink, "size": 11},
                "bgcolor": palette(theme)["backing"],
            },
            annotation_position="top right",
            **where,
        )


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


def add_breaks(
    figure: go.Figure, shown, lang: str, theme: str, panels=None, labels: bool = True
) -> None:
    """A dotted line where a city's series breaks (station, definition…), labelled
    along it in its colour (upright labels of nearby breaks would collide): no change
    is computed across it. `panels`: city → (row, col); a panel names its city."""
    for shown_break in shown.assessment.breaks:
        where = {}
        if panels is not None:
            if shown_break.city not in panels:
                continue
            where = dict(zip(("row", "col"), panels[shown_break.city], strict=True))
        x = label_moment(shown_break.period)
        colour = CITY_COLOURS[shown_break.city]
        kind = t(f"break.{shown_break.rule.kind}", lang)
        label = (
            kind
            if panels is not None
            else t(
                "break_label",
                lang,
                city=CITIES_BY_ID[shown_break.city].name(lang),
                kind=kind,
            )
        )
        if not labels:
            figure.add_vline(
                x=x.isoformat(),
                line={"dash": "dot", "color": colour, "width": 2},
                **where,
            )
            continue
        figure.add_vline(
            x=x.isoformat(),
            line={"dash": "dot", "color": colour, "width": 1},
            annotation={
                "text": label,
                "textangle": -90,
                "font": {"color": colour, "size": 10},
                "bgcolor": palette(theme)["backing"],
                "hovertext": shown_break.rule.reasons[lang],
                "yanchor": "top",
                "xanchor": "right",
            },
            annotation_position="top left",
            **where,
        )


# Event numbers closer than this share of the x-axis to the one before are stacked.
EVENT_CROWDING = 0.04
EVENT_LANES = 4


def axis_refs(panels, city_id: str) -> tuple[str, str] | None:
    """The x and y axes a city is drawn on (None: its panel is not shown)."""
    if panels is None:
        return "x", "y"
    if city_id not in panels:
        return None
    suffix = "" if panels[city_id][1] == 1 else str(panels[city_id][1])
    return f"x{suffix}", f"y{suffix}"


def event_lanes(xs: list[pd.Timestamp], span: pd.Timedelta) -> list[int]:
    """A lane (0 at the top) per event so that close ones do not overlap."""
    lanes, previous = [], None
    for x in xs:
        crowded = previous is not None and (x - previous) < span * EVENT_CROWDING
        lanes.append((lanes[-1] + 1) % EVENT_LANES if crowded and lanes else 0)
        previous = x
    return lanes


def add_events(figure: go.Figure, shown, lang: str, panels=None) -> None:
    """Each policy event: a faint line in its city's colour at its date and its number
    at the top (the list under the chart gives the same numbers, dates and sources);
    its date and title on hover."""
    if not shown.events or shown.frame.empty:
        return
    xs = period_x(shown.frame["period"])
    span = max(xs.max() - xs.min(), pd.Timedelta(days=365))
    # Lanes per panel: events drawn on different panels cannot collide.
    refs = [axis_refs(panels, event.city) for event in shown.events]
    lanes = {}
    for ref in set(refs) - {None}:
        mine = [i for i, r in enumerate(refs) if r == ref]
        found = event_lanes([shown.events[i].start for i in mine], span)
        lanes.update(zip(mine, found, strict=True))
    for index, event in enumerate(shown.events):
        if refs[index] is None:
            continue
        number, lane = index + 1, lanes[index]
        x_ref, y_ref = refs[index]
        colour = CITY_COLOURS[event.city]
        figure.add_shape(
            type="line",
            x0=event.start.isoformat(),
            x1=event.start.isoformat(),
            y0=0,
            y1=1,
            xref=x_ref,
            yref=f"{y_ref} domain",
            line={"color": colour, "width": 1},
            opacity=0.45,
            layer="below",
        )
        figure.add_annotation(
            x=event.start.isoformat(),
            y=1 - 0.085 * lane,
            xref=x_ref,
            yref=f"{y_ref} domain",
            text=str(number),
            hovertext=f"{event_date_text(event, lang)} — {event.title(lang)}",
            showarrow=False,
            yanchor="top",
            font={"color": colour, "size": 10},
            # No theme colour here: the side view's axis variants replace the whole
            # annotation list, which must read the same in either theme.
            bordercolor=colour,
            borderwidth=1,
            borderpad=1,
        )


def event_date_text(event, lang: str) -> str:
    freq = {"day": "daily", "month": "monthly", "year": "annual"}[event.precision]
    return fmt_period(event.start, freq, lang)


def add_targets(figure: go.Figure, shown, lang: str, panels=None) -> list:
    """Each city's targets, marked and labelled "target <year>"; the furthest one
    drawn with the straight path from its baseline (the path its status is read
    against). Returns the x values drawn (for the ticks)."""
    xs_drawn = []
    furthest = {target.city: target.id for target, _ in shown.targets}  # year order
    for target, status in shown.targets:
        refs = axis_refs(panels, target.city)
        if refs is None:
            continue
        x_ref, y_ref = refs
        colour = CITY_COLOURS[target.city]
        xs, ys = [label_moment(str(target.target_year))], [status.level]
        if status.baseline is not None and furthest[target.city] == target.id:
            xs.insert(0, label_moment(status.baseline[0]))
            ys.insert(0, status.baseline[1])
        label = t("target_label", lang, year=target.target_year)
        figure.add_trace(
            go.Scatter(
                x=iso(xs),
                y=ys,
                mode="lines+markers+text",
                line={"color": colour, "width": 1.5, "dash": "dash"},
                marker={
                    "color": colour,
                    "symbol": ["circle-open"] * (len(xs) - 1) + ["star"],
                    "size": [6] * (len(xs) - 1) + [11],
                },
                text=[""] * (len(xs) - 1) + [label],
                textposition="top center",
                textfont={"color": colour, "size": 11},
                cliponaxis=False,
                name=label,
                showlegend=False,
                hovertemplate=(
                    f"{target.label(lang)}<br>"
                    f"{label}: {value_text(status.level, shown.unit, lang)}"
                    "<extra></extra>"
                ),
                xaxis=x_ref,
                yaxis=y_ref,
            )
        )
        xs_drawn += iso(xs)
    return xs_drawn


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


def crossover_marks(points: list, pivot: float, lang: str, ink: str) -> go.Scatter:
    return go.Scatter(
        x=iso(points),
        y=[pivot] * len(points),
        mode="markers",
        name=t("crossover", lang),
        marker={"symbol": "x", "size": 12, "color": ink},
        hovertemplate=t("crossover", lang) + "<extra></extra>",
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
            figure.add_trace(crossover_marks(points, pivot, lang, ink))
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


STAGE_FONT = 22
# The smallest stage: a slide's plotting area at 1280×720 (px), where labels collide
# first; a character's width and a line's height in the stage type (px).
STAGE_PLOT = (760.0, 220.0)
STAGE_CHAR = 0.6 * STAGE_FONT
STAGE_LINE = 1.2 * STAGE_FONT
STAGE_OFFSET = 10.0  # between a point and its label (the marker's radius and a gap)
# Where a value may be written, most wanted first, for the higher city (the lower
# one swaps the first two).
STAGE_POSITIONS = ("top center", "bottom center", "middle right", "middle left")
# A month counts in a dense series' stage chart when half its days (or hours) count.
STAGE_MONTH_SHARE = 0.5
STAGE_ALL_LABELLED = 6  # up to this many points: every value is written


def stage_series(shown):
    """What a slide draws: a dense series (daily, hourly) as monthly means — twelve
    years of days are a solid band from the back of a hall — else the rows as shown."""
    freq = shown.indicator.freq
    if freq not in DENSE_FREQUENCIES or shown.frame.empty:
        return shown
    frame = shown.frame
    month = frame["period"].str[:7]
    per_day = 24 if freq == "hourly" else 1
    rows = []
    for (_, label), group in frame.groupby(["city", month], sort=True):
        wanted = pd.Period(label, freq="M").days_in_month * per_day
        if group["value"].count() >= STAGE_MONTH_SHARE * wanted:
            first = group.iloc[0].to_dict()
            rows.append({**first, "period": label, "value": group["value"].mean()})
    return replace(
        shown,
        frame=pd.DataFrame(rows, columns=frame.columns),
        indicator=replace(shown.indicator, freq="monthly"),
    )


def label_points(ys: list) -> list[int]:
    """The points a stage chart writes: every one when there are few; else the latest
    and the extremes (in that order: the latest matters most)."""
    points = [i for i, y in enumerate(ys) if y is not None]
    if len(points) <= STAGE_ALL_LABELLED:
        return points[::-1]
    chosen = [points[-1], max(points, key=lambda i: ys[i])]
    chosen.append(min(points, key=lambda i: ys[i]))
    return list(dict.fromkeys(chosen))


def label_box(x: float, y: float, text: str, position: str) -> tuple:
    """(left, bottom, right, top) in px of a label written at `position` of (x, y)."""
    width, height = len(text) * STAGE_CHAR, STAGE_LINE
    if position == "top center":
        return (
            x - width / 2,
            y + STAGE_OFFSET,
            x + width / 2,
            y + STAGE_OFFSET + height,
        )
    if position == "bottom center":
        return (
            x - width / 2,
            y - STAGE_OFFSET - height,
            x + width / 2,
            y - STAGE_OFFSET,
        )
    if position == "middle right":
        return (
            x + STAGE_OFFSET,
            y - height / 2,
            x + STAGE_OFFSET + width,
            y + height / 2,
        )
    return (x - STAGE_OFFSET - width, y - height / 2, x - STAGE_OFFSET, y + height / 2)


def overlaps(a: tuple, b: tuple) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def line_points(xs: list, ys: list) -> list[tuple[float, float]]:
    """Points along a drawn line (its markers and its segments), in px."""
    found = []
    previous = None
    for x, y in zip(xs, ys, strict=True):
        if y is None:
            previous = None
            continue
        if previous is not None:
            for step in range(1, 8):
                share = step / 8
                found.append(
                    (
                        previous[0] + (x - previous[0]) * share,
                        previous[1] + (y - previous[1]) * share,
                    )
                )
        found.append((x, y))
        previous = (x, y)
    return found


def place_stage_labels(
    series: dict[str, tuple[list, list]], order: list[str], lang: str
) -> dict[str, tuple[list, list]]:
    """Each city's value labels and their positions, none over another label, a line
    or the plot's edge at the smallest stage; a label that fits nowhere is dropped.

    `series`: city → (x, y, value) per point, x and y in px of the plotting area (y
    up; None: a gap); `order`: the cities, the higher first. Returns city → (texts,
    positions) per point."""
    width, height = STAGE_PLOT
    obstacles = [p for xs, ys, _ in series.values() for p in line_points(xs, ys)]
    placed: list[tuple] = []
    out = {
        c: ([""] * len(ys), ["top center"] * len(ys))
        for c, (_, ys, _) in series.items()
    }
    chosen = {city: label_points(series[city][1]) for city in order}
    # The cities take turns: each one's latest first, then each one's extremes.
    wanted = [
        (city, chosen[city][rank])
        for rank in range(STAGE_ALL_LABELLED)
        for city in order
        if rank < len(chosen[city])
    ]
    above, below, *beside = STAGE_POSITIONS
    for city, index in wanted:
        xs, ys, values = series[city]
        x, y = xs[index], ys[index]
        text = fmt_number(values[index], lang)
        # The higher city's values go above its line first, the lower's below.
        positions = STAGE_POSITIONS if city == order[0] else (below, above, *beside)
        for position in positions:
            box = label_box(x, y, text, position)
            inside = (
                box[0] >= 0 and box[2] <= width and box[1] >= 0 and box[3] <= height
            )
            clear = not any(overlaps(box, other) for other in placed) and not any(
                box[0] < px < box[2] and box[1] < py < box[3] for px, py in obstacles
            )
            if inside and clear:
                placed.append(box)
                out[city][0][index] = text
                out[city][1][index] = position
                break
    return out


def stage_bars(shown, lang: str) -> go.Figure:
    """Instant data on stage: each city's latest value as a bar, written above it."""
    ink = palette("stage")["ink"]
    latest = [
        (c, rows.iloc[-1])
        for c in shown.city_ids
        if not (rows := shown.frame[shown.frame["city"] == c]).empty
    ]
    figure = go.Figure(
        go.Bar(
            x=[CITIES_BY_ID[c].name(lang) for c, _ in latest],
            y=[row["value"] for _, row in latest],
            marker_color=[CITIES_BY_ID[c].colour_on_dark for c, _ in latest],
            text=[
                f"{fmt_number(row['value'], lang, 0)} {shown.unit}" for _, row in latest
            ],
            textposition="outside",
            textfont={"size": STAGE_FONT * 2, "color": ink},
            cliponaxis=False,
        )
    )
    figure.update_yaxes(title_text=shown.unit, rangemode="tozero")
    figure.update_layout(template=template("stage"), showlegend=False)
    return figure


def stage_ranges(traces: list) -> tuple[list, list]:
    """The axes' ranges, set (not left to plotly) so labels can be placed in px: room
    above the highest value and right of the latest for their labels."""
    xs = [pd.Timestamp(x) for trace in traces for x in trace.x]
    ys = [y for trace in traces for y in trace.y if y is not None]
    first, last = min(xs), max(xs)
    span = max(last - first, pd.Timedelta(days=1))
    low = min(0.0, min(ys))
    high = max(ys)
    return (
        [first - span * 0.04, last + span * 0.1],
        [low, high + (high - low) * 0.3],
    )


def stage_lines(shown, lang: str) -> go.Figure:
    """A time series on stage: thick lines; the latest values and the extremes written
    on them where they fit (above, below or beside, never over another label or line)."""
    # Breaks as plain lines: a label in stage type would cover the values.
    figure = overlay_figure(shown, lang, "stage", break_labels=False)
    colours = {
        CITIES_BY_ID[c].name(lang): CITIES_BY_ID[c].colour_on_dark
        for c in shown.city_ids
    }
    city_traces = [trace for trace in figure.data if trace.name in colours]
    if not city_traces:
        return figure
    x_range, y_range = stage_ranges(city_traces)
    x0, x1 = (pd.Timestamp(x) for x in x_range)
    width, height = STAGE_PLOT

    def to_px(trace) -> tuple[list, list, list]:
        xs = [(pd.Timestamp(x) - x0) / (x1 - x0) * width for x in trace.x]
        ys = [
            None if y is None else (y - y_range[0]) / (y_range[1] - y_range[0]) * height
            for y in trace.y
        ]
        return xs, ys, list(trace.y)

    means = {
        trace.name: np.nanmean([y for y in trace.y if y is not None] or [0])
        for trace in city_traces
    }
    order = sorted(means, key=means.get, reverse=True)
    labels = place_stage_labels(
        {trace.name: to_px(trace) for trace in city_traces}, order, lang
    )
    for trace in city_traces:
        texts, positions = labels[trace.name]
        trace.update(
            mode=(trace.mode or "lines") + "+text",
            text=texts,
            textposition=positions,
            textfont={"size": STAGE_FONT, "color": colours[trace.name]},
            line={"color": colours[trace.name], "width": 4},
            marker={"color": colours[trace.name], "size": 12},
            cliponaxis=False,
        )
    figure.update_xaxes(range=[x.isoformat() for x in (x0, x1)])
    figure.update_yaxes(range=y_range, rangemode="normal")
    figure.update_annotations(font_size=STAGE_FONT * 0.8)
    on_dark(figure, shown.city_ids)
    return figure


def on_dark(figure: go.Figure, city_ids) -> None:
    """Events and targets in the cities' colours for a black stage (the city traces
    are recoloured by name above)."""
    lighter = {CITY_COLOURS[c]: CITIES_BY_ID[c].colour_on_dark for c in city_ids}
    for shape in figure.layout.shapes:
        if shape.line.color in lighter:
            shape.line.color = lighter[shape.line.color]
    for note in figure.layout.annotations:
        if note.bordercolor in lighter:
            note.update(
                bordercolor=lighter[note.bordercolor],
                font_color=lighter[note.bordercolor],
            )
    for trace in figure.data:
        if trace.line.color in lighter:
            colour = lighter[trace.line.color]
            trace.update(line_color=colour, marker_color=colour, textfont_color=colour)


def stage_figure(shown, lang: str) -> go.Figure:
    """For a projector: white on black, large type, values written on the chart (a
    stage audience cannot hover). Latest values as bars for instant data."""
    if shown.indicator.freq == "instant":
        figure = stage_bars(shown, lang)
    else:
        figure = stage_lines(stage_series(shown), lang)
    figure.update_layout(
        font={"size": STAGE_FONT},
        legend={"font": {"size": STAGE_FONT + 4}},
        hovermode=False,
        height=None,
        margin={"l": 90, "r": 40, "t": 70, "b": 60},
    )
    return figure
