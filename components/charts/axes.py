"""Where a chart places its points: period labels to datetimes, each city's clock or UTC,
breaks in a line where a value is missing, and ISO text for plotly."""

from __future__ import annotations

import pandas as pd

from data_sources.model.periods import label_start

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
