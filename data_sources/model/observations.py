"""What one observation is: its row, its time and its unit.

- The tidy observation table: one row per (city, indicator, time), values in
  canonical units.
- The one notion of "when": UTC instants, each city's local periods, and their labels.
  A stored row's `time` is the UTC instant its period starts. Readers see the same
  period on the city's own calendar as a label ('2016', '2016-03', '2016-03-01',
  '2016-03-01T09:00'): Paris's 1 January starts at 23:00 UTC the day before, so a year
  taken from the UTC time would be wrong.
- Units: conversions between the units an indicator is offered in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

from data_sources.model.registries import CITIES_BY_ID, Indicator

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


# Units. Conversions are plain factors (value_in_to = value_in_from × factor). Gas-volume
# mixing ratios depend on the molecule, so ppb↔µg/m³ is per indicator (25 °C, 1 atm).
# µg/m³ per ppb at 25 °C and 1 atm (molar mass / 24.45 L/mol).
UGM3_PER_PPB = {"no2": 1.88, "o3": 1.96}

KWH_PER_THERM = 29.3071
TONNES_PER_SHORT_TON = 0.90718474
KM_PER_MILE = 1.609344

# Factors that do not depend on the indicator: (from, to) -> factor.
FACTORS: dict[tuple[str, str], float] = {
    ("GWh", "MWh"): 1e3,
    ("GWh", "kWh"): 1e6,
    ("MWh", "kWh"): 1e3,
    ("kWh", "GWh"): 1e-6,
    ("Mtherm", "GWh"): KWH_PER_THERM,  # 10⁶ therm × 29.3071 kWh = 29.3071 GWh
    ("therm", "kWh"): KWH_PER_THERM,
    ("short ton", "t"): TONNES_PER_SHORT_TON,
    ("mi", "km"): KM_PER_MILE,
    ("mi²", "km²"): KM_PER_MILE**2,
    ("Mt CO2e", "t CO2e"): 1e6,
}


class UnitError(ValueError):
    """A unit conversion or normalisation that makes no sense for this indicator."""


def conversion_factor(from_unit: str, to_unit: str, indicator_id: str = "") -> float:
    """Factor f such that value_in_to_unit = value_in_from_unit × f."""
    if from_unit == to_unit:
        return 1.0
    if {from_unit, to_unit} == {"µg/m³", "ppb"}:
        if indicator_id not in UGM3_PER_PPB:
            raise UnitError(f"no ppb conversion for {indicator_id or 'this pollutant'}")
        per_ppb = UGM3_PER_PPB[indicator_id]
        return per_ppb if from_unit == "ppb" else 1 / per_ppb
    if (from_unit, to_unit) in FACTORS:
        return FACTORS[(from_unit, to_unit)]
    if (to_unit, from_unit) in FACTORS:
        return 1 / FACTORS[(to_unit, from_unit)]
    # One hop through a shared unit (e.g. Mtherm → GWh → MWh).
    for (a, b), first in FACTORS.items():
        if a == from_unit:
            try:
                return first * conversion_factor(b, to_unit, indicator_id)
            except UnitError:
                continue
    raise UnitError(f"cannot convert {from_unit} to {to_unit}")


def convert(values: pd.Series, indicator: Indicator, to_unit: str) -> pd.Series:
    """Values from the indicator's canonical unit to one of its offered units."""
    if to_unit not in indicator.units:
        offered = ", ".join(indicator.units)
        raise UnitError(
            f"unit '{to_unit}' is not offered for {indicator.id} ({offered})"
        )
    return values * conversion_factor(indicator.unit, to_unit, indicator.id)
