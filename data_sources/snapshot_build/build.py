"""Build the shipped snapshot from the real files in ../shared/data.

`python -m data_sources build-snapshot ../shared/data` rewrites data_sources/snapshot/.
Each builder below reads one or more published files, keeps what fits an indicator
honestly, and says how in `derivation`. Every value comes from a file; nothing is typed in.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from data_sources.adapters import cdp_opendata
from data_sources.adapters.gbfs import capacities, parse_station_status
from data_sources.model.context import check_context, copy_context
from data_sources.model.periods import label_start
from data_sources.model.registries import SOURCES_BY_ID
from data_sources.model.units import (
    TONNES_PER_SHORT_TON,
    UGM3_PER_PPB,
    conversion_factor,
)
from data_sources.store.files import SNAPSHOT_DIR, write_series

# The date the files in ../shared/data were collected (SOURCES.md, first line).
COLLECTED = "2026-11-25"

PARIS_TZ = "Europe/Paris"
SF_TZ = "America/Los_Angeles"
# EPA "Date Local" is local standard time all year (no daylight saving).
PST = "Etc/GMT+8"


@dataclass
class Series:
    """One (indicator, city, source) series and the provenance that travels with it."""

    indicator: str
    city: str
    source: str
    freq: str
    frame: pd.DataFrame  # columns: time (UTC), value
    derivation: str
    inputs: list[str]
    row_sources: list[dict] = field(default_factory=list)
    edition: str | None = None  # the survey edition every row comes from, if one

    def tidy(self) -> pd.DataFrame:
        out = self.frame.loc[:, ["time", "value"]].copy()
        out["city"] = self.city
        out["indicator"] = self.indicator
        out["freq"] = self.freq
        out["source"] = self.source
        return out

    def provenance(self) -> dict:
        source = SOURCES_BY_ID[self.source]
        return {
            **source.attribution(),
            "fetched_at": COLLECTED,
            "origin": "snapshot",
            "status": "ok",
            "derivation": self.derivation,
            "inputs": self.inputs,
            "row_sources": self.row_sources,
            **({"edition": self.edition} if self.edition else {}),
        }


# ------------------------------------------------------------------ time helpers


def local_start(labels: pd.Series, tz: str) -> pd.Series:
    """Period labels ('2016', '2016-03', '2016-03-01') → UTC instant of the local start."""
    naive = label_start(labels.astype(str).str.strip())
    return naive.dt.tz_localize(tz).dt.tz_convert("UTC")


def frame_of(times: pd.Series, values: pd.Series) -> pd.DataFrame:
    out = pd.DataFrame({"time": times.to_numpy(), "value": pd.to_numeric(values)})
    return out.dropna(subset=["value"]).reset_index(drop=True)


def points(labels: list[str], values: list[float], tz: str) -> pd.DataFrame:
    """A few figures, each for a local period label ('2018', '2024-09')."""
    return frame_of(local_start(pd.Series(labels), tz), pd.Series(values, dtype=float))


def _read(data_dir: Path, relative: str, **kwargs) -> pd.DataFrame:
    return pd.read_csv(Path(data_dir) / relative, **kwargs)


# ------------------------------------------------------------------ page figures

FACTS_1 = "context/facts_from_pages.csv"
FACTS_2 = "context/annual_facts_from_pages_2.csv"
FACTS_INPUT = (
    "../shared/data/{} (figures quoted from the stored page named in each row;"
    " row_sources keeps each page address)"
)


# Survey scorecards name their edition on the page ("INRIX 2024 Global Traffic
# Scorecard", "TomTom Traffic Index 2018"); an edition may quote an earlier year.
EDITION = re.compile(r"(?:INRIX|Traffic Index) (\d{4})")


def page_figures(
    data_dir: Path,
    city_name: str,
    indicator_text: str,
    tz: str,
    *,
    years=None,
    editions: bool = False,
) -> tuple[pd.DataFrame, list[dict]]:
    """Rows of annual_facts_from_pages_2.csv whose indicator text matches exactly.

    editions: record in each row's source the survey edition its page names."""
    facts = _read(data_dir, FACTS_2)
    rows = facts[(facts["city"] == city_name) & (facts["indicator"] == indicator_text)]
    if years is not None:
        rows = rows[rows["year"].isin(list(years))]
    if rows.empty:
        raise ValueError(f"no page figure '{indicator_text}' for {city_name}")
    rows = rows.sort_values("year")
    frame = frame_of(local_start(rows["year"].astype(str), tz), rows["value"])
    sources = [
        {
            "period": str(r.year),
            "value": float(r.value),
            "url": r.source_url,
            "page": r.source_name,
            "note": r.note,
        }
        for r in rows.itertuples()
    ]
    if editions:
        for source in sources:
            named = EDITION.search(source["page"])
            if named:
                source["edition"] = named[1]
    return frame, sources


def page_fact_row(data_dir: Path, city_name: str, indicator_text: str) -> pd.Series:
    """The one row of facts_from_pages.csv with this indicator text."""
    facts = _read(data_dir, FACTS_1)
    rows = facts[(facts["city"] == city_name) & (facts["indicator"] == indicator_text)]
    if len(rows) != 1:
        raise ValueError(f"expected one '{indicator_text}' row for {city_name}")
    return rows.iloc[0]


def _fact_source(row: pd.Series, period: str, value: float) -> dict:
    return {
        "period": period,
        "value": value,
        "url": row["source_url"],
        "page": row["page_date_or_note"],
        "note": row["caveat"],
    }


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
AQICN = "air/paris_aqicn_daily_aqi_subindices_2013_2025.csv"


# The station exports of 2017-2020 take over from this day (Paris local days).
STATION_EXPORTS_FROM = "2017-03-01"


def airparif_daily(data_dir: Path, pollutant: str, indicator: str) -> Series:
    daily = _read(data_dir, AIRPARIF_DAILY)
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
    annual = _read(data_dir, AIRPARIF_ANNUAL)
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
    county = _read(data_dir, SF_COUNTY, dtype=str)
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
    daily = _read(data_dir, STATION_DAILY)
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
    annual = _read(data_dir, STATIONS_ANNUAL)
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
    airbase = _read(data_dir, AIRBASE_ANNUAL)
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
    cbsa = _read(data_dir, CBSA)
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
    station = _read(data_dir, SF_ANNUAL_STATION)
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
    yield airparif_daily(data_dir, "pm25", "pm25")
    yield airparif_daily(data_dir, "o3", "o3")
    sf = _read(data_dir, SF_DAILY)
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

    airbase = _read(data_dir, AIRBASE_ANNUAL)
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

    aqi = _read(data_dir, AQICN)
    yield Series(
        "aqi_pm25_subindex",
        "paris",
        "waqi",
        "daily",
        frame_of(local_start(aqi["date"], PARIS_TZ), aqi["pm25"]),
        "aqicn.org daily PM2.5 sub-index (US EPA AQI scale), an index and not a "
        "concentration; blank days left out.",
        [
            f"../shared/data/{AQICN} ← aiMBF/air_quality_project data/paris-air-quality.csv "
            "@ aa9a5c10d5c44bfdf991db032abeecbaa7aca5d6"
        ],
    )


# ------------------------------------------------------------------ mobility

GBFS_SAMPLES = {
    "paris": (
        "gbfs_paris",
        "mobility/gbfs_samples/velib_station_{}_2025-10-18.json",
        "dariusbengo/Velib station_{}.json @ aebb7ccba3e0893636f0a77ae4edbb90c2744779",
    ),
    "sf": (
        "gbfs_sf",
        "mobility/gbfs_samples/baywheels_station_{}_2023-07-19.json",
        "terinjokes/baywheels-history station_{}.json "
        "@ b409260cc6a4a38b5d9c5336e32f132d1d8b71ac",
    ),
}


def build_mobility(data_dir: Path) -> Iterator[Series]:
    for city_id, (source_id, pattern, upstream) in GBFS_SAMPLES.items():
        feeds = {}
        for feed in ("information", "status"):
            with open(
                Path(data_dir) / pattern.format(feed), encoding="utf-8"
            ) as handle:
                feeds[feed] = json.load(handle)
        gbfs_points = parse_station_status(
            feeds["status"], city_id, source_id, capacities(feeds["information"])
        )
        for point in gbfs_points.itertuples():
            yield Series(
                point.indicator,
                city_id,
                source_id,
                "instant",
                pd.DataFrame({"time": [point.time], "value": [point.value]}),
                "One real GBFS snapshot: station_status summed over stations that are "
                "installed and renting (capacities from station_information); time = "
                "the feed's own last-updated stamp.",
                [
                    f"../shared/data/{pattern.format(feed)} ← {upstream.format(feed)}"
                    for feed in ("information", "status")
                ],
            )

    monthly = _read(data_dir, "mobility/sf_baywheels_monthly_trips_2017_2026.csv")
    yield Series(
        "bikeshare_trips",
        "sf",
        "baywheels_trips",
        "monthly",
        frame_of(local_start(monthly["year_month"], SF_TZ), monthly["total_trips"]),
        "Monthly total_trips as aggregated from Lyft's trip files (trips without a start "
        "time or start coordinates dropped). 2017-06 is the system's first, partial "
        "month.",
        [
            "../shared/data/mobility/sf_baywheels_monthly_trips_2017_2026.csv ← "
            "joshgunter/bay-wheels-explorer index.html @ e8ad389dd8776b8941c2430a59d24877f77e31d8"
        ],
    )

    sept_2020, sources_2020 = page_figures(
        data_dir, "Paris", "Vélib monthly trips (courses), September", PARIS_TZ
    )
    sept_2020["time"] = local_start(pd.Series(["2020-09"]), PARIS_TZ)
    sources_2020[0]["period"] = "2020-09"
    row_2024 = page_fact_row(data_dir, "Paris", "Velib trips per month")
    assert row_2024["period"] == "2024-09", row_2024["period"]
    sept_2024 = points(["2024-09"], [float(row_2024["value"])], PARIS_TZ)
    yield Series(
        "bikeshare_trips",
        "paris",
        "page_figures",
        "monthly",
        pd.concat([sept_2020, sept_2024], ignore_index=True),
        "Vélib' Métropole trips in September 2020 and September 2024, as announced in "
        "press releases; whole network. No monthly series is published.",
        [FACTS_INPUT.format(FACTS_2), FACTS_INPUT.format(FACTS_1)],
        sources_2020 + [_fact_source(row_2024, "2024-09", float(row_2024["value"]))],
    )

    metro, metro_sources = page_figures(
        data_dir, "Paris", "Paris Métro annual ridership (voyages)", PARIS_TZ
    )
    yield Series(
        "transit_ridership",
        "paris",
        "page_figures",
        "annual",
        metro,
        "Paris Métro annual voyages 2021-2024 as quoted on public pages.",
        [FACTS_INPUT.format(FACTS_2)],
        metro_sources,
    )
    muni, muni_sources = page_figures(
        data_dir,
        "San Francisco",
        "Muni annual ridership (passenger trips / boardings)",
        SF_TZ,
    )
    yield Series(
        "transit_ridership",
        "sf",
        "page_figures",
        "annual",
        muni,
        "SFMTA Muni calendar-year ridership (boardings) 2023-2024 as quoted on public "
        "pages.",
        [FACTS_INPUT.format(FACTS_2)],
        muni_sources,
    )

    counters = _read(data_dir, "mobility/paris_bike_counters_daily_total_2020.csv")
    yield Series(
        "bike_counts",
        "paris",
        "paris_bike_counters",
        "daily",
        frame_of(local_start(counters["date"], PARIS_TZ), counters["total_count"]),
        "Sum over the 40 counting sites of each day's count (n_sites = 40 every day).",
        [
            "../shared/data/mobility/paris_bike_counters_daily_total_2020.csv ← "
            "jwoLondon/tripParisVis data/paris/StationDailyTimeSeriesCounters.csv "
            "@ 6b09bf0d5fca014193c7ab64b74b12c690f5927d"
        ],
    )


# ------------------------------------------------------------------ energy

CEC_2022 = "energy/sf_county_cec_ecdms_electricity_gwh_by_sector_2000_2022.csv"
CEC_2019 = "energy/sf_county_cec_ecdms_electricity_gwh_by_sector_1990_2019.csv"
CEC_GAS = "energy/sf_county_cec_ecdms_gas_mtherms_by_sector_1990_2020.csv"


def build_energy(data_dir: Path) -> Iterator[Series]:
    recent = _read(data_dir, CEC_2022)
    older = _read(data_dir, CEC_2019)
    total = pd.concat(
        [
            older[(older["sector"] == "Total") & (older["year"] < 2000)],
            recent[recent["sector"] == "Total"],
        ]
    )
    yield Series(
        "electricity_consumption",
        "sf",
        "cec_ecdms",
        "annual",
        frame_of(
            local_start(total["year"].astype(str), SF_TZ), total["consumption_gwh"]
        ),
        "CEC ECDMS 'Total' for San Francisco County: 2000-2022 from the later export, "
        "1990-1999 from the 2021-04-21 export (CEC revised past years slightly between "
        "exports).",
        [
            f"../shared/data/{CEC_2022} ← aagh-jr/Cogs108_SP25 data/ElectricityByCounty.csv "
            "@ a2f8bab263c03cae941059bdf1f18af32d48adf5",
            f"../shared/data/{CEC_2019} ← BAAQMD/ECDMS data-raw/CEC/ECDMS/2021-04-21/"
            "ElectricityByCounty.csv @ ca2814f64248cdab47536ab04597a9df6410a07d",
        ],
    )
    paris = _read(data_dir, "energy/paris_dept75_odre_electricity_total_mwh_2022.csv")
    yield Series(
        "electricity_consumption",
        "paris",
        "odre_conso_departement",
        "annual",
        frame_of(
            local_start(paris["year"].astype(str), PARIS_TZ),
            paris["electricity_consumption_total_mwh"]
            * conversion_factor("MWh", "GWh"),
        ),
        "Consommation électricité totale of département 75 (= commune of Paris), all "
        "operators, MWh ÷ 1000.",
        [
            "../shared/data/energy/paris_dept75_odre_electricity_total_mwh_2022.csv ← "
            "piterre/TIPE conso-departement-annuelle.csv "
            "@ a6e8c3d1a1b4e8a1cce865cf8b3da5684ef55b2d"
        ],
    )

    eco2mix = _read(
        data_dir,
        "energy/paris_region_idf_and_france_rte_eco2mix_monthly_energy_gwh_2012_2021.csv",
    )
    idf = eco2mix[
        (eco2mix["Territoire"] == "Ile-de-France")
        & (eco2mix["Consommation totale"] > 0)
    ]
    yield Series(
        "electricity_monthly",
        "paris",
        "rte_eco2mix",
        "monthly",
        frame_of(local_start(idf["Mois"], PARIS_TZ), idf["Consommation totale"]),
        "RTE éCO2mix monthly 'Consommation totale' for the Île-de-France region (GWh). "
        "All of 2013 is published as 0 and is left out as missing.",
        [
            "../shared/data/energy/paris_region_idf_and_france_rte_eco2mix_monthly_energy_"
            "gwh_2012_2021.csv ← AzzouzCherif/Temporal-Series-electricity-forecast- "
            "conso_elec.csv @ 1afa96f65f8470aa265e12b29d65344419796ad5"
        ],
    )
    pge = _read(
        data_dir, "energy/sf_pge_electricity_monthly_citytotal_by_class_2017_2023.csv"
    )
    res_com = pge[pge["CUSTOMERCLASS"].isin(["Elec- Residential", "Elec- Commercial"])]
    by_month = res_com.groupby(["YEAR", "MONTH"], as_index=False)["total_kwh"].sum()
    labels = (
        by_month["YEAR"].astype(str) + "-" + by_month["MONTH"].astype(str).str.zfill(2)
    )
    yield Series(
        "electricity_monthly",
        "sf",
        "pge_energy_data",
        "monthly",
        frame_of(
            local_start(labels, SF_TZ),
            by_month["total_kwh"] * conversion_factor("kWh", "GWh"),
        ),
        "Residential + Commercial kWh summed over 27 SF ZIP codes per month, ÷ 10⁶. "
        "The Industrial class is left out (masked or combined, erratic). PG&E "
        "deliveries only; 2021-07..2022-12 is missing in the source.",
        [
            "../shared/data/energy/sf_pge_electricity_monthly_citytotal_by_class_2017_2023.csv"
            " ← spencer-in-github/spencerzhang-218x.github.io pge/ and "
            "slacgismo/industrial_energy_consumption @ 7b3c3fff65c2f940461ca3e7122c0db9e62a1d98"
        ],
    )

    gas = _read(data_dir, CEC_GAS)
    gas_total = gas[gas["sector"] == "Total"]
    yield Series(
        "gas_consumption",
        "sf",
        "cec_ecdms",
        "annual",
        frame_of(
            local_start(gas_total["year"].astype(str), SF_TZ),
            gas_total["consumption_mtherms"] * conversion_factor("Mtherm", "GWh"),
        ),
        "CEC ECDMS 'Total' natural gas for San Francisco County in millions of therms, "
        "× 29.3071 to GWh. 1990-2019 and 2020 come from two export vintages.",
        [
            f"../shared/data/{CEC_GAS} ← BAAQMD/ECDMS GasByCounty.csv "
            "@ ca2814f64248cdab47536ab04597a9df6410a07d and Zuang99/Gas-Dataset "
            "GasByCounty.csv @ 439b7420a69609c6ce78ca063a4acf5631070aa3"
        ],
    )


ORE_TOTAL = "energy/paris_dept75_ore_electricity_gas_total_annual_2011_2021.csv"
ORE_INPUT = (
    "../shared/data/{} ← Yaa89ps/Data-analysis conso-elec-gaz-annuelle-par-secteur-"
    "dactivite-agregee-departement.csv @ 87224e2c518d265829f4c3458daa673c140f6406"
)


def build_energy_by_city(data_dir: Path) -> Iterator[Series]:
    """Paris (département 75 = the city) electricity and gas, all operators, from
    Agence ORE (ADDITIONS of 2026-12-01)."""
    totals = _read(data_dir, ORE_TOTAL)
    electricity = totals[(totals["energy"] == "electricity") & (totals["year"] >= 2012)]
    yield Series(
        "electricity_consumption",
        "paris",
        "agence_ore",
        "annual",
        frame_of(
            local_start(electricity["year"].astype(str), PARIS_TZ),
            electricity["total_mwh_all_operators"] * conversion_factor("MWh", "GWh"),
        ),
        "Sum over all operators (Enedis, RTE, Gazelec de Péronne) of the annual "
        "electricity delivered in département 75, MWh ÷ 1000, 2012-2021. 2011 is left "
        "out: it has no RTE (transmission-connected) row, so it would count Enedis "
        "customers only. Totals, not sectors (the sector split changes in 2018).",
        [ORE_INPUT.format(ORE_TOTAL)],
    )
    gas = totals[totals["energy"] == "gas"]
    yield Series(
        "gas_consumption",
        "paris",
        "agence_ore",
        "annual",
        frame_of(
            local_start(gas["year"].astype(str), PARIS_TZ),
            gas["total_mwh_all_operators"] * conversion_factor("MWh", "GWh"),
        ),
        "Sum over all operators (GRDF, GRTgaz) of the annual natural gas delivered in "
        "département 75, MWh ÷ 1000, 2011-2021 (as published by Agence ORE; PCS or PCI "
        "basis not stated). Not weather-corrected.",
        [ORE_INPUT.format(ORE_TOTAL)],
    )


# ------------------------------------------------------------------ climate

C40_SUMMARY = "ghg/paris_sf_c40_gpc_inventory_summary.csv"
C40_INPUT = (
    "../shared/data/{} ← Open-Earth-Foundation/ClimateTRACE_C40 data/raw/"
    "C40_GPC_Database.xlsx @ 356c31e28be89b3edbcb25f3aaa87984e7ad0f77 (sheet 'GHG "
    "Dashboard Data - Inventory')"
)
# indicator → the C40 summary column it reads
C40_COLUMNS = {
    "ghg_basic": "basic_tco2e",
    "ghg_stationary": "basic_stationary_tco2e",
    "ghg_transport": "basic_transport_tco2e",
    "ghg_waste": "basic_waste_tco2e",
}
SF_GHG = "ghg/sf_datasf_communitywide_ghg_by_sector_1990_2019.csv"
CDP = "ghg/paris_sf_cdp_citywide_ghg_emissions_reported_2012_2020.csv"


def build_climate(data_dir: Path) -> Iterator[Series]:
    """GHG inventories: C40's GPC BASIC for both cities (one source per chart), and San
    Francisco's own community-wide inventory."""
    c40 = _read(data_dir, C40_SUMMARY)
    for indicator, column in C40_COLUMNS.items():
        for city_id, name, tz in (
            ("paris", "Paris", PARIS_TZ),
            ("sf", "San Francisco", SF_TZ),
        ):
            rows = c40[c40["city"] == name].sort_values("inventory_year")
            levels = ", ".join(
                f"{r.inventory_year} {r.reporting_level}" for r in rows.itertuples()
            )
            yield Series(
                indicator,
                city_id,
                "c40_gpc",
                "annual",
                frame_of(
                    local_start(rows["inventory_year"].astype(str), tz), rows[column]
                ),
                f"C40 GHG Interactive Dashboard data (version 30.05.2023), column "
                f"'{column}' of the city's GPC inventories as reported through CDP "
                f"({levels}); the BASIC figure exists for every year.",
                [C40_INPUT.format(C40_SUMMARY)],
            )
    yield from build_cdp(data_dir)
    sf = _read(data_dir, SF_GHG)
    total = sf[sf["sector_general"] == "Total (sum of all sectors)"]
    yield Series(
        "ghg_sf_inventory",
        "sf",
        "datasf_ghg",
        "annual",
        frame_of(
            local_start(total["year"].astype(str), SF_TZ), total["emissions_tco2e"]
        ),
        "San Francisco Communitywide Greenhouse Gas Inventory (DataSF btm4-e4ak, export "
        "of Aug 2022): sum of Emissions_mtCO2e over all sectors per inventory year "
        "(biogenic emissions not included).",
        [
            f"../shared/data/{SF_GHG} ← aksandhu23/eds221-day8-activities data/"
            "San_Francisco_Communitywide_Greenhouse_Gas_Inventory.csv "
            "@ b9a7473f3c87098aeaa3a8c78ccd77fa9f266e5b"
        ],
    )


def build_cdp(data_dir: Path) -> Iterator[Series]:
    """What each city reported to CDP: scope 1 + scope 2 per inventory year, the
    newest reporting cycle's figure — the live `cdp_opendata` adapter's rule
    (`scope_1_2`, `newest_figures`), applied to the harmonised file."""
    cdp = _read(data_dir, CDP, dtype=str)
    names = {"Paris": "paris", "San Francisco": "sf"}
    reported = pd.DataFrame(
        {
            "city": cdp["city"].map(names),
            "cycle": cdp["cdp_reporting_year"].astype(int),
            "year": [
                cdp_opendata.year_in(y) for y in cdp["accounting_or_measurement_year"]
            ],
            "value": [
                cdp_opendata.scope_1_2(*parts)
                for parts in cdp[
                    [
                        "scope1_tco2e",
                        "scope2_tco2e",
                        "direct_excl_grid_generation_tco2e",
                        "indirect_grid_energy_tco2e",
                    ]
                ].itertuples(index=False)
            ],
        }
    ).dropna()  # (rows without both figures or a year)
    figures = cdp_opendata.newest_figures(reported.astype({"year": int}))
    for city_id, tz in (("paris", PARIS_TZ), ("sf", SF_TZ)):
        rows = figures[figures["city"] == city_id]
        cycles = ", ".join(f"{r.year} (reported {r.cycle})" for r in rows.itertuples())
        yield Series(
            "ghg_cdp",
            city_id,
            "cdp_opendata",
            "annual",
            frame_of(local_start(rows["year"].astype(str), tz), rows["value"]),
            "CDP Open Data Portal, city-wide emissions as each city reported them: "
            "scope 1 + scope 2 (from the 2020 questionnaire: direct emissions "
            "excluding the generation of grid-supplied energy + indirect emissions "
            "from grid-supplied energy) per inventory year, the newest reporting "
            f"cycle's figure: {cycles}. Cycles without both figures are left out.",
            [
                f"../shared/data/{CDP} ← OpenGeoScales/ogs-data-exploration "
                "data/ghg-emissions/cdp/*.csv @ a5bbc598c9d24471024de15721d14cb121cbb690, "
                "961bf93708b7768ba16f6eb8f935bd00836f65fe, "
                "a206e9dffab64061e941216389de0b8ebfae0389"
            ],
        )


# ------------------------------------------------------------------ transit

RATP = "mobility/paris_ratp_annual_entries_by_network_2013_2021.csv"
NTD = "mobility/sf_muni_ntd_annual_unlinked_passenger_trips_1991_2023.csv"


def build_transit(data_dir: Path) -> Iterator[Series]:
    """Rail entries at Paris's stations beside Muni's boardings: different counts,
    compared as trends only."""
    ratp = _read(data_dir, RATP)
    paris = (
        ratp[ratp["scope"] == "paris_city"]
        .groupby("year", as_index=False)["annual_entries"]
        .sum()
    )
    yield Series(
        "transit_annual",
        "paris",
        "ratp_trafic",
        "annual",
        frame_of(
            local_start(paris["year"].astype(str), PARIS_TZ), paris["annual_entries"]
        ),
        "RATP 'Trafic annuel entrant par station du réseau ferré': entries at the Métro "
        "and RER stations located in Paris (Ville = Paris), summed per calendar year. "
        "Entries, not trips: a transfer inside the network is not counted.",
        [
            f"../shared/data/{RATP} ← Flavien-Galbez/Open_data_Trafic_RATP Data/trafic-"
            "annuel-entrant-par-station-du-reseau-ferre-{2013..2021}.csv "
            "@ 71b5cad9c0334fd40aa87d5795bd0b8de7e6a3b5"
        ],
    )
    # The note column holds an unquoted comma: read the four data columns by position.
    ntd = _read(data_dir, NTD, usecols=[0, 1, 2, 3], index_col=False)
    muni = ntd[ntd["ntd_id"] == 90015]
    yield Series(
        "transit_annual",
        "sf",
        "ntd",
        "annual",
        frame_of(
            local_start(muni["ntd_report_year"].astype(str), SF_TZ),
            muni["unlinked_passenger_trips"],
        ),
        "National Transit Database TS2.2, SFMTA Muni (NTD ID 90015), all modes: unlinked "
        "passenger trips (boardings) per NTD report year. A report year is SFMTA's "
        "fiscal year ending in June of that year (2023 = July 2022-June 2023), placed "
        "on the year it ends.",
        [
            f"../shared/data/{NTD} ← lodubay/transit-ridership data/UPT.csv "
            "@ 6f33723e20e0ddb0cc06bedd6cd9250b1d2ded57"
        ],
    )


# ------------------------------------------------------------------ waste

WASTE_SF = "waste/sf_calrecycle_disposal_tons_annual_1995_2023.csv"
RECYCLED_SHARE = re.compile(r"recycled [\d ]+ t \((\d+(?:\.\d+)?)%\)")


def build_waste(data_dir: Path) -> Iterator[Series]:
    collected = page_fact_row(
        data_dir, "Paris", "total household and assimilated waste collected"
    )
    year = str(collected["period"])
    yield Series(
        "waste_collected",
        "paris",
        "page_figures",
        "annual",
        points([year], [float(collected["value"])], PARIS_TZ),
        "Household and assimilated waste collected in Paris in 2018 (tonnes), from the "
        "Ville de Paris annual report on waste services.",
        [FACTS_INPUT.format(FACTS_1)],
        [_fact_source(collected, year, float(collected["value"]))],
    )

    sf = _read(data_dir, WASTE_SF)
    drs = sf[(sf["system"] == "DRS") & (sf["year"] <= 2019)]
    rdrs = sf[(sf["system"] == "RDRS") & (sf["year"] >= 2020)]
    tons = pd.concat([drs["disposal_tons"], rdrs["landfill_plus_transformation_tons"]])
    years = pd.concat([drs["year"], rdrs["year"]]).astype(str)
    yield Series(
        "waste_collected",
        "sf",
        "calrecycle",
        "annual",
        frame_of(local_start(years, SF_TZ), tons * conversion_factor("short ton", "t")),
        "CalRecycle disposal by jurisdiction of origin, San Francisco: DRS annual "
        "disposal tons 1995-2019, then RDRS landfill + transformation 2020-2023 (series "
        f"break). US short tons × {TONNES_PER_SHORT_TON} to tonnes.",
        [
            f"../shared/data/{WASTE_SF} ← emthomas112/ca-mfa-ucsb-tnc CalRecycle DRS/RDRS "
            "xlsx @ c67720888160d4ce92a0e69bc322a0de4ae6ee52"
        ],
    )

    rate_2014, sources_2014 = page_figures(
        data_dir, "Paris", "recycling rate of household and similar waste", PARIS_TZ
    )
    share = RECYCLED_SHARE.search(collected["caveat"])
    if share is None:
        raise ValueError("the 2018 Paris waste row no longer gives a recycled share")
    rate_2018 = points([year], [float(share.group(1))], PARIS_TZ)
    yield Series(
        "recycling_rate",
        "paris",
        "page_figures",
        "annual",
        pd.concat([rate_2014, rate_2018], ignore_index=True),
        "Recycling rate of household waste: 2014 from the Cour des comptes as quoted; "
        "2018 = the recycled share given in the Ville de Paris 2018 report.",
        [FACTS_INPUT.format(FACTS_2), FACTS_INPUT.format(FACTS_1)],
        sources_2014 + [_fact_source(collected, year, float(share.group(1)))],
    )
    recology = _read(data_dir, "waste/sf_recology_2017_recycling_tonnage_diversion.csv")
    yield Series(
        "recycling_rate",
        "sf",
        "recology_report",
        "annual",
        frame_of(local_start(pd.Series(["2017"]), SF_TZ), recology["diversion_Rate"]),
        "Diversion rate of the Recology annual report for rate year 2017 (includes "
        "construction and demolition and other streams).",
        [
            "../shared/data/waste/sf_recology_2017_recycling_tonnage_diversion.csv ← "
            "jamie-ramos/municipal_recycling 2017_raw.csv "
            "@ 2b11f8e429f711c731d02dc9fdee00ca1fb5e673"
        ],
    )


# ------------------------------------------------------------------ traffic

INRIX_FILE = "traffic/paris_sf_inrix_global_traffic_scorecard_2018.csv"
ROAD_SAFETY_PAGES = "traffic/paris_road_safety_page_figures_2007_2024.csv"


def build_traffic(data_dir: Path) -> Iterator[Series]:
    onisr = _read(
        data_dir, "traffic/paris_dept75_onisr_road_deaths_annual_2017_2022.csv"
    )
    complete = onisr[onisr["complete_year"]]
    yield Series(
        "road_deaths",
        "paris",
        "onisr_barometre",
        "annual",
        frame_of(
            local_start(complete["year"].astype(str), PARIS_TZ), complete["road_deaths"]
        ),
        "Sum of monthly ONISR road deaths (within 30 days) for département 75; complete "
        "years only (2022 lacks December and is left out). 2020 monthly data were not "
        "yet consolidated when published.",
        [
            "../shared/data/traffic/paris_dept75_onisr_road_deaths_annual_2017_2022.csv ← "
            "etalab/barometre-resultats-donnees "
            "@ 1ebaef31ac4c10f2c7a139f2cfbd9a791c1fe589"
        ],
    )
    # 2000-2001 used a 6-day definition (before 2005): left out.
    early, early_sources = page_figures(
        data_dir,
        "Paris",
        "road traffic deaths (tués), Paris",
        PARIS_TZ,
        years=(2005, 2010, 2011, 2012, 2013),
    )
    safety = _read(data_dir, ROAD_SAFETY_PAGES)
    # Death counts only: the 2024 row counts the killed *or seriously injured*.
    deaths = safety[
        (safety["city"] == "Paris") & safety["indicator"].str.startswith("road deaths")
    ].sort_values("year")
    later = points(
        deaths["year"].astype(str).tolist(),
        deaths["value"].astype(float).tolist(),
        PARIS_TZ,
    )
    later_sources = [
        {
            "period": str(r.year),
            "value": float(r.value),
            "url": r.source_url,
            "page": r.source_name,
            "note": r.note if isinstance(r.note, str) else r.quote,
        }
        for r in deaths.itertuples()
    ]
    both = pd.concat([early, later], ignore_index=True)
    order = both["time"].argsort().to_numpy()
    sources = [(early_sources + later_sources)[i] for i in order]
    yield Series(
        "road_deaths",
        "paris",
        "page_figures",
        "annual",
        both.iloc[order].reset_index(drop=True),
        "Préfecture de police figures quoted in the press for 2005 and 2007-2013 (2012 "
        "and 2013 provisional; 2000-2001, on a 6-day definition, left out), and 2023 "
        "as relayed from the ONISR 2023 map (second-hand; whether it includes the "
        "boulevard périphérique is not stated). Each row keeps its page address.",
        [FACTS_INPUT.format(FACTS_2), FACTS_INPUT.format(ROAD_SAFETY_PAGES)],
        sources,
    )
    vision_zero = _read(
        data_dir, "traffic/sf_vision_zero_traffic_fatalities_by_year_mode_2014_2025.csv"
    )
    totals = vision_zero[vision_zero["victim_mode"] == "All"]
    yield Series(
        "road_deaths",
        "sf",
        "sf_vision_zero",
        "annual",
        frame_of(local_start(totals["year"].astype(str), SF_TZ), totals["fatalities"]),
        "Persons killed per collision year, all road-user types (count of DataSF "
        "records); 2025 provisional (data as of 2026-01-06).",
        [
            "../shared/data/traffic/sf_vision_zero_traffic_fatalities_by_year_mode_2014_2025"
            ".csv ← rfaleiro/SF-Traffic-Crashes-Victims-Involved "
            "@ c743a29d1e98598ccf6195776a94caa966148c8f"
        ],
    )
    citylab = _read(
        data_dir, "traffic/sf_citylab_vision_zero_fatalities_by_mode_2010_2018.csv"
    )
    early_sf = (
        citylab[citylab["year"] < 2014]
        .groupby("year", as_index=False)["fatalities"]
        .sum()
    )
    yield Series(
        "road_deaths",
        "sf",
        "citylab_vision_zero",
        "annual",
        frame_of(
            local_start(early_sf["year"].astype(str), SF_TZ), early_sf["fatalities"]
        ),
        "Sum of pedestrians, motorists and cyclists killed, 2010-2013 only (later years "
        "come from the current DataSF file).",
        [
            "../shared/data/traffic/sf_citylab_vision_zero_fatalities_by_mode_2010_2018.csv "
            "← theatlantic/citylab-data @ e495fc9ee38fdb785073041528c432db548d68d0"
        ],
    )

    inrix = _read(data_dir, INRIX_FILE)
    for city_id, city_name, tz, row_name, later in (
        ("paris", "Paris", PARIS_TZ, "paris", (2021, 2022, 2023, 2024)),
        ("sf", "San Francisco", SF_TZ, "san francisco, ca", (2023,)),
    ):
        hours = float(
            inrix.loc[inrix["city_name"] == row_name, "hours_congestion"]
            .iloc[0]
            .split(" ")[0]
        )
        yield Series(
            "congestion_hours",
            city_id,
            "inrix_scorecard",
            "annual",
            points(["2018"], [hours], tz),
            "INRIX 2018 scorecard 'hours_congestion' (the number before the rank).",
            [
                f"../shared/data/{INRIX_FILE} ← ruathudo/network-analysis-uoh "
                "data/scoreboard-traffic.csv @ 27fa80095fe8f4a6f539fd05f9d635650971f421"
            ],
            edition="2018",
        )
        peak, peak_sources = page_figures(
            data_dir,
            city_name,
            "INRIX peak hours spent in congestion per driver",
            tz,
            editions=True,
        )
        lost, lost_sources = page_figures(
            data_dir,
            city_name,
            "INRIX hours lost in congestion per driver",
            tz,
            years=later,
            editions=True,
        )
        yield Series(
            "congestion_hours",
            city_id,
            "page_figures",
            "annual",
            pd.concat([peak, lost], ignore_index=True),
            "INRIX scorecard figures quoted on pages: 2016-2017 'peak hours spent in "
            "congestion', later years 'hours lost'. Each year is its own edition.",
            [FACTS_INPUT.format(FACTS_2)],
            peak_sources + lost_sources,
        )
        level, level_sources = page_figures(
            data_dir,
            city_name,
            "TomTom Traffic Index congestion level",
            tz,
            editions=True,
        )
        yield Series(
            "congestion_level",
            city_id,
            "page_figures",
            "annual",
            level,
            "TomTom Traffic Index congestion level (% extra travel time) quoted on pages.",
            [FACTS_INPUT.format(FACTS_2)],
            level_sources,
        )


# ------------------------------------------------------------------ context


def build_population(data_dir: Path) -> Iterator[Series]:
    paris, paris_sources = page_figures(
        data_dir, "Paris", "population municipale légale (1 Jan)", PARIS_TZ
    )
    yield Series(
        "population",
        "paris",
        "page_figures",
        "annual",
        paris,
        "INSEE populations municipales légales (1 January) as quoted on pages.",
        [FACTS_INPUT.format(FACTS_2)],
        paris_sources,
    )
    census = _read(
        data_dir, "context/sf_county_census_population_estimates_2000_2019.csv"
    )
    estimates = census[census["estimate_type"].str.startswith("POPESTIMATE")]
    yield Series(
        "population",
        "sf",
        "census_popest",
        "annual",
        frame_of(
            local_start(estimates["year"].astype(str), SF_TZ), estimates["population"]
        ),
        "US Census Bureau 1 July estimates (POPESTIMATEyyyy rows; Vintage 2009 for "
        "2000-2009, Vintage 2019 for 2010-2019).",
        [
            "../shared/data/context/sf_county_census_population_estimates_2000_2019.csv ← "
            "IMMM-SFA/tell inputs/Observed_Population/Raw_Data "
            "@ 36db7d9f28f8b9571f614c1a85a075342788a01c"
        ],
    )
    census_2020 = page_fact_row(
        data_dir, "San Francisco", "population (city and county)"
    )
    estimate_2022 = page_fact_row(data_dir, "San Francisco", "population estimate")
    estimate_2024, sources_2024 = page_figures(
        data_dir, "San Francisco", "population estimate (city and county)", SF_TZ
    )
    later = points(
        ["2020", "2022"],
        [float(census_2020["value"]), float(estimate_2022["value"])],
        SF_TZ,
    )
    yield Series(
        "population",
        "sf",
        "page_figures",
        "annual",
        pd.concat([later, estimate_2024], ignore_index=True),
        "2020 census count, 2022 and 2024 Census estimates as quoted on pages.",
        [FACTS_INPUT.format(FACTS_1), FACTS_INPUT.format(FACTS_2)],
        [
            _fact_source(census_2020, "2020", float(census_2020["value"])),
            _fact_source(estimate_2022, "2022", float(estimate_2022["value"])),
        ]
        + sources_2024,
    )


BUILDERS: tuple[Callable[[Path], Iterator[Series]], ...] = (
    build_air,
    build_air_since_2017,
    build_energy_by_city,
    build_climate,
    build_transit,
    build_mobility,
    build_energy,
    build_waste,
    build_traffic,
    build_population,
)


def build_all(data_dir: Path) -> list[Series]:
    return [series for build in BUILDERS for series in build(Path(data_dir))]


def write_snapshot(data_dir: Path, out_dir: Path = SNAPSHOT_DIR) -> list[Path]:
    """Rebuild the snapshot folder from scratch; return the sidecar paths written."""
    all_series = build_all(data_dir)  # read everything before touching the output
    check_context(data_dir)
    empty = [f"{s.indicator}/{s.city}/{s.source}" for s in all_series if s.frame.empty]
    if empty:
        raise ValueError(f"no rows for {', '.join(empty)}: the inputs changed shape?")
    # Every row and sidecar made before the folder is touched, and written to a
    # sibling folder that replaces it at the end: a failure leaves the old snapshot.
    prepared = [(s.tidy(), s.provenance()) for s in all_series]
    out_dir = Path(out_dir)
    fresh = out_dir.with_name(out_dir.name + ".new")
    if fresh.exists():
        shutil.rmtree(fresh)
    written = [write_series(fresh, rows, meta) for rows, meta in prepared]
    copy_context(data_dir, fresh)  # targets and events, with their checksums
    if out_dir.exists():
        shutil.rmtree(out_dir)
    fresh.rename(out_dir)
    return [out_dir / path.relative_to(fresh) for path in written]
