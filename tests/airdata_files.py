"""AirData daily files (CONTRACTS.md §9.1 shape) made for tests from real values.

No real daily_88101 row of the San Francisco monitor was captured, so the ZIPs are
hand-made in the documented 29-column layout: the monitor's rows carry the real daily
means of ../shared/data (EPA's own values for 06-075-0005 POC 3), and around them sit
rows the adapter must leave out — real rows of other monitors (the Data Commons
excerpt), the same monitor's 24-hour-block rows, an excluded event, another POC.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pandas as pd

DAILY = "air/sf_pm25_daily_epa_arkansas_st_060750005_2015_2024.csv"


def real_days(shared_data: Path, year: int = 2024) -> pd.DataFrame:
    """The monitor's real daily means of one year (blank days left blank)."""
    frame = pd.read_csv(shared_data / DAILY, dtype={"date": str})
    return frame[frame["date"].str.startswith(str(year))].reset_index(drop=True)


def other_monitors(api_dir: Path) -> tuple[list[str], list[list[str]]]:
    """The real header and the real rows of other monitors (Alabama, 2021)."""
    with open(api_dir / "daily_YYYY_2021_rows_excerpt.csv", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def monitor_row(header, date, mean, **changes) -> list[str]:
    row = {
        "State Code": "06",
        "County Code": "075",
        "Site Num": "0005",
        "Parameter Code": "88101",
        "POC": "3",
        "Latitude": "37.765946",
        "Longitude": "-122.399044",
        "Datum": "WGS84",
        "Parameter Name": "PM2.5 - Local Conditions",
        "Sample Duration": "1 HOUR",
        "Pollutant Standard": "",
        "Date Local": date,
        "Units of Measure": "Micrograms/cubic meter (LC)",
        "Event Type": "None",
        "Observation Count": "24",
        "Observation Percent": "100.0",
        "Arithmetic Mean": f"{mean:.6f}",
        "1st Max Value": f"{mean:.1f}",
        "1st Max Hour": "0",
        "AQI": "",
        "Method Code": "170",
        "Method Name": "Met One BAM-1020 Mass Monitor w/VSCC - Beta Attenuation",
        "Local Site Name": "San Francisco - Arkansas Street",
        "Address": "10 ARKANSAS ST.",
        "State Name": "California",
        "County Name": "San Francisco",
        "City Name": "San Francisco",
        "CBSA Name": "San Francisco-Oakland-Hayward, CA",
        "Date of Last Change": "2026-07-13",
        **changes,
    }
    return [row[name] for name in header]


def daily_zip(days: pd.DataFrame, year: int, shared_data: Path) -> bytes:
    """daily_88101_<year>.zip with the given days (date, pm25_daily_mean_ugm3) moved to
    `year`'s calendar (a 29 February outside a leap year is dropped)."""
    header, others = other_monitors(shared_data.parent / "api" / "epa_airdata_files")
    rows = list(others)
    for day in days.itertuples():
        month_day = day.date[5:]
        date = f"{year}-{month_day}"
        try:
            pd.Timestamp(date)
        except ValueError:
            continue
        if pd.isna(day.pm25_daily_mean_ugm3):  # a blank day: too few hours
            rows.append(monitor_row(header, date, 5.0, **{"Observation Count": "12"}))
            continue
        mean = day.pm25_daily_mean_ugm3
        rows.append(monitor_row(header, date, mean))
        # Rows the selection must leave out:
        rows.append(
            monitor_row(
                header,
                date,
                mean + 1,
                **{
                    "Sample Duration": "24-HR BLK AVG",
                    "Pollutant Standard": "PM25 24-hour 2024",
                },
            )
        )
        rows.append(monitor_row(header, date, mean + 2, POC="1"))
    rows.append(
        monitor_row(header, f"{year}-07-04", 400.0, **{"Event Type": "Excluded"})
    )
    text = io.StringIO()
    writer = csv.writer(text, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"daily_88101_{year}.csv", text.getvalue())
    return buffer.getvalue()
