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


ANNUAL_HEADER = "annual_all_2014_old_layout_header_and_row.csv"
# San Francisco County's statistics for 2021 in EPA's county report (../shared/data):
# NO2 Mean 1-hr 8 ppb, PM10 Mean 24-hr 15 µg/m³.
COUNTY_2021 = {"42602": 8.0, "81102": 15.0}


def annual_row(header, year, parameter, mean, **changes) -> list[str]:
    row = dict.fromkeys(header, "")
    row.update(
        {
            "State Code": "06",
            "County Code": "075",
            "Site Num": "0005",
            "Parameter Code": parameter,
            "POC": "1",
            "Sample Duration": "1 HOUR" if parameter == "42602" else "24-HR BLK AVG",
            "Pollutant Standard": {
                "42602": "NO2 Annual 1971",
                "81102": "PM10 24-hour 2006",
            }[parameter],
            "Year": str(year),
            "Units of Measure": {
                "42602": "Parts per billion",
                "81102": "Micrograms/cubic meter (25 C)",
            }[parameter],
            "Event Type": "No Events",
            "Valid Day Count": "350",
            "Required Day Count": "365",
            "Arithmetic Mean": f"{mean:.6f}",
            "Local Site Name": "San Francisco - Arkansas Street",
            "County Name": "San Francisco",
        }
    )
    row.update(changes)
    return [row[name] for name in header]


def annual_zip(year: int, shared_data: Path, units: str | None = None) -> bytes:
    """annual_conc_by_monitor_<year>.zip, hand-made in the documented 54-column layout
    (the real 2014 header and its real Alabama row): the county's monitors carry the
    real 2021 county statistics (COUNTY_2021) and, around them, rows the adapter must
    leave out — the NO2 1-hour standard's mean of daily maxima, a higher monitor short
    of days, a lower one, PM10 with events excluded, a monitor in Alameda County.
    The other monitors' site numbers are made up for the test."""
    path = shared_data.parent / "api" / "epa_airdata_files" / ANNUAL_HEADER
    with open(path, encoding="utf-8") as handle:
        header, alabama = list(csv.reader(handle))
    no2, pm10 = COUNTY_2021["42602"], COUNTY_2021["81102"]
    rows = [
        alabama,
        annual_row(header, year, "42602", no2),
        annual_row(
            header, year, "42602", 30.0, **{"Pollutant Standard": "NO2 1-hour 2010"}
        ),
        annual_row(
            header,
            year,
            "42602",
            12.0,
            **{"Site Num": "9001", "Valid Day Count": "200"},
        ),
        annual_row(header, year, "42602", no2 - 1.5, **{"Site Num": "9002"}),
        annual_row(header, year, "42602", 20.0, **{"County Code": "001"}),
        annual_row(header, year, "81102", pm10, **{"Event Type": "Events Included"}),
        annual_row(
            header, year, "81102", pm10 + 5, **{"Event Type": "Events Excluded"}
        ),
        annual_row(
            header,
            year,
            "81102",
            pm10 + 5,
            **{"Event Type": "Concurred Events Excluded"},
        ),
    ]
    if units is not None:
        rows = [annual_row(header, year, "42602", no2, **{"Units of Measure": units})]
    text = io.StringIO()
    writer = csv.writer(text, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"annual_conc_by_monitor_{year}.csv", text.getvalue())
    return buffer.getvalue()
