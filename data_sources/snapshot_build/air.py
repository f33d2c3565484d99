"""Air: Airparif, AirBase and the station exports for Paris; the EPA's files for
San Francisco.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from data_sources.model.observations import UGM3_PER_PPB
from data_sources.snapshot_build.common import (
    PARIS_TZ,
    PST,
    SF_TZ,
    Series,
    frame_of,
    local_start,
    read_input,
)

# ------------------------------------------------------------------ air

AIRPARIF_DAILY = "air/paris_pm25_pm10_no2_o3_daily_airparif_paris_centre_2011_2017.csv"
AIRPARIF_ANNUAL = (
    "air/paris_pm25_pm10_no2_o3_annual_airparif_paris_centre_2011_2017.csv"
)
AIRPARIF_INPUT = (
    "../shared/data/{} ← limegimlet/airparif airparif_centre_13_8_2017.csv "
    "@ 1e52cb0f1e890616b7e14ab37384efe555406ac8"
)
SF_DAILY = "air/sf_pm25_daily_epa_arkansas_st_060750005_2015_2024.csv"
SF_COUNTY = "air/sf_county_epa_annual_concentrations_1980_2022.csv"
SF_COUNTY_INPUT = (
    "../shared/data/{} ← tyleransom/public-county-data data/air-pollution/raw/"
    "conreport.csv @ 62ff967bcfcf56d474c07dc360e12f7335aa6cde"
)
AIRBASE_ANNUAL = "air/paris_no2_annual_airbase_FR04037_FR04012_1999_2012.csv"


# The station exports of 2017-2020 take over from this day (Paris local days).
STATION_EXPORTS_FROM = "2017-03-01"


def airparif_daily(data_dir: Path, pollutant: str, indicator: str) -> Series:
    daily = read_input(data_dir, AIRPARIF_DAILY)
    valid = daily[
        (daily[f"{pollutant}_valid_hours"] >= 18)
        & (daily["date"] < STATION_EXPORTS_FROM)
    ]
    return Series(
        indicator,
        "paris",
        "airparif",
        "daily",
        # Airparif exports are stamped in UTC, hour ending (SOURCES.md, 2026-12-01): this
        # file's days are UTC days, so each starts at UTC midnight (01:00 or 02:00 in
        # Paris).
        frame_of(local_start(valid["date"], "UTC"), valid[f"{pollutant}_mean_ugm3"]),
        f"Daily means of hourly {pollutant.upper()} at Airparif Paris Centre, kept on "
        "days with ≥ 18 valid hours, until 2017-02-28 (the station exports take over "
        "on 2017-03-01). Day = UTC calendar day, as the export groups hours (a Paris "
        "day runs 01:00-01:00, 02:00-02:00 in summer); time = UTC midnight.",
        [AIRPARIF_INPUT.format(AIRPARIF_DAILY)],
    )


def airparif_annual(
    data_dir: Path, pollutant: str, indicator: str, years=None
) -> Series:
    annual = read_input(data_dir, AIRPARIF_ANNUAL)
    rows = annual[(annual["pollutant"] == pollutant) & annual["full_calendar_year"]]
    if years is not None:
        rows = rows[rows["year"].isin(list(years))]
    return Series(
        indicator,
        "paris",
        "airparif",
        "annual",
        frame_of(local_start(rows["year"].astype(str), PARIS_TZ), rows["mean_ugm3"]),
        f"Annual mean of daily {pollutant} means (days with ≥ 18 valid hours) at "
        "Airparif Paris Centre; full calendar years only (2011 and 2017 are partial "
        "in the export and left out).",
        [AIRPARIF_INPUT.format(AIRPARIF_ANNUAL)],
    )


def sf_county_annual(
    data_dir: Path, column: str, indicator: str, factor: float = 1.0, note: str = ""
) -> Series:
    county = read_input(data_dir, SF_COUNTY, dtype=str)
    values = pd.to_numeric(county[column].replace(".", None)) * factor
    return Series(
        indicator,
        "sf",
        "epa_county_report",
        "annual",
        frame_of(local_start(county["Year"], SF_TZ), values),
        f"EPA county statistic '{column}' for San Francisco County (06075); '.' = no "
        f"data, left out.{note}",
        [SF_COUNTY_INPUT.format(SF_COUNTY)],
    )


STATION_DAILY = "air/paris_airparif_daily_means_background_stations_2017_2024.csv"
STATIONS_ANNUAL = "air/paris_air_annual_means_stations_long_2017_2025.csv"
STATION_EXPORTS_INPUT = (
    "../shared/data/{} ← krusty-is-cool/AirQuality-Lockdown airparif/20170301_20200511-"
    "*_auto.csv @ d23a229e615f3e2a513aa4de3ccd143b64c3c907 and Hu9o73/green_ai_project "
    "data/PA18_2018.csv … PA18_2024.csv @ 2fc0cddb55c7322ec0617afbe211664757eb7493 (derived "
    "by ../shared/data/scripts/build_paris_air.py)"
)
GEODAIR_INPUT = (
    "../shared/data/{} ← pasilvente/project_python_for_data_science_at_ENSAE_ZFE_ML_SCM "
    "Geod'air export 'Moy. journalière' @ 24608fdeffe18d09ac9ad655e5eea018c8ad1ff6"
)
# (station, first day, last day) in order: one background station at a time, each
# change a series break in the registry. A traffic station is never in these.
PM25_STATIONS = (("PA04C", None, None), ("PA01H", None, None), ("PA18", None, None))
O3_STATIONS = (("PA04C", None, "2019-09-22"), ("PA18", "2019-09-23", None))
STATION_NAMES = {
    "PA04C": "Paris Centre (PA04C)",
    "PA01H": "Paris 1er Les Halles (PA01H = FR04055)",
    "PA18": "Paris 18e (PA18)",
    "FR04055": "Paris 1er Les Halles (FR04055)",
    "FR04031": "Champs-Élysées (FR04031, traffic)",
}


def station_daily(
    data_dir: Path, pollutant: str, indicator: str, stations: tuple
) -> Series:
    """Daily means at one background station at a time (Paris local days)."""
    daily = read_input(data_dir, STATION_DAILY)
    rows = []
    for code, first, last in stations:
        mine = daily[
            (daily["station_code"] == code)
            & (daily["pollutant"] == pollutant)
            & (daily["valid_hours"] >= 18)
        ]
        if first:
            mine = mine[mine["date"] >= first]
        if last:
            mine = mine[mine["date"] <= last]
        rows.append(mine)
    kept = pd.concat(rows).sort_values("date")
    spans = "; ".join(
        f"{STATION_NAMES[code]} {part['date'].min()}..{part['date'].max()}"
        for code, part in zip((s[0] for s in stations), rows, strict=True)
        if not part.empty
    )
    return Series(
        indicator,
        "paris",
        "airparif_stations",
        "daily",
        frame_of(local_start(kept["date"], PARIS_TZ), kept["daily_mean_ugm3"]),
        f"Daily means of hourly {pollutant} (days with ≥ 18 valid hours) at one Airparif "
        f"urban background station at a time: {spans}. Each hour is assigned to the "
        "Paris local day it starts in (the exports are UTC, hour ending); day = Paris "
        "local calendar day, time = its start in UTC.",
        [STATION_EXPORTS_INPUT.format(STATION_DAILY)],
    )


def partial_year(row) -> dict | None:
    """An annual mean whose days start after mid-January or end before mid-December
    covers part of its year only (a season missing): said in both languages (never a
    starting point, never paired)."""
    year = str(row.year)
    if str(row.first_day) <= f"{year}-01-15" and str(row.last_day) >= f"{year}-12-15":
        return None
    return {
        "en": f"covers {row.first_day} to {row.last_day} only",
        "fr": f"ne couvre que du {row.first_day} au {row.last_day}",
    }


def station_annual(
    data_dir: Path,
    pollutant: str,
    indicator: str,
    picks: tuple[tuple[str, int, int], ...],
    source: str,
    inputs: str,
) -> Series:
    """Annual means of daily means (≥ 75 % of days valid) at the stations and years
    picked, each year that is not whole marked partial in row_sources."""
    annual = read_input(data_dir, STATIONS_ANNUAL)
    rows = []
    for code, first, last in picks:
        mine = annual[
            (annual["station_code"] == code)
            & (annual["pollutant"] == pollutant)
            & annual["meets_75pct_days"]
            & annual["year"].between(first, last)
        ]
        rows.append(mine)
    kept = pd.concat(rows).sort_values("year")
    facts = []
    for row in kept.itertuples():
        partial = partial_year(row)
        if partial:
            facts.append({"period": str(row.year), "partial": partial})
    spans = "; ".join(f"{STATION_NAMES[c]} {a}-{b}" for c, a, b in picks)
    return Series(
        indicator,
        "paris",
        source,
        "annual",
        frame_of(
            local_start(kept["year"].astype(str), PARIS_TZ), kept["annual_mean_ugm3"]
        ),
        f"Annual mean of daily {pollutant} means on years with ≥ 75 % of days valid, "
        f"at {spans}. Years whose days start after mid-January or end before "
        "mid-December are marked partial.",
        [inputs.format(STATIONS_ANNUAL)],
        facts,
    )


CBSA = "air/sf_oakland_cbsa_epa_air_quality_trends_by_city_2000_2023.csv"
SF_ANNUAL_STATION = "air/sf_pm25_annual_epa_arkansas_st_060750005_2015_2024.csv"


def build_air_since_2017(data_dir: Path) -> Iterator[Series]:
    """Paris air after 2017 (the background-station exports and Geod'air) and the SF
    comparators that reach as far (ADDITIONS of 2026-12-01 in SOURCES.md)."""
    yield from paris_since_2017(data_dir)
    yield from sf_since_2017(data_dir)


def paris_since_2017(data_dir: Path) -> Iterator[Series]:
    """Paris from 2017: the station exports (daily and annual) and AirBase's traffic station."""
    yield station_daily(data_dir, "PM2.5", "pm25", PM25_STATIONS)
    yield station_daily(data_dir, "O3", "o3", O3_STATIONS)
    exports = ("airparif_stations", STATION_EXPORTS_INPUT)
    yield station_annual(data_dir, "NO2", "no2", (("PA04C", 2017, 2018),), *exports)
    yield station_annual(
        data_dir, "NO2", "no2", (("FR04055", 2020, 2025),), "geodair", GEODAIR_INPUT
    )
    yield station_annual(
        data_dir,
        "NO2",
        "no2_roadside",
        (("FR04031", 2018, 2025),),
        "geodair",
        GEODAIR_INPUT,
    )
    yield station_annual(
        data_dir,
        "PM2.5",
        "pm25_annual",
        (("PA04C", 2017, 2018), ("PA18", 2022, 2024)),
        *exports,
    )
    yield station_annual(
        data_dir,
        "PM10",
        "pm10",
        (("PA04C", 2017, 2018), ("PA18", 2019, 2024)),
        *exports,
    )
    airbase = read_input(data_dir, AIRBASE_ANNUAL)
    traffic = airbase[airbase["station_code"] == "FR04012"]
    yield Series(
        "no2_roadside",
        "paris",
        "eea_airbase",
        "annual",
        frame_of(
            local_start(traffic["year"].astype(str), PARIS_TZ),
            traffic["no2_annual_mean_ugm3"],
        ),
        "Annual mean of daily NO2 means (days with ≥ 18 valid hours) at AirBase "
        "station FR04012 Paris Place Victor Basch (urban traffic), 1999-2012.",
        [
            f"../shared/data/{AIRBASE_ANNUAL} ← jorisvandenbossche/DS-python-data-analysis "
            "notebooks/data/FR04012… @ afaef8616738a83a2edf0a50db6cf41c70a99c6d"
        ],
    )


def sf_since_2017(data_dir: Path) -> Iterator[Series]:
    """San Francisco from 2017: the CBSA trends and the Arkansas Street station."""
    cbsa = read_input(data_dir, CBSA)
    no2 = cbsa[
        (cbsa["pollutant"] == "NO2")
        & (cbsa["trend_statistic"] == "Annual Mean")
        & (cbsa["year"] >= 2022)
    ]
    yield Series(
        "no2",
        "sf",
        "epa_air_trends",
        "annual",
        frame_of(
            local_start(no2["year"].astype(str), SF_TZ),
            no2["value"] * UGM3_PER_PPB["no2"],
        ),
        "EPA Air Quality Trends by City, CBSA 41860 San Francisco-Oakland-Hayward, NO2 "
        "Annual Mean (composite of the metro's trend sites), 2022-2023 only (the county "
        "statistic ends in 2021). Published in ppb; × 1.88 to µg/m³ (25 °C, 1 atm).",
        [
            f"../shared/data/{CBSA} ← aagh-jr/Cogs108_SP25 data/airquality.xlsx "
            "@ a2f8bab263c03cae941059bdf1f18af32d48adf5"
        ],
    )
    station = read_input(data_dir, SF_ANNUAL_STATION)
    recent = station[station["year"] >= 2022]
    yield Series(
        "pm25_annual",
        "sf",
        "epa_airdata",
        "annual",
        frame_of(local_start(recent["year"].astype(str), SF_TZ), recent["mean_ugm3"]),
        "Mean of the daily means at EPA monitor 06-075-0005 (Arkansas St), 2022-2024 "
        "only (the county statistic ends in 2021).",
        [
            f"../shared/data/{SF_ANNUAL_STATION} ← infowetrust/spiral data/air.json "
            "@ 8aa45f73ac6ee1d9ff43738aadad3ea09ea1e1ec"
        ],
    )


def build_air(data_dir: Path) -> Iterator[Series]:
    yield from until_2017(data_dir)
    yield from paris_no2_and_aqi(data_dir)


def until_2017(data_dir: Path) -> Iterator[Series]:
    """Airparif's daily and annual means to 2017, and the EPA's county annual values."""
    yield airparif_daily(data_dir, "pm25", "pm25")
    yield airparif_daily(data_dir, "o3", "o3")
    sf = read_input(data_dir, SF_DAILY)
    yield Series(
        "pm25",
        "sf",
        "epa_airdata",
        "daily",
        frame_of(local_start(sf["date"], PST), sf["pm25_daily_mean_ugm3"]),
        "EPA AirData daily arithmetic mean (1-hour samples), monitor 06-075-0005 POC 3; "
        "blank days (missing or < 18 hourly values) left out; negative values kept as "
        "published. Day = local standard time (PST) calendar day.",
        [
            f"../shared/data/{SF_DAILY} ← infowetrust/spiral data/air.json "
            "@ 8aa45f73ac6ee1d9ff43738aadad3ea09ea1e1ec"
        ],
    )
    yield airparif_annual(data_dir, "PM2.5", "pm25_annual")
    yield sf_county_annual(data_dir, "PM2.5 Weighted Mean 24-hr", "pm25_annual")
    yield airparif_annual(data_dir, "PM10", "pm10")
    yield sf_county_annual(data_dir, "PM10 Mean 24-hr", "pm10")


def paris_no2_and_aqi(data_dir: Path) -> Iterator[Series]:
    """Paris's NO₂ from AirBase's background stations."""
    airbase = read_input(data_dir, AIRBASE_ANNUAL)
    background = airbase[airbase["station_code"] == "FR04037"]
    yield Series(
        "no2",
        "paris",
        "eea_airbase",
        "annual",
        frame_of(
            local_start(background["year"].astype(str), PARIS_TZ),
            background["no2_annual_mean_ugm3"],
        ),
        "Annual mean of daily NO2 means (days with ≥ 18 valid hours) at AirBase station "
        "FR04037 PARIS 13eme (urban background), 1999-2012. The traffic station FR04012 "
        "in the same file is left out.",
        [
            f"../shared/data/{AIRBASE_ANNUAL} ← jorisvandenbossche/DS-python-data-analysis "
            "notebooks/data/FR04037… @ afaef8616738a83a2edf0a50db6cf41c70a99c6d"
        ],
    )
    # Paris Centre continues the background series after AirBase stops (2012).
    yield airparif_annual(data_dir, "NO2", "no2", years=range(2013, 2017))
    yield sf_county_annual(
        data_dir,
        "NO2 Mean 1-hr",
        "no2",
        factor=UGM3_PER_PPB["no2"],
        note=" Published in ppb; converted × 1.88 to µg/m³ (25 °C, 1 atm).",
    )

    # aqicn.org's daily sub-indices (air/paris_aqicn_daily_aqi_subindices_2013_2025.csv)
    # are not shipped: WAQI's terms say its data "can not be redistributed as cached or
    # archived data" (../shared/data/LICENCES.md, row 6).
