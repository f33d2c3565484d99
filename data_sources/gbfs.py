"""GBFS (Vélib' Métropole, Bay Wheels): discovery, then one availability point per refresh.

Pure parsing is shared by the snapshot builder and the live adapter. Quirks handled:
GBFS v1/v2 discovery (`data.<lang>.feeds`) and v3 (`data.feeds`); Vélib's 0/1 integers for
booleans, e-bikes only inside `num_bikes_available_types` (a list of one-key dicts) and
`lastUpdatedOther` in place of `last_updated`; v3's `num_vehicles_available` and ISO times;
a feed with no timestamp at all (the newest `last_reported`, else the fetch time).
"""

from __future__ import annotations

import logging

import pandas as pd

from .http import Client, SourceError
from .registries import SOURCES_BY_ID

log = logging.getLogger(__name__)

GBFS_INDICATORS = (
    "bikes_available",
    "ebikes_available",
    "docks_available",
    "stations_in_service",
    "stations_empty_share",
    "stations_full_share",
)


def _truthy(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "oui", "yes"}
    return bool(value)


def _count(station: dict, *names: str) -> int:
    for name in names:
        if station.get(name) is not None:
            return int(station[name])
    return 0


def _ebikes(station: dict) -> int:
    if "num_ebikes_available" in station:
        return int(station["num_ebikes_available"])
    types = station.get("num_bikes_available_types") or []
    if isinstance(types, dict):  # some feeds give one dict, not a list of dicts
        types = [types]
    return sum(int(entry.get("ebike", 0)) for entry in types if isinstance(entry, dict))


def _timestamp(value: object) -> pd.Timestamp:
    if isinstance(value, int | float) or (isinstance(value, str) and value.isdigit()):
        return pd.Timestamp(int(value), unit="s", tz="UTC")
    return pd.Timestamp(str(value)).tz_convert("UTC")


def feed_timestamp(payload: dict, fallback: pd.Timestamp | None = None) -> pd.Timestamp:
    """When the feed says its data were last updated (UTC)."""
    for key in ("last_updated", "lastUpdatedOther"):
        if payload.get(key) not in (None, ""):
            return _timestamp(payload[key])
    reported = [
        s["last_reported"]
        for s in payload.get("data", {}).get("stations", [])
        if s.get("last_reported") not in (None, "")
    ]
    if reported:
        return max(_timestamp(r) for r in reported)
    if fallback is None:
        raise SourceError("station_status has no timestamp at all")
    return fallback


def feed_urls(discovery: dict, preferred_lang: str = "en") -> dict[str, str]:
    """gbfs.json → {feed name: url}, for v1/v2 (per language) and v3 layouts."""
    data = discovery.get("data")
    if not isinstance(data, dict):
        raise SourceError("gbfs.json has no 'data' object")
    if isinstance(data.get("feeds"), list):
        feeds = data["feeds"]
    else:
        languages = [lang for lang, value in data.items() if isinstance(value, dict)]
        if not languages:
            raise SourceError("gbfs.json lists no feeds")
        lang = preferred_lang if preferred_lang in languages else languages[0]
        feeds = data[lang].get("feeds", [])
    return {
        feed["name"]: feed["url"] for feed in feeds if "name" in feed and "url" in feed
    }


def capacities(information: dict) -> dict[str, int]:
    """station_information → {station_id: capacity} (stations without one left out)."""
    return {
        str(s["station_id"]): int(s["capacity"])
        for s in information.get("data", {}).get("stations", [])
        if s.get("capacity") is not None
    }


def parse_station_status(
    payload: dict,
    city_id: str,
    source_id: str,
    capacity_by_station: dict[str, int] | None = None,
    fetched_at: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Sum availability over stations that are installed and renting, at one instant."""
    try:
        stations = payload["data"]["stations"]
    except (KeyError, TypeError) as error:
        raise SourceError("station_status has no data.stations list") from error
    if not stations:
        raise SourceError("station_status lists no stations")
    active = [
        s
        for s in stations
        if _truthy(s.get("is_installed", 1)) and _truthy(s.get("is_renting", 1))
    ]
    bikes = [_count(s, "num_bikes_available", "num_vehicles_available") for s in active]
    docks = [_count(s, "num_docks_available") for s in active]
    values = {
        "bikes_available": sum(bikes),
        "ebikes_available": sum(_ebikes(s) for s in active),
        "docks_available": sum(docks),
        "stations_in_service": len(active),
    }
    if capacity_by_station:
        known = [str(s["station_id"]) in capacity_by_station for s in active]
        full = sum(
            1
            for s, d, k in zip(active, docks, known, strict=True)
            if k and d == 0 and capacity_by_station[str(s["station_id"])] > 0
        )
        total_capacity = sum(
            capacity_by_station.get(str(s["station_id"]), 0) for s in active
        )
        if total_capacity and values["bikes_available"] > total_capacity:
            raise SourceError(
                f"{values['bikes_available']} bikes available exceed the "
                f"{total_capacity} docks of the stations renting: absurd, not stored"
            )
        if active:
            values["stations_full_share"] = 100 * full / len(active)
    if active:
        values["stations_empty_share"] = 100 * sum(b == 0 for b in bikes) / len(active)
    time = feed_timestamp(payload, fallback=fetched_at)
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


def fetch(client: Client, source_id: str) -> pd.DataFrame:
    """gbfs.json → station_information + station_status → one point per indicator."""
    source = SOURCES_BY_ID[source_id]
    fetched_at = pd.Timestamp.now(tz="UTC").floor("s")
    urls = feed_urls(client.get_json(client.settings.base_urls[source_id]))
    if "station_status" not in urls:
        raise SourceError("gbfs.json does not list station_status")
    information = (
        client.get_json(urls["station_information"])
        if "station_information" in urls
        else {}
    )
    status = client.get_json(urls["station_status"])
    return parse_station_status(
        status, source.city, source_id, capacities(information), fetched_at
    )
