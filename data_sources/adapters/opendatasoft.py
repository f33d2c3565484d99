"""Opendatasoft Explore API v2.1 (opendata.paris.fr, ODRÉ): records, paged within its limits."""

from __future__ import annotations

from collections.abc import Iterator

from data_sources.adapters.http import Client, SourceError

PAGE_SIZE = 100
# offset + limit must stay below this (10 000 without group_by; 20 000 with it).
WINDOW = {False: 10_000, True: 20_000}


def records(
    client: Client, base_url: str, dataset: str, params: dict
) -> Iterator[dict]:
    """Every result row of a records query, one page at a time."""
    url = f"{base_url.rstrip('/')}/catalog/datasets/{dataset}/records"
    window = WINDOW["group_by" in params]
    offset = 0
    while True:
        limit = min(PAGE_SIZE, window - 1 - offset)
        if limit <= 0:
            raise SourceError(
                f"{dataset}: more rows than the API's {window}-row window"
            )
        page = client.get_json(url, params={**params, "limit": limit, "offset": offset})
        if not isinstance(page, dict) or not isinstance(page.get("results"), list):
            raise SourceError(f"{dataset}: response has no 'results' list")
        yield from page["results"]
        if len(page["results"]) < limit:
            return
        offset += limit
