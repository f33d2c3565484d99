"""DataSF (Socrata SODA): traffic fatalities (dau3-4s8f), counted per collision year, and
the community-wide greenhouse gas inventory (btm4-e4ak), summed per year.

Rows are counted and summed here, so they follow the same rules as the shipped snapshot
(one row per person killed; every sector's emissions). Numbers come back as strings. The
year in progress is left out: it is not a year's total yet. An optional `X-App-Token`
(SISTERCITIES_SF_APP_TOKEN) moves requests to their own quota.
"""

from __future__ import annotations

import pandas as pd

from data_sources.adapters import socrata
from data_sources.adapters.http import Client, SourceError
from data_sources.model.observations import annual_rows

SOURCE_ID = "sf_opendata"
DATASET = "dau3-4s8f"
GHG_DATASET = "btm4-e4ak"
TZ = "America/Los_Angeles"


def parse(records: list[dict], now: pd.Timestamp) -> pd.DataFrame:
    if not records:
        raise SourceError("no fatality records returned")
    try:
        years = pd.Series([int(str(r["collision_year"])) for r in records])
    except (KeyError, ValueError) as error:
        raise SourceError(f"unexpected record shape ({error!r})") from error
    ids = [r.get("unique_id") for r in records]
    if len(set(ids)) != len(ids):
        raise SourceError(
            "duplicate unique_id across pages (the data moved while paging)"
        )
    counts = years[years < now.tz_convert(TZ).year].value_counts().sort_index()
    return annual_rows(
        counts.to_dict(), city="sf", indicator="road_deaths", source=SOURCE_ID
    )


def parse_ghg(records: list[dict]) -> pd.DataFrame:
    """Inventory rows (one per sector detail and commodity) → the year's total of every
    sector, t CO2e (biogenic emissions kept apart, as the snapshot does). Field names
    are the CSV export's headers in lower case ([?] CONTRACTS.md §11.2: no captured JSON
    row; the columns are those of the real export in ../shared/data/ghg/raw)."""
    if not records:
        raise SourceError("no inventory rows returned")
    try:
        years = [int(str(r["calendar_year"])) for r in records]
        values = [float(r.get("emissions_mtco2e") or 0) for r in records]
    except (KeyError, ValueError) as error:
        raise SourceError(f"unexpected inventory row shape ({error!r})") from error
    totals = pd.Series(values).groupby(pd.Series(years)).sum().sort_index()
    return annual_rows(
        totals.round(6).to_dict(),
        city="sf",
        indicator="ghg_sf_inventory",
        source=SOURCE_ID,
    )


def fetch(client: Client, source_id: str = SOURCE_ID) -> pd.DataFrame:
    fatalities = socrata.rows(
        client,
        source_id,
        DATASET,
        {"$select": "unique_id,collision_year", "$order": "unique_id"},
    )
    inventory = socrata.rows(
        client,
        source_id,
        GHG_DATASET,
        {"$select": "calendar_year,emissions_mtco2e", "$order": ":id"},
    )
    return pd.concat(
        [
            parse(list(fatalities), pd.Timestamp.now(tz="UTC")),
            parse_ghg(list(inventory)),
        ],
        ignore_index=True,
    )
