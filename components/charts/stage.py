"""The stage's figures (`/present`): big type for a projector, few labels placed so
none covers another or the line, bars for a single period."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from components.charts.figures import overlay_figure
from components.charts.theme import CITY_COLOURS, palette, template
from components.i18n import quoted
from data_sources.model.observations import DENSE as DENSE_FREQUENCIES
from data_sources.model.registries import CITIES_BY_ID

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
        text = quoted(values[index], lang)
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
            text=[f"{quoted(row['value'], lang)} {shown.unit}" for _, row in latest],
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
