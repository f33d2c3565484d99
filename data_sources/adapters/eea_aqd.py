"""The EEA Air Quality Download Service: Paris's measured NO₂ at the stations the
shipped snapshot ends on — Les Halles FR04055 (urban background, `no2`) and
Champs-Élysées FR04031 (urban traffic, `no2_roadside`; never mixed into the other).

CONTRACTS.md §8. `POST <base>/ParquetFile/urls` with a JSON query answers CSV text: a
`ParquetFileUrl` header, then one URL per sampling point; each file is that point's
whole hourly series (the query's dates do not cut it). Two datasets are asked: 2, the
verified E1a (to the last reported year, ~9 months late), then 1, the up-to-date
unverified E2a (this year) — an hour both hold is taken from the verified one.

A French file is named after its sampling point, `SPO-<station EoI code>_<pollutant>`;
only the stations above are downloaded. Columns are read by name: `Samplingpoint`,
`Pollutant` (8 = NO₂), `Start` (local *standard* time, UTC+1 all year: no zone in the
file), `Value` (-999 = missing), `Unit` (`ug.m-3`), `AggType`, `Validity` (< 1 invalid).

The rule is the snapshot's (air_means): a day's mean from ≥ 18 valid hours, a year's
mean from ≥ 75 % of its days, past years only, the last YEARS_BACK of them (older years
are the snapshot's, from Geod'air's own daily means of the same stations).
"""

from __future__ import annotations

import io
import re

import pandas as pd
import pyarrow

from data_sources.adapters.http import Client, SourceError
from data_sources.model.air_means import annual_means, daily_means
from data_sources.model.observations import annual_rows

SOURCE_ID = "eea_aqd"
STATIONS = {"FR04055": "no2", "FR04031": "no2_roadside"}
POLLUTANT = ("NO2", 8)  # the query's notation, the files' vocabulary code
UNIT = "ug.m-3"
MISSING = -999
DATASETS = (2, 1)  # verified first: its hours win over the up-to-date ones
STANDARD_TIME = "Etc/GMT-1"  # UTC+1 all year (POSIX signs are inverted)
YEARS_BACK = 2
COLUMNS = (
    "Samplingpoint",
    "Pollutant",
    "Start",
    "Value",
    "Unit",
    "AggType",
    "Validity",
)
STATION_IN_NAME = re.compile(r"SPO-(FR\d{5})_")


def query(dataset: int, this_year: int) -> dict:
    """The download query of CONTRACTS.md §8.2 (the 2025 body)."""
    return {
        "countries": ["FR"],
        "cities": ["Paris (greater city)"],
        "pollutants": [POLLUTANT[0]],
        "dataset": dataset,
        "dateTimeStart": f"{this_year - YEARS_BACK}-01-01T00:00:00Z",
        "dateTimeEnd": f"{this_year}-12-31T24:00:00Z",
        "aggregationType": "hour",
        "source": "API",
    }


def station_urls(text: str) -> dict[str, str]:
    """The URL list (CSV text) → {station code: URL} for the stations we read."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines or lines[0].lstrip("\ufeff") != "ParquetFileUrl":
        raise SourceError(
            "expected a ParquetFileUrl list, got: " + " ".join(text.split())[:80]
        )
    found = {}
    for url in lines[1:]:
        match = STATION_IN_NAME.search(url.rsplit("/", 1)[-1])
        if match and match.group(1) in STATIONS:
            found[match.group(1)] = url
    return found


def read_hours(payload: bytes, name: str) -> pd.DataFrame:
    """One Parquet file → its valid hourly NO₂ values: station, day (local standard
    time), value in µg/m³."""
    try:
        frame = pd.read_parquet(io.BytesIO(payload), engine="pyarrow")
    except (pyarrow.ArrowException, OSError, ValueError) as error:
        raise SourceError(f"{name}: not a Parquet file ({error})") from None
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise SourceError(f"{name}: columns missing: {', '.join(missing)}")
    rows = frame[
        (pd.to_numeric(frame["Pollutant"], errors="coerce") == POLLUTANT[1])
        & (frame["AggType"] == "hour")
        & (pd.to_numeric(frame["Validity"], errors="coerce") >= 1)
    ]
    values = pd.to_numeric(rows["Value"], errors="coerce").astype(float)
    kept = values.notna() & (values != MISSING)
    rows, values = rows[kept], values[kept]
    units = set(rows["Unit"])
    if units - {UNIT}:
        raise SourceError(f"{name}: unexpected unit {sorted(units - {UNIT})}")
    station = rows["Samplingpoint"].str.extract(STATION_IN_NAME)[0]
    start = pd.to_datetime(rows["Start"])
    if start.dt.tz is not None:  # a file that says its zone: read it in standard time
        start = start.dt.tz_convert(STANDARD_TIME).dt.tz_localize(None)
    return pd.DataFrame(
        {
            "station": station,
            "start": start,
            "day": start.dt.strftime("%Y-%m-%d"),
            "value": values,
        }
    )


def parse(files: list[tuple[str, bytes]], this_year: int) -> pd.DataFrame:
    """[(name, Parquet bytes)], verified files first → Paris's annual NO₂ means of the
    last YEARS_BACK complete years, per station's indicator."""
    hours = pd.concat([read_hours(payload, name) for name, payload in files])
    # An hour both datasets hold: the first read (the verified one) wins.
    hours = hours.drop_duplicates(["station", "start"], keep="first")
    frames = []
    for station, rows in hours.groupby("station"):
        days = daily_means(rows.set_index("day")["value"])
        years = annual_means(days, this_year)
        years = years[years.index >= this_year - YEARS_BACK]
        if years.empty:
            continue
        frames.append(
            annual_rows(
                years.to_dict(),
                city="paris",
                indicator=STATIONS[station],
                source=SOURCE_ID,
            )
        )
    if not frames:
        raise SourceError(
            "no complete year "
            f"{this_year - YEARS_BACK}-{this_year - 1} at "
            + ", ".join(sorted(STATIONS))
            + " in the files listed"
        )
    return pd.concat(frames, ignore_index=True)


def fetch(client: Client, source_id: str = SOURCE_ID) -> pd.DataFrame:
    base = client.settings.base_urls[source_id].rstrip("/")
    this_year = pd.Timestamp.now(tz=STANDARD_TIME).year
    files, urls = [], []
    for dataset in DATASETS:
        listed = station_urls(
            client.post_text(f"{base}/ParquetFile/urls", query(dataset, this_year))
        )
        for station, url in sorted(listed.items()):
            payload = client.get_bytes(url)
            files.append((f"{station} (dataset {dataset})", payload))
            urls.append(url)
    if not files:
        raise SourceError(
            "the file list names none of the stations "
            + ", ".join(sorted(STATIONS))
            + " (Paris (greater city), NO2)"
        )
    frame = parse(files, this_year)
    frame.attrs["urls"] = urls
    return frame
