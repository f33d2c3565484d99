"""EIA API v2: hourly demand of the California ISO (CISO), the grid San Francisco is on.

Needs EIA_API_KEY; without it the source is disabled and never called. The key travels
as the `api_key` query parameter, which the HTTP cache leaves out of its keys and the
logs redact.
"""

from __future__ import annotations

import pandas as pd

from data_sources.adapters.http import Client, SourceError
from data_sources.model.observations import tidy

SOURCE_ID = "eia"
ROUTE = "electricity/rto/region-data/data/"
PAGE_SIZE = 5000
DAYS_BACK = 7


def parse(payload: dict) -> pd.DataFrame:
    try:
        data = payload["response"]["data"]
    except (KeyError, TypeError) as error:
        raise SourceError("EIA response has no response.data") from error
    rows = []
    for row in data:
        try:
            units = row.get("value-units", "megawatthours")
            if units != "megawatthours":
                raise SourceError(f"demand in '{units}', expected megawatthours")
            if row.get("value") is None:
                continue
            # Hourly periods are UTC hours, "YYYY-MM-DDTHH".
            time = pd.Timestamp(row["period"] + ":00", tz="UTC")
            rows.append({"time": time, "value": float(row["value"])})
        except (KeyError, ValueError, TypeError) as error:
            raise SourceError(f"unexpected EIA row ({error!r})") from error
    return tidy(
        [r["time"] for r in rows],
        [r["value"] for r in rows],
        city="sf",
        indicator="grid_demand",
        freq="hourly",
        source=SOURCE_ID,
    )


def fetch(client: Client, source_id: str = SOURCE_ID) -> pd.DataFrame:
    key = client.settings.api_keys.get(source_id)
    if not key:
        raise SourceError("EIA_API_KEY is not set")
    start = (pd.Timestamp.now(tz="UTC") - pd.Timedelta(days=DAYS_BACK)).strftime(
        "%Y-%m-%dT%H"
    )
    url = f"{client.settings.base_urls[source_id].rstrip('/')}/{ROUTE}"
    frames, offset = [], 0
    while True:
        payload = client.get_json(
            url,
            params={
                "api_key": key,
                "frequency": "hourly",
                "data[0]": "value",
                "facets[respondent][]": "CISO",
                "facets[type][]": "D",
                "start": start,
                "sort[0][column]": "period",
                "sort[0][direction]": "asc",
                "offset": offset,
                "length": PAGE_SIZE,
            },
        )
        page = parse(payload)
        frames.append(page)
        if len(payload["response"]["data"]) < PAGE_SIZE:
            return pd.concat(frames, ignore_index=True)
        offset += PAGE_SIZE
