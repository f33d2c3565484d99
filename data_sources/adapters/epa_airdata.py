"""US EPA AirData pre-generated files: San Francisco's PM2.5 at the Arkansas Street
monitor (the series the shipped snapshot holds for 2015-2024), and the county's annual
NO2 and PM10 means (the statistic the snapshot holds to 2021).

`<base>/daily_88101_<YYYY>.zip` holds `daily_88101_<YYYY>.csv`: every US PM2.5 monitor's
daily summaries for one year, refreshed twice a year (June: the previous year complete;
December) — CONTRACTS.md §9.1. A year not published yet answers 404 and is skipped.

The selection is the snapshot's (SOURCES.md): State 06, County 075, Site 0005, POC 3,
`Sample Duration` "1 HOUR" (its daily mean of hourly values); rows of excluded events
never used; days with fewer than 18 hourly observations left out; negative values kept
as published. `Date Local` is the local *standard* time day (PST all year). Codes are
read as text (their leading zeros matter) and columns by name (2013's file had 28).

Feeds `pm25` (daily, SF) and `pm25_annual` (SF: the mean of a past year's daily
means, when at least 75 % of its days have one).

`<base>/annual_conc_by_monitor_<YYYY>.zip` holds one row per monitor, pollutant
standard and event type for one year (the 54-column layout of CONTRACTS.md §9.1,
read by column name). For San Francisco County (06-075) it gives `no2` (42602, the
"NO2 Annual 1971" rows: the annual mean of hourly values, ppb × 1.88) and `pm10`
(81102, "PM10 24-hour 2006": the annual mean of daily values), each year the
**highest monitor's** mean, as EPA's county statistics report them; a monitor counts
when its valid days are at least 75 % of its required days, rows with events excluded
are left out (as for the daily file). Only the two past years are asked for: the
running year's file is partial, and older years are in the snapshot.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

import pandas as pd

from data_sources.adapters.http import Client, SourceError
from data_sources.model.air_means import MIN_DAY_SHARE, MIN_HOURS, annual_means
from data_sources.model.observations import UGM3_PER_PPB, annual_rows, tidy

SOURCE_ID = "epa_airdata"
PARAMETER = "88101"  # PM2.5 FRM/FEM mass, local conditions
COUNTY = {"State Code": "06", "County Code": "075"}  # San Francisco County
MONITOR = {**COUNTY, "Site Num": "0005", "POC": "3"}
SAMPLE_DURATION = "1 HOUR"
EXCLUDED_EVENTS = ("Excluded", "Concurred Events Excluded")
# The annual file spells them out (and says "No Events", "Events Included").
EXCLUDED_ANNUAL_EVENTS = ("Events Excluded", "Concurred Events Excluded")
PST = "Etc/GMT+8"  # EPA's Date Local: standard time all year
YEARS_BACK = 2  # the files of this year and the two before (re-published in June)
COLUMNS = (
    "State Code",
    "County Code",
    "Site Num",
    "Parameter Code",
    "POC",
    "Sample Duration",
    "Date Local",
    "Event Type",
    "Observation Count",
    "Arithmetic Mean",
)

ANNUAL_COLUMNS = (
    "State Code",
    "County Code",
    "Site Num",
    "Parameter Code",
    "POC",
    "Pollutant Standard",
    "Year",
    "Units of Measure",
    "Event Type",
    "Valid Day Count",
    "Required Day Count",
    "Arithmetic Mean",
)


@dataclass(frozen=True)
class CountyMean:
    """One county statistic the annual file gives: which rows, in which unit."""

    indicator: str
    parameter: str
    standard: str
    units: str  # the start of `Units of Measure` (a changed unit is refused)
    factor: float  # to the indicator's canonical unit


COUNTY_MEANS = (
    CountyMean(
        "no2", "42602", "NO2 Annual 1971", "Parts per billion", UGM3_PER_PPB["no2"]
    ),
    CountyMean("pm10", "81102", "PM10 24-hour 2006", "Micrograms/cubic meter", 1.0),
)


def read_daily_file(payload: bytes, name: str) -> pd.DataFrame:
    """The CSV inside one daily ZIP, every column as text."""
    return read_zipped_csv(payload, name, COLUMNS)


def read_zipped_csv(
    payload: bytes, name: str, columns: tuple[str, ...]
) -> pd.DataFrame:
    """The CSV inside one AirData ZIP, every column as text, with `columns` present."""
    try:
        with zipfile.ZipFile(io.BytesIO(payload)) as archive:
            inner = next(
                (n for n in archive.namelist() if n.lower().endswith(".csv")), None
            )
            if inner is None:
                raise SourceError(f"{name}: no CSV inside the ZIP")
            with archive.open(inner) as handle:
                frame = pd.read_csv(handle, dtype=str, keep_default_na=False)
    except zipfile.BadZipFile:
        raise SourceError(f"{name}: not a ZIP archive") from None
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise SourceError(f"{name}: columns missing: {', '.join(missing)}")
    return frame


def with_codes(rows: pd.DataFrame, codes: dict[str, str]) -> pd.DataFrame:
    """The rows whose code columns (text, blanks around them ignored) are `codes`."""
    for column, value in codes.items():
        rows = rows[rows[column].str.strip() == value]
    return rows


def monitor_days(frame: pd.DataFrame, name: str) -> pd.Series:
    """Date Local → the monitor's daily mean (µg/m³), by the selection above."""
    rows = frame[
        (frame["Parameter Code"] == PARAMETER)
        & (frame["Sample Duration"] == SAMPLE_DURATION)
        & ~frame["Event Type"].isin(EXCLUDED_EVENTS)
    ]
    rows = with_codes(rows, MONITOR)
    try:
        hours = pd.to_numeric(rows["Observation Count"])
        means = pd.to_numeric(rows["Arithmetic Mean"])
    except ValueError as error:
        raise SourceError(f"{name}: unexpected value ({error})") from None
    kept = means[hours >= MIN_HOURS]
    # One value per day ("None" and "Included" rows of one day carry the same mean).
    return kept.groupby(rows.loc[kept.index, "Date Local"]).first().sort_index()


def parse(
    files: dict[int, bytes], annual_files: dict[int, bytes] | None = None
) -> pd.DataFrame:
    """{year: daily ZIP bytes} → SF daily PM2.5, and the annual mean of complete past
    years; {year: annual ZIP bytes} → SF County's NO2 and PM10 annual means."""
    daily = []
    for year, payload in sorted(files.items()):
        name = f"daily_{PARAMETER}_{year}.zip"
        daily.append(monitor_days(read_daily_file(payload, name), name))
    days = pd.concat(daily) if daily else pd.Series(dtype=float)
    if days.empty:
        raise SourceError(
            "no day of monitor 06-075-0005 POC 3 (1-hour PM2.5) in "
            + ", ".join(f"daily_88101_{y}.zip" for y in sorted(files))
        )
    frames = [
        tidy(
            [pd.Timestamp(d, tz=PST) for d in days.index],
            days.to_numpy(),
            city="sf",
            indicator="pm25",
            freq="daily",
            source=SOURCE_ID,
        )
    ]
    annual = annual_means(days, pd.Timestamp.now(tz=PST).year)
    if not annual.empty:
        frames.append(
            annual_rows(
                annual.to_dict(), city="sf", indicator="pm25_annual", source=SOURCE_ID
            )
        )
    frames.extend(county_rows(annual_files or {}))
    return pd.concat(frames, ignore_index=True)


def county_rows(annual_files: dict[int, bytes]) -> list[pd.DataFrame]:
    """Per county statistic, the rows of the years whose file gives it."""
    found: dict[str, dict[int, float]] = {m.indicator: {} for m in COUNTY_MEANS}
    for year, payload in sorted(annual_files.items()):
        name = f"annual_conc_by_monitor_{year}.zip"
        frame = read_zipped_csv(payload, name, ANNUAL_COLUMNS)
        for measure in COUNTY_MEANS:
            value = county_mean(frame, measure, year, name)
            if value is not None:
                found[measure.indicator][year] = value
    return [
        annual_rows(years, city="sf", indicator=indicator, source=SOURCE_ID)
        for indicator, years in found.items()
        if years
    ]


def county_mean(
    frame: pd.DataFrame, measure: CountyMean, year: int, name: str
) -> float | None:
    """The highest annual mean among the county's monitors with enough days (in the
    indicator's unit), or None when no monitor of the county has one that year."""
    rows = frame[
        (frame["Parameter Code"] == measure.parameter)
        & (frame["Pollutant Standard"] == measure.standard)
        & (frame["Year"].str.strip() == str(year))
        & ~frame["Event Type"].isin(EXCLUDED_ANNUAL_EVENTS)
    ]
    rows = with_codes(rows, COUNTY)
    if rows.empty:
        return None
    units = set(rows["Units of Measure"])
    if any(not u.startswith(measure.units) for u in units):
        raise SourceError(
            f"{name}: {measure.parameter} in {', '.join(sorted(units))}, "
            f"expected {measure.units}"
        )
    try:
        valid = pd.to_numeric(rows["Valid Day Count"])
        required = pd.to_numeric(rows["Required Day Count"])
        means = pd.to_numeric(rows["Arithmetic Mean"])
    except ValueError as error:
        raise SourceError(f"{name}: unexpected value ({error})") from None
    complete = means[(required > 0) & (valid >= MIN_DAY_SHARE * required)]
    return None if complete.empty else float(complete.max()) * measure.factor


def published(client: Client, urls: list[str], names: dict[int, str]) -> dict:
    """{year: file name} → {year: bytes} of the files published (a year not published
    yet answers 404 and is left out); each URL read is added to `urls`."""
    files = {}
    for year, url in names.items():
        payload = client.get_bytes(url, missing_ok=True)
        if payload is not None:
            files[year] = payload
            urls.append(url)
    return files


def fetch(client: Client, source_id: str = SOURCE_ID) -> pd.DataFrame:
    base = client.settings.base_urls[source_id].rstrip("/")
    this_year = pd.Timestamp.now(tz=PST).year
    years = range(this_year - YEARS_BACK, this_year + 1)
    urls: list[str] = []
    files = published(
        client, urls, {y: f"{base}/daily_{PARAMETER}_{y}.zip" for y in years}
    )
    if not files:
        raise SourceError(
            f"no daily_{PARAMETER} file for {this_year - YEARS_BACK}-{this_year} "
            f"under {base} (404)"
        )
    annual_files = published(  # past years only
        client, urls, {y: f"{base}/annual_conc_by_monitor_{y}.zip" for y in years[:-1]}
    )
    frame = parse(files, annual_files)
    frame.attrs["urls"] = urls
    return frame
