"""Waste: collected and recycled tonnes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from data_sources.model.observations import TONNES_PER_SHORT_TON, conversion_factor
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

# ------------------------------------------------------------------ waste

WASTE_SF = "waste/sf_calrecycle_disposal_tons_annual_1995_2023.csv"
RECYCLED_SHARE = re.compile(r"recycled [\d ]+ t \((\d+(?:\.\d+)?)%\)")


def build_waste(data_dir: Path) -> Iterator[Series]:
    yield from waste_collected(data_dir)
    yield from recycling_rates(data_dir)


def waste_collected(data_dir: Path) -> Iterator[Series]:
    """Waste collected: the Paris figure quoted on pages and San Francisco's disposal tonnes."""
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
        [fact_source(collected, year, float(collected["value"]))],
    )

    sf = read_input(data_dir, WASTE_SF)
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


def recycling_rates(data_dir: Path) -> Iterator[Series]:
    """Recycling rates quoted on pages (Paris's 2018 share in the collected-waste row),
    and Recology's figures."""
    collected = page_fact_row(
        data_dir, "Paris", "total household and assimilated waste collected"
    )
    year = str(collected["period"])
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
        sources_2014 + [fact_source(collected, year, float(share.group(1)))],
    )
    recology = read_input(
        data_dir, "waste/sf_recology_2017_recycling_tonnage_diversion.csv"
    )
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
