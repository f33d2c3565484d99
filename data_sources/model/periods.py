"""The one notion of "when": UTC instants, each city's local periods, and their labels.

A stored row's `time` is the UTC instant its period starts. Readers see the same period
on the city's own calendar as a label ('2016', '2016-03', '2016-03-01',
'2016-03-01T09:00'): Paris's 1 January starts at 23:00 UTC the day before, so a year
taken from the UTC time would be wrong.
"""

from __future__ import annotations

import re

import pandas as pd

from data_sources.model.registries import CITIES_BY_ID

FREQUENCIES = ("instant", "hourly", "daily", "monthly", "annual")
# A year as a URL or a request may give it: four ASCII digits. Not `str.isdigit()`, which
# takes '²', fullwidth and Arabic-Indic digits (int() refuses the first, reads the others).
YEAR_TEXT = re.compile(r"[0-9]{4}")
# Frequencies whose periods are shorter than a day: a clock matters.
SUB_DAILY = ("hourly", "instant")
# Frequencies too dense to compare one period against another (noisy single values):
# they are summarised over windows instead.
DENSE = ("hourly", "daily")
PERIOD_FORMATS = {"annual": "%Y", "monthly": "%Y-%m", "daily": "%Y-%m-%d"}
LABEL_FORMAT = "%Y-%m-%dT%H:%M"
# How long one period lasts (its end = start + this; an instant has no length).
PERIOD_LENGTH = {
    "annual": pd.DateOffset(years=1),
    "monthly": pd.DateOffset(months=1),
    "daily": pd.DateOffset(days=1),
    "hourly": pd.DateOffset(hours=1),
    "instant": pd.DateOffset(0),
}


def local_times(frame: pd.DataFrame) -> pd.Series:
    """Each row's time on its own city's clock (naive)."""
    out = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[s]")
    for city_id, rows in frame.groupby("city"):
        tz = CITIES_BY_ID[city_id].timezone
        out.loc[rows.index] = rows["time"].dt.tz_convert(tz).dt.tz_localize(None)
    return out


def period_labels(frame: pd.DataFrame, local: pd.Series) -> pd.Series:
    """The period each row describes, on its city's calendar ('2016', '2016-03', …)."""
    labels = local.dt.strftime(LABEL_FORMAT)
    for freq, fmt in PERIOD_FORMATS.items():
        mask = frame["freq"] == freq
        labels[mask] = local[mask].dt.strftime(fmt)
    return labels


def label_start(labels: pd.Series) -> pd.Series:
    """Local period labels ('2016', '2016-03', '2016-03-01', '…T09:00') → the local
    (naive) datetime each period starts."""
    text = labels.astype(str)
    text = text.where(text.str.len() != 4, text + "-01-01")
    text = text.where(text.str.len() != 7, text + "-01")
    return pd.to_datetime(text, format="ISO8601")


def label_moment(label: str) -> pd.Timestamp:
    """One label's start (label_start for a single label, without a Series: it is
    called per card, per break and per overview row)."""
    text = str(label)
    if len(text) == 4:
        text += "-01-01"
    elif len(text) == 7:
        text += "-01"
    return pd.Timestamp(text)


def label_year(label: str) -> int:
    return int(str(label)[:4])


def period_end(start: pd.Timestamp, freq: str) -> pd.Timestamp:
    """When a period that starts at `start` is over."""
    return start + PERIOD_LENGTH[freq]


def year_of(value: object, low: int = 1000, high: int = 9999) -> int | None:
    """'2017' → 2017; anything else — another type, signs, spaces, underscores,
    exponents, digits other than ASCII, a year outside [low, high] — is None."""
    if not isinstance(value, str) or not YEAR_TEXT.fullmatch(value):
        return None
    year = int(value)
    return year if low <= year <= high else None
