"""Socrata SODA (data.sfgov.org, data.transportation.gov): rows of a dataset, paged.

SODA answers a bare JSON array of row objects, numbers as strings; `$limit`/`$offset`
page it (sodapy's get_all idea: stop at a short page). An optional `X-App-Token` moves
requests to their own quota.
"""

from __future__ import annotations

from collections.abc import Iterator

from data_sources.adapters.http import Client, SourceError

PAGE_SIZE = 1000


def rows(
    client: Client,
    source_id: str,
    dataset: str,
    params: dict,
    page_size: int = PAGE_SIZE,
) -> Iterator[dict]:
    """Every row a query returns, page by page (`params` must fix an `$order`)."""
    url = f"{client.settings.base_urls[source_id].rstrip('/')}/resource/{dataset}.json"
    token = client.settings.api_keys.get(source_id)
    headers = {"X-App-Token": token} if token else None
    offset = 0
    while True:
        page = client.get_json(
            url,
            params={**params, "$limit": page_size, "$offset": offset},
            headers=headers,
        )
        if not isinstance(page, list):
            raise SourceError(f"{dataset}: SODA response is not a JSON array of rows")
        yield from page
        if len(page) < page_size:
            return
        offset += page_size
