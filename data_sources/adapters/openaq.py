"""OpenAQ v3: measured PM2.5 near each city centre, daily mean over the nearby sensors.

Needs OPENAQ_API_KEY (sent as the X-API-Key header); without it the source is disabled.
"""

from __future__ import annotations

import pandas as pd

from data_sources.adapters.http import Client, SourceError
from data_sources.model.observations import tidy
from data_sources.model.registries import CITIES_BY_ID, PAIR

SOURCE_ID = "openaq"
RADIUS_M = 10_000
MAX_SENSORS = 5
DAYS_BACK = 14
PM25_PARAMETER_ID = 2


def pm25_sensors(locations: dict) -> list[int]:
    """Sensor ids measuring PM2.5 in µg/m³ at the returned locations."""
    try:
        results = locations["results"]
    except (KeyError, TypeError) as error:
        raise SourceError("OpenAQ locations response has no results") from error
    return [
        sensor["id"]
        for location in results
        for sensor in location.get("sensors", [])
        if sensor.get("parameter", {}).get("id") == PM25_PARAMETER_ID
        and sensor["parameter"].get("units") == "µg/m³"
    ][:MAX_SENSORS]


def parse_days(payloads: list[dict], city_id: str) -> pd.DataFrame:
    """Daily measurements of several sensors → one daily mean per local day."""
    tz = CITIES_BY_ID[city_id].timezone
    rows = []
    for payload in payloads:
        for result in payload.get("results", []):
            try:
                start = pd.Timestamp(
                    result["period"]["datetimeFrom"]["utc"]
                ).tz_convert("UTC")
                if result["parameter"]["units"] != "µg/m³":
                    raise SourceError(f"PM2.5 in {result['parameter']['units']}")
                rows.append(
                    {
                        "day": start.tz_convert(tz).tz_localize(None).normalize(),
                        "value": float(result["value"]),
                    }
                )
            except (KeyError, TypeError, ValueError) as error:
                raise SourceError(
                    f"unexpected OpenAQ measurement ({error!r})"
                ) from error
    if not rows:
        raise SourceError(f"no PM2.5 measurements near {city_id}")
    daily = pd.DataFrame(rows).groupby("day")["value"].mean()
    return tidy(
        daily.index.tz_localize(tz),
        daily.round(3),
        city=city_id,
        indicator="pm25_measured",
        freq="daily",
        source=SOURCE_ID,
    )


def fetch(client: Client, source_id: str = SOURCE_ID) -> pd.DataFrame:
    key = client.settings.api_keys.get(source_id)
    if not key:
        raise SourceError("OPENAQ_API_KEY is not set")
    base = client.settings.base_urls[source_id].rstrip("/")
    headers = {"X-API-Key": key}
    since = (pd.Timestamp.now(tz="UTC") - pd.Timedelta(days=DAYS_BACK)).strftime(
        "%Y-%m-%d"
    )
    frames = []
    for city_id in PAIR:
        city = CITIES_BY_ID[city_id]
        locations = client.get_json(
            f"{base}/locations",
            params={
                "coordinates": f"{city.lat},{city.lon}",
                "radius": RADIUS_M,
                "parameters_id": PM25_PARAMETER_ID,
                "limit": 100,
            },
            headers=headers,
        )
        sensors = pm25_sensors(locations)
        days = [
            client.get_json(
                f"{base}/sensors/{sensor}/days",
                params={"datetime_from": since, "limit": 100},
                headers=headers,
            )
            for sensor in sensors
        ]
        frames.append(parse_days(days, city_id))
    return pd.concat(frames, ignore_index=True)
