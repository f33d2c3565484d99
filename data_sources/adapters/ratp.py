"""RATP open data (data.ratp.fr, Opendatasoft Explore v2.1): entries per year at the
Métro and RER stations located in Paris, the snapshot's Paris `transit_annual`.

RATP publishes one dataset per edition, `trafic-annuel-entrant-par-station-du-reseau-
ferre-<YYYY>`, one row per station and network with `reseau` ("Métro", "RER"),
`station`, `trafic` (entries in the year), `ville` and `arrondissement_pour_paris`.
The sum is asked of the API (`group_by` reseau over `ville = "Paris"`), so a refresh
moves two rows a year. The last YEARS_BACK editions are asked; an edition not published
answers 404 and is skipped.
"""

from __future__ import annotations

import unicodedata

import pandas as pd

from data_sources.adapters.http import Client, SourceError, is_missing
from data_sources.adapters.opendatasoft import records
from data_sources.model.observations import annual_rows

SOURCE_ID = "ratp_opendata"
DATASET = "trafic-annuel-entrant-par-station-du-reseau-ferre-{year}"
NETWORKS = ("metro", "rer")  # accents and case aside
PARIS_TZ = "Europe/Paris"
YEARS_BACK = 5
QUERY = {
    "select": "reseau, sum(trafic) as entries",
    "where": 'ville = "Paris"',
    "group_by": "reseau",
}


def plain(text: object) -> str:
    decomposed = unicodedata.normalize("NFKD", str(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def entries(rows: list[dict], year: int) -> float:
    """The group_by rows of one edition → Métro + RER entries at Paris stations."""
    try:
        by_network = {plain(r["reseau"]): float(r["entries"]) for r in rows}
    except (KeyError, TypeError, ValueError) as error:
        raise SourceError(f"{year}: unexpected row shape ({error!r})") from None
    missing = [n for n in NETWORKS if n not in by_network]
    if missing:
        raise SourceError(
            f"{year}: no {' and no '.join(missing)} entries at Paris stations "
            f"(networks in the answer: {', '.join(sorted(by_network)) or 'none'})"
        )
    return sum(by_network[n] for n in NETWORKS)


def parse(editions: dict[int, list[dict]]) -> pd.DataFrame:
    totals = {year: entries(rows, year) for year, rows in sorted(editions.items())}
    return annual_rows(
        totals, city="paris", indicator="transit_annual", source=SOURCE_ID
    )


def fetch(client: Client, source_id: str = SOURCE_ID) -> pd.DataFrame:
    base = client.settings.base_urls[source_id]
    this_year = pd.Timestamp.now(tz=PARIS_TZ).year
    editions = {}
    for year in range(this_year - YEARS_BACK, this_year):
        try:
            editions[year] = list(
                records(client, base, DATASET.format(year=year), QUERY)
            )
        except SourceError as error:
            if not is_missing(error):
                raise
    if not editions:
        raise SourceError(
            f"no edition {this_year - YEARS_BACK}-{this_year - 1} of "
            f"{DATASET.format(year='<YYYY>')} (404)"
        )
    return parse(editions)
