"""GBFS (Vélib' Métropole, Bay Wheels): discovery, then one availability point per refresh.

Pure parsing is shared by the snapshot builder and the live adapter. Quirks handled:
GBFS v1/v2 discovery (`data.<lang>.feeds`) and v3 (`data.feeds`); Vélib's 0/1 integers for
booleans, e-bikes only inside `num_bikes_available_types` (a list of one-key dicts) and
`lastUpdatedOther` in place of `last_updated`; v3's `num_vehicles_available`, RFC 3339
times and localized names; a feed with no timestamp at all (the newest `last_reported`,
else the fetch time).

E-bikes: Lyft's `num_ebikes_available`, Vélib's `num_bikes_available_types`, or GBFS
2.1+ `vehicle_types_available` counted against `vehicle_types.json` (every propulsion
other than "human"). A feed that says nothing about e-bikes gives no e-bike point at all:
unknown is missing, never 0.

Identity: when the feed has a system_information, it must name the system the source
expects (the source registry's `system_names` / `system_ids`), else it is refused.
"""

from __future__ import annotations

import logging
import re
import unicodedata

import pandas as pd

from data_sources.adapters.http import Client, SourceError
from data_sources.model.registries import SOURCES_BY_ID

log = logging.getLogger(__name__)


def _truthy(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "oui", "yes"}
    return bool(value)


def _count(station: dict, *names: str) -> int:
    for name in names:
        if station.get(name) is not None:
            return int(station[name])
    return 0


def electric_types(vehicle_types: dict | None) -> set[str] | None:
    """vehicle_types.json → ids of the types with a motor (None: no such feed)."""
    if not vehicle_types:
        return None
    listed = (vehicle_types.get("data") or {}).get("vehicle_types")
    if not isinstance(listed, list):
        return None
    return {
        str(entry["vehicle_type_id"])
        for entry in listed
        if isinstance(entry, dict)
        and "vehicle_type_id" in entry
        and str(entry.get("propulsion_type", "human")) != "human"
    }


def _ebikes(station: dict, electric: set[str] | None) -> int | None:
    """E-bikes at one station, or None when the feed does not say."""
    if station.get("num_ebikes_available") is not None:
        return int(station["num_ebikes_available"])
    available = station.get("vehicle_types_available")
    if isinstance(available, list) and electric is not None:
        return sum(
            int(entry.get("count", 0))
            for entry in available
            if isinstance(entry, dict) and str(entry.get("vehicle_type_id")) in electric
        )
    types = station.get("num_bikes_available_types")
    if isinstance(types, dict):  # some feeds give one dict, not a list of dicts
        types = [types]
    if isinstance(types, list) and any(
        isinstance(entry, dict) and "ebike" in entry for entry in types
    ):
        return sum(
            int(entry.get("ebike", 0)) for entry in types if isinstance(entry, dict)
        )
    return None


def _plain(text: str) -> str:
    """'Vélib’ Métropole' → 'velib metropole' (accents, case and punctuation aside)."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def localized(value: object) -> str:
    """A GBFS text: a plain string (v1/v2) or v3's [{"text", "language"}] list."""
    if isinstance(value, list):
        texts = [v.get("text", "") for v in value if isinstance(v, dict)]
        return texts[0] if texts else ""
    return "" if value is None else str(value)


def check_system(information: dict, source_id: str) -> None:
    """Refuse a feed whose system_information names another system."""
    source = SOURCES_BY_ID[source_id]
    data = information.get("data") if isinstance(information, dict) else None
    if not isinstance(data, dict):
        raise SourceError("system_information has no 'data' object")
    name = localized(data.get("name"))
    system_id = str(data.get("system_id", ""))
    names = {_plain(n) for n in source.system_names}
    ids = {_plain(i) for i in source.system_ids}
    if _plain(name) in names or _plain(system_id) in ids:
        return
    raise SourceError(
        f"the feed's system_information names '{name}' (system_id '{system_id}'), "
        f"not {source.publisher}: refused"
    )


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
    vehicle_types: dict | None = None,
) -> pd.DataFrame:
    """Sum availability over stations that are installed and renting, at one instant.

    `vehicle_types`: the feed's vehicle_types.json (GBFS 2.1+), to tell e-bikes apart
    in `vehicle_types_available`."""
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
    electric = electric_types(vehicle_types)
    ebikes = [_ebikes(s, electric) for s in active]
    values = {
        "bikes_available": sum(bikes),
        "docks_available": sum(docks),
        "stations_in_service": len(active),
    }
    if active and any(e is not None for e in ebikes):
        # Stations that do not say count as none (the feed says it for the others).
        values["ebikes_available"] = sum(e or 0 for e in ebikes)
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
    """gbfs.json → (system_information) + station_information + (vehicle_types) +
    station_status → one point per indicator. `attrs["urls"]` lists what was fetched."""
    source = SOURCES_BY_ID[source_id]
    fetched_at = pd.Timestamp.now(tz="UTC").floor("s")
    discovery_url = client.settings.base_urls[source_id]
    urls = feed_urls(client.get_json(discovery_url))
    if "station_status" not in urls:
        raise SourceError("gbfs.json does not list station_status")
    fetched = [discovery_url]
    if "system_information" in urls:
        check_system(client.get_json(urls["system_information"]), source_id)
        fetched.append(urls["system_information"])
    feeds = {}
    for name in ("station_information", "vehicle_types", "station_status"):
        if name in urls:
            feeds[name] = client.get_json(urls[name])
            fetched.append(urls[name])
    frame = parse_station_status(
        feeds["station_status"],
        source.city,
        source_id,
        capacities(feeds.get("station_information", {})),
        fetched_at,
        feeds.get("vehicle_types"),
    )
    frame.attrs["urls"] = fetched
    return frame
