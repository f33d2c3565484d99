"""The tidy observation table: one row per (city, indicator, time), values in canonical units."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from data_sources.model.registries import CITIES_BY_ID

COLUMNS = ("city", "indicator", "time", "freq", "value", "source")
KEY = ("city", "indicator", "time")
FREQUENCIES = ("instant", "hourly", "daily", "monthly", "annual")


class SchemaError(ValueError):
    """A frame does not follow the tidy observation schema."""


def validate(frame: pd.DataFrame) -> pd.DataFrame:
    """Check columns, types and key uniqueness; return the frame sorted by its key.

    Extra columns (such as `origin` added by the store) are kept.
    """
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise SchemaError(f"missing columns: {', '.join(missing)}")
    out = frame.copy()
    out["time"] = pd.to_datetime(out["time"], utc=True)
    out["value"] = pd.to_numeric(out["value"], errors="raise").astype("float64")
    for column in ("city", "indicator", "freq", "source"):
        out[column] = out[column].astype(str)
    bad_freq = sorted(set(out["freq"]) - set(FREQUENCIES))
    if bad_freq:
        raise SchemaError(f"unknown frequency: {', '.join(bad_freq)}")
    if out["value"].isna().any():
        raise SchemaError("missing values must be dropped, not stored as NaN")
    duplicated = out.duplicated(list(KEY), keep=False)
    if duplicated.any():
        first = out[duplicated].iloc[0]
        raise SchemaError(
            f"duplicate key: {first['city']} {first['indicator']} {first['time']}"
        )
    return out.sort_values(list(KEY), ignore_index=True)


def tidy(
    times, values, *, city: str, indicator: str, freq: str, source: str
) -> pd.DataFrame:
    """Rows of one (city, indicator, source) series from parallel times and values."""
    return pd.DataFrame(
        {
            "city": city,
            "indicator": indicator,
            "time": pd.to_datetime(pd.Series(times), utc=True).to_numpy(),
            "freq": freq,
            "value": pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(float),
            "source": source,
        },
        columns=list(COLUMNS),
    )


def annual_rows(
    values: Mapping[int, float], *, city: str, indicator: str, source: str
) -> pd.DataFrame:
    """Rows of one annual series from {year: value}, each year starting on 1 January in
    the city's own time zone (the snapshot's convention: Paris's 2019 is not UTC's)."""
    zone = CITIES_BY_ID[city].timezone
    years = sorted(values)
    return tidy(
        [pd.Timestamp(f"{year}-01-01", tz=zone) for year in years],
        [values[year] for year in years],
        city=city,
        indicator=indicator,
        freq="annual",
        source=source,
    )


def empty_frame() -> pd.DataFrame:
    return validate(pd.DataFrame({c: [] for c in COLUMNS}))


# ------------------------------------------------------------------ CSV for spreadsheets

# A text cell starting with one of these is run as a formula by Excel, LibreOffice and
# Google Sheets (CSV injection); OWASP's rule is to write it behind a leading quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def spreadsheet_safe(value: object) -> object:
    """A CSV cell a spreadsheet opens as data: text that would run gets a leading `'`;
    numbers (negative ones, and text that is a plain number) are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return value if _is_number(value) else "'" + value
    return value


def spreadsheet_safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """`spreadsheet_safe` on every text column (a copy; numeric columns untouched)."""
    text = [
        c
        for c in frame.columns
        if frame[c].dtype == object or frame[c].dtype == "string"
    ]
    if not text:
        return frame
    out = frame.copy()
    for column in text:
        values = out[column]
        risky = values.astype("string").str.startswith(FORMULA_STARTS).fillna(False)
        if risky.any():
            out.loc[risky, column] = values[risky].map(spreadsheet_safe)
    return out
