"""Everything placed on a chart's axes.

Where the points go: period labels to datetimes, each city's clock or UTC, breaks in a
line where a value is missing, ISO text for plotly; dense series drawn for a screen
(more points than a chart can show are drawn as buckets: a line of means with a faint
band from low to high, each labelled in words). Then what is drawn besides the series:
the guideline and reference lines, the series breaks, the numbered policy events (in
lanes, so none covers another) and the cities' own targets."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from components.charts.theme import CITY_COLOURS, faint, palette
from components.i18n import fmt_period, t, value_text
from data_sources.model.observations import label_moment, label_start
from data_sources.model.registries import CITIES_BY_ID, Indicator

# Where the points go.
period_x = label_start  # local period labels → the datetimes a chart places them at


def iso(xs: list) -> list[str]:
    """Datetimes as ISO text, a plain date for midnight. Handing plotly text, not
    Timestamp objects, spares it deep-copying thousands of them per figure; plain dates
    make a daily chart's JSON a quarter smaller. plotly reads both as the same instant,
    and the text still sorts in time order."""
    return [x.isoformat().removesuffix("T00:00:00") for x in xs]


# Largest step between two consecutive values that still counts as "no gap".
MAX_STEP = {
    "annual": pd.Timedelta(days=366),
    "monthly": pd.Timedelta(days=31),
    "daily": pd.Timedelta(days=1),
    "hourly": pd.Timedelta(hours=1),
    # Snapshots of a history (an import): a line breaks where none came for 3 hours.
    "instant": pd.Timedelta(hours=3),
}


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


# Dense series. A chart is about this many pixels wide: a city with more values than
# this in the shown years is drawn as one mean per bucket, with the bucket's min–max
# range as a whisker, said under the time axis (the CSV and the API keep every value).
# The first bucket length, longer than the data's own step, that brings a city under
# it is used.
SCREEN_POINTS = 1000


WHISKER_ALPHA = 0.3


BUCKETS = tuple(
    pd.Timedelta(step) for step in ("1h", "3h", "6h", "12h", "1D", "2D", "7D", "14D")
) + (pd.Timedelta(days=30),)


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


# What is drawn besides the series.


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
