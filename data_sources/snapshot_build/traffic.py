"""Traffic: congestion (INRIX) and road deaths (ONISR, DataSF, the cities' pages)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from data_sources.snapshot_build.common import (
    FACTS_2,
    FACTS_INPUT,
    PARIS_TZ,
    SF_TZ,
    Series,
    frame_of,
    local_start,
    page_figures,
    points,
    read_input,
)

# ------------------------------------------------------------------ traffic

INRIX_FILE = "traffic/paris_sf_inrix_global_traffic_scorecard_2018.csv"
ROAD_SAFETY_PAGES = "traffic/paris_road_safety_page_figures_2007_2024.csv"


def build_traffic(data_dir: Path) -> Iterator[Series]:
    yield from paris_road_deaths(data_dir)
    yield from sf_road_deaths(data_dir)
    yield from congestion(data_dir)


def paris_road_deaths(data_dir: Path) -> Iterator[Series]:
    """Paris's road deaths: the ONISR barometer's complete years, and the figures quoted on pages."""
    yield from paris_onisr(data_dir)
    yield from paris_pages(data_dir)


def paris_onisr(data_dir: Path) -> Iterator[Series]:
    """The ONISR barometer's complete years, for département 75."""
    onisr = read_input(
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


def paris_pages(data_dir: Path) -> Iterator[Series]:
    """The Préfecture de police and ONISR figures quoted on pages."""
    # 2000-2001 used a 6-day definition (before 2005): left out.
    early, early_sources = page_figures(
        data_dir,
        "Paris",
        "road traffic deaths (tués), Paris",
        PARIS_TZ,
        years=(2005, 2010, 2011, 2012, 2013),
    )
    safety = read_input(data_dir, ROAD_SAFETY_PAGES)
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


def sf_road_deaths(data_dir: Path) -> Iterator[Series]:
    """San Francisco's road deaths: DataSF's Vision Zero records, and CityLab's file before 2014."""
    vision_zero = read_input(
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
    citylab = read_input(
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


# Each city's congestion rows: its INRIX scorecard row name, and the years whose page
# figures are "hours lost" (earlier ones are "peak hours").
CONGESTION_CITIES = (
    ("paris", "Paris", PARIS_TZ, "paris", (2021, 2022, 2023, 2024)),
    ("sf", "San Francisco", SF_TZ, "san francisco, ca", (2023,)),
)


def congestion(data_dir: Path) -> Iterator[Series]:
    """Both cities' congestion: the INRIX 2018 scorecard, and the INRIX and TomTom
    figures quoted on pages."""
    inrix = read_input(data_dir, INRIX_FILE)
    for city_id, city_name, tz, row_name, later in CONGESTION_CITIES:
        yield inrix_2018(inrix, city_id, tz, row_name)
        yield from congestion_pages(data_dir, city_id, city_name, tz, later)


def inrix_2018(inrix: pd.DataFrame, city_id: str, tz: str, row_name: str) -> Series:
    """The INRIX 2018 scorecard's hours in congestion for one city."""
    hours = float(
        inrix.loc[inrix["city_name"] == row_name, "hours_congestion"]
        .iloc[0]
        .split(" ")[0]
    )
    return Series(
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


def congestion_pages(
    data_dir: Path, city_id: str, city_name: str, tz: str, later: tuple
) -> Iterator[Series]:
    """One city's INRIX hours and TomTom congestion level, as quoted on pages."""
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
