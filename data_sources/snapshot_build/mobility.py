"""Mobility: bike-share stations (GBFS samples), bike counts and trips."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from data_sources.adapters.gbfs import capacities, parse_station_status
from data_sources.snapshot_build.common import (
    FACTS_1,
    FACTS_2,
    FACTS_INPUT,
    PARIS_TZ,
    SF_TZ,
    Series,
    fact_source,
    frame_of,
    local_start,
    page_fact_row,
    page_figures,
    points,
    read_input,
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
    yield from bikeshare_stations(data_dir)
    yield from bikeshare_trips(data_dir)
    yield from transit_and_counts(data_dir)


def bikeshare_stations(data_dir: Path) -> Iterator[Series]:
    """Bike-share station samples (GBFS), both cities."""
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


def bikeshare_trips(data_dir: Path) -> Iterator[Series]:
    """Bike-share trips: monthly and the figures quoted on pages."""
    monthly = read_input(data_dir, "mobility/sf_baywheels_monthly_trips_2017_2026.csv")
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
        sources_2020 + [fact_source(row_2024, "2024-09", float(row_2024["value"]))],
    )


def transit_and_counts(data_dir: Path) -> Iterator[Series]:
    """Metro and Muni figures quoted on pages, and Paris's bike counters."""
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

    counters = read_input(data_dir, "mobility/paris_bike_counters_daily_total_2020.csv")
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
