"""EEA download-service Parquet files (CONTRACTS.md §8.3 schema) made for tests from
real values.

No real Parquet file of a Paris sampling point was captured, so the files are hand-made
in the documented schema. Their values are real: each valid day of a station in
../shared/data's Geod'air export (the same stations' official daily means) becomes 24
hourly rows carrying that day's unrounded mean, so a day's mean of hours is Geod'air's
own. Around them sit rows the adapter must leave out: the export's invalid days as
invalid hours (-999), one of those days with only 17 valid hours (a large value that
would show in the annual mean if it were counted), and hours of another pollutant.
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

DAILY = "air/paris_geodair_no2_daily_FR04055_FR04031_2017_2025.csv"
ANNUAL = "air/paris_geodair_no2_annual_FR04055_FR04031_2017_2025.csv"
SCHEMA = pa.schema(
    [
        ("Samplingpoint", pa.string()),
        ("Pollutant", pa.int32()),
        ("Start", pa.timestamp("ns")),
        ("End", pa.timestamp("ns")),
        ("Value", pa.decimal128(38, 18)),
        ("Unit", pa.string()),
        ("AggType", pa.string()),
        ("Validity", pa.int32()),
        ("Verification", pa.int32()),
        ("ResultTime", pa.timestamp("ns")),
        ("DataCapture", pa.decimal128(38, 18)),
        ("FkObservationLog", pa.string()),
    ]
)


def real_days(shared_data: Path, station: str, year: int) -> pd.DataFrame:
    """One station's Geod'air days of one year: date, unrounded mean, validity."""
    frame = pd.read_csv(shared_data / DAILY, dtype={"date": str})
    mine = frame[
        (frame["station_code_eea"] == station) & frame["date"].str.startswith(str(year))
    ]
    return mine[["date", "daily_mean_ugm3_valeur_brute", "validite"]].reset_index(
        drop=True
    )


def real_annual(shared_data: Path, station: str, year: int) -> float:
    """The mean of that station's valid daily means in that year (the shared annual
    file's figure, to its two decimals)."""
    frame = pd.read_csv(shared_data / ANNUAL)
    row = frame[(frame["station_code_eea"] == station) & (frame["year"] == year)]
    return float(row["annual_mean_of_daily_valeur_brute"].iloc[0])


def hour_rows(station: str, days: pd.DataFrame, year: int) -> list[dict]:
    """The days' hourly rows, dated in `year` (the real days' month and day)."""
    point = f"FR/SPO-{station}_8"
    rows = []
    short_day_done = False
    for day in days.itertuples():
        month_day = day.date[4:]
        if month_day == "-02-29" and pd.Timestamp(f"{year}-12-31").dayofyear == 365:
            continue
        start = pd.Timestamp(f"{year}{month_day}")
        valid = day.validite == 1
        hours, value = 24, day.daily_mean_ugm3_valeur_brute
        if not valid and not short_day_done:
            hours, value, valid, short_day_done = 17, 500.0, True, True
        for hour in range(24):
            at = start + pd.Timedelta(hours=hour)
            counted = valid and hour < hours
            rows.append(
                {
                    "Samplingpoint": point,
                    "Pollutant": 8,
                    "Start": at,
                    "End": at + pd.Timedelta(hours=1),
                    "Value": Decimal(str(value)) if counted else Decimal(-999),
                    "Unit": "ug.m-3",
                    "AggType": "hour",
                    "Validity": 1 if counted else -1,
                    "Verification": 1,
                    "ResultTime": start + pd.Timedelta(days=40),
                    "DataCapture": None,
                    "FkObservationLog": "",
                }
            )
    return rows


def parquet_bytes(rows: list[dict], only: list[str] | None = None) -> bytes:
    """The rows as a Parquet file of the documented schema (`only`: those columns)."""
    schema = SCHEMA if only is None else pa.schema([SCHEMA.field(n) for n in only])
    frame = pd.DataFrame(rows, columns=schema.names)
    table = pa.Table.from_pandas(frame, schema=schema, preserve_index=False)
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


def station_file(
    shared_data: Path,
    station: str,
    years: dict[int, int],
    verification: int,
    shift: float = 0.0,
    unit: str = "ug.m-3",
) -> bytes:
    """A sampling point's file: {real year: year it is dated} of its days (their valid
    hours moved by `shift`, to tell this file's hours from another's), and an ozone
    hour the adapter must not read."""
    rows = []
    for real, dated in years.items():
        rows += hour_rows(station, real_days(shared_data, station, real), dated)
    for row in rows:
        row["Verification"], row["Unit"] = verification, unit
        if row["Validity"] == 1:
            row["Value"] += Decimal(str(shift))
    ozone = dict(rows[0], Pollutant=7, Value=Decimal(900))
    return parquet_bytes([*rows, ozone])
