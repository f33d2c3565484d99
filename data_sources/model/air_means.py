"""One rule for the means of measured air quality, as the shipped snapshot computes them
(SOURCES.md): a day's mean counts when at least 18 of its hours are valid; a year's mean
is the mean of its daily means, when at least 75 % of its days have one. Live adapters
of measured air (EPA AirData, the EEA download service) use these, so a refreshed year
means what the snapshot's years mean."""

from __future__ import annotations

import pandas as pd

MIN_HOURS = 18
MIN_DAY_SHARE = 0.75  # of a year's days, for its annual mean


def daily_means(hours: pd.Series) -> pd.Series:
    """Hourly values indexed by their day ('YYYY-MM-DD') → that day's mean, for days
    with at least MIN_HOURS valid values."""
    grouped = hours.groupby(level=0)
    counts, means = grouped.count(), grouped.mean()
    return means[counts >= MIN_HOURS].sort_index()


def annual_means(days: pd.Series, this_year: int) -> pd.Series:
    """Daily means indexed by 'YYYY-MM-DD' → year → the mean of its daily means, for
    years before `this_year` (a running year is not a year yet) with enough days."""
    years = pd.Series(days.index.str[:4].astype(int), index=days.index)
    out = {}
    for year, group in days.groupby(years):
        length = 366 if pd.Timestamp(f"{year}-12-31").dayofyear == 366 else 365
        if year < this_year and len(group) >= MIN_DAY_SHARE * length:
            out[year] = group.mean()
    return pd.Series(out, dtype=float)
