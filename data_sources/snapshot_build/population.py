"""Population: each city's inhabitants, the denominator of per-capita figures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd

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
    census = read_input(
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
            fact_source(census_2020, "2020", float(census_2020["value"])),
            fact_source(estimate_2022, "2022", float(estimate_2022["value"])),
        ]
        + sources_2024,
    )
