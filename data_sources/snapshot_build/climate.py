"""Climate: greenhouse-gas inventories (each city's own, and what each reported to CDP)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from data_sources.adapters import cdp_opendata
from data_sources.snapshot_build.common import (
    PARIS_TZ,
    SF_TZ,
    Series,
    frame_of,
    local_start,
    read_input,
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
    c40 = read_input(data_dir, C40_SUMMARY)
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
    sf = read_input(data_dir, SF_GHG)
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
    cdp = read_input(data_dir, CDP, dtype=str)
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
