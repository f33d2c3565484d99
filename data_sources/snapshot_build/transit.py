"""Transit: RATP entries and Muni's NTD trips."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from data_sources.snapshot_build.common import (
    PARIS_TZ,
    SF_TZ,
    Series,
    frame_of,
    local_start,
    read_input,
)

# ------------------------------------------------------------------ transit

RATP = "mobility/paris_ratp_annual_entries_by_network_2013_2021.csv"
NTD = "mobility/sf_muni_ntd_annual_unlinked_passenger_trips_1991_2023.csv"


def build_transit(data_dir: Path) -> Iterator[Series]:
    """Rail entries at Paris's stations beside Muni's boardings: different counts,
    compared as trends only."""
    ratp = read_input(data_dir, RATP)
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
    ntd = read_input(data_dir, NTD, usecols=[0, 1, 2, 3], index_col=False)
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
