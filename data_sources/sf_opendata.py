"""DataSF (Socrata SODA): traffic fatalities (dau3-4s8f), counted per collision year.

Rows are paged with `$limit`/`$offset` (sodapy's get_all idea) and counted here, so the
count follows the same rule as the shipped snapshot (one row per person killed). Numbers
come back as strings. The year in progress is left out: it is not a year's total yet.
An optional `X-App-Token` (SISTERCITIES_SF_APP_TOKEN) moves requests to their own quota.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from .http import Client, SourceError
from .schema import tidy

SOURCE_ID = "sf_opendata"
DATASET = "dau3-4s8f"
TZ = "America/Los_Angeles"
PAGE_SIZE = 1000


def rows(client: Client, source_id: str, page_size: int = PAGE_SIZE) -> Iterator[dict]:
    url = f"{client.settings.base_urls[source_id].rstrip('/')}/resource/{DATASET}.json"
    token = client.settings.api_keys.get(source_id)
    headers = {"X-App-Token": token} if token else None
    offset = 0
    while True:
        page = client.get_json(
            url,
            params={
                "$select": "unique_id,collision_year",
                "$order": "unique_id",
                "$limit": page_size,
                "$offset": offset,
            },
            headers=headers,
        )
        if not isinstance(page, list):
            raise SourceError("SODA response is not a JSON array of rows")
        yield from page
        if len(page) < page_size:
            return
        offset += page_size


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
    return tidy(
        [pd.Timestamp(f"{year}-01-01", tz=TZ) for year in counts.index],
        counts,
        city="sf",
        indicator="road_deaths",
        freq="annual",
        source=SOURCE_ID,
    )


def fetch(client: Client, source_id: str = SOURCE_ID) -> pd.DataFrame:
    return parse(list(rows(client, source_id)), pd.Timestamp.now(tz="UTC"))
