"""GBFS station_status → one point per indicator (pure; shared by the snapshot and live refresh).

Vélib' quirks handled here: 0/1 integers for booleans, e-bikes only inside
`num_bikes_available_types` (a list of one-key dicts), and `lastUpdatedOther` in place of
`last_updated`.
"""

from __future__ import annotations

import pandas as pd

GBFS_INDICATORS = ("bikes_available", "ebikes_available", "docks_available")


def _truthy(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true"}
    return bool(value)


def _ebikes(station: dict) -> int:
    if "num_ebikes_available" in station:
        return int(station["num_ebikes_available"])
    types = station.get("num_bikes_available_types") or []
    if isinstance(types, dict):  # some feeds give one dict, not a list of dicts
        types = [types]
    return sum(int(entry.get("ebike", 0)) for entry in types if isinstance(entry, dict))


def feed_timestamp(payload: dict) -> pd.Timestamp:
    """When the feed says its data were last updated (UTC)."""
    seconds = payload.get("last_updated", payload.get("lastUpdatedOther"))
    if seconds is None:
        raise ValueError("station_status has neither last_updated nor lastUpdatedOther")
    if isinstance(seconds, str) and not seconds.isdigit():  # GBFS v3: ISO 8601
        return pd.Timestamp(seconds).tz_convert("UTC")
    return pd.Timestamp(int(seconds), unit="s", tz="UTC")


def parse_station_status(payload: dict, city_id: str, source_id: str) -> pd.DataFrame:
    """Sum availability over stations that are installed and renting, at one instant."""
    stations = payload["data"]["stations"]
    active = [
        s
        for s in stations
        if _truthy(s.get("is_installed", 1)) and _truthy(s.get("is_renting", 1))
    ]
    values = {
        "bikes_available": sum(int(s.get("num_bikes_available", 0)) for s in active),
        "ebikes_available": sum(_ebikes(s) for s in active),
        "docks_available": sum(int(s.get("num_docks_available", 0)) for s in active),
    }
    time = feed_timestamp(payload)
    return pd.DataFrame(
        {
            "city": city_id,
            "indicator": list(values),
            "time": time,
            "freq": "instant",
            "value": [float(v) for v in values.values()],
            "source": source_id,
        }
    )
