"""Open-Meteo air-quality API (CAMS model), both cities: hourly values and daily means.

Times come back as local wall-clock strings for the reported timezone; they are turned
into UTC with the response's own `utc_offset_seconds`, whatever timezone it claims.
`null` is a missing hour, never a zero. Units are checked against `hourly_units`
(the API writes µ as U+03BC). Forecast hours (after the fetch time) are not observations
and are dropped. Daily means cover complete local days only (≥ 18 hours).

Identity: a response names the grid cell it answers for (`latitude`, `longitude`, the
cell's centre); one farther from the asked city than a model cell can be is refused,
so another place's air is never stored as this city's. A variable missing from a
response is reported, and the others are kept.
"""

from __future__ import annotations

import math

import pandas as pd

from data_sources.adapters.http import Client, SourceError
from data_sources.model.observations import tidy
from data_sources.model.registries import CITIES_BY_ID, PAIR

SOURCE_ID = "open_meteo_air"

# API variable → (hourly indicator, unit it must come in)
VARIABLES = {
    "pm2_5": ("pm25_hourly", "µg/m³"),
    "pm10": ("pm10_hourly", "µg/m³"),
    "nitrogen_dioxide": ("no2_hourly", "µg/m³"),
    "ozone": ("o3_hourly", "µg/m³"),
    "european_aqi": ("european_aqi", "EAQI"),
    "us_aqi": ("us_aqi", "USAQI"),
}
# Hourly indicator → daily indicator fed with complete-day means
DAILY = {"pm25_hourly": "pm25", "o3_hourly": "o3"}
MIN_HOURS_PER_DAY = 18
PAST_DAYS = 7
# The coarsest grid Open-Meteo may answer from is CAMS global, 0.4° (~45 km): a cell
# centre lies within ~28 km of any point in it. Farther means another place.
MAX_CELL_DISTANCE_KM = 35.0
EARTH_RADIUS_KM = 6371.0


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def check_place(payload: dict, city_id: str) -> None:
    """Refuse a response that answers for another place than the city asked about."""
    city = CITIES_BY_ID[city_id]
    try:
        lat, lon = float(payload["latitude"]), float(payload["longitude"])
    except (KeyError, TypeError, ValueError):
        raise SourceError(
            f"response for {city.name('en')} does not say which place it is for"
        ) from None
    away = distance_km(city.lat, city.lon, lat, lon)
    if away > MAX_CELL_DISTANCE_KM:
        raise SourceError(
            f"asked for {city.name('en')} ({city.lat:.3f}, {city.lon:.3f}) but the "
            f"response is for {lat:.3f}, {lon:.3f}, {away:,.0f} km away: refused"
        )


def _unit(text: str) -> str:
    return text.replace("\u03bc", "\u00b5").strip()  # Greek mu → micro sign


def parse(payload: dict, city_id: str, now: pd.Timestamp) -> pd.DataFrame:
    """One city's response → tidy hourly rows plus daily means (pure).

    The frame's `attrs["warnings"]` lists the variables the response lacked."""
    check_place(payload, city_id)
    try:
        hourly, units = payload["hourly"], payload["hourly_units"]
        offset = pd.Timedelta(seconds=int(payload["utc_offset_seconds"]))
        local = pd.to_datetime(pd.Series(hourly["time"]), format="%Y-%m-%dT%H:%M")
    except (KeyError, TypeError, ValueError) as error:
        raise SourceError(f"unexpected air-quality payload: {error!r}") from error
    times = (local - offset).dt.tz_localize("UTC")
    frames = []
    missing = [v for v in VARIABLES if v not in hourly]
    if len(missing) == len(VARIABLES):
        raise SourceError("no air-quality variable in hourly (schema drift?)")
    for variable, (indicator, expected) in VARIABLES.items():
        if variable in missing:
            continue
        got = _unit(str(units.get(variable, "")))
        if got != expected:
            raise SourceError(f"{variable} in '{got}', expected '{expected}'")
        values = pd.to_numeric(pd.Series(hourly[variable]), errors="coerce")
        if len(values) != len(times):
            raise SourceError(
                f"{variable} has {len(values)} values for {len(times)} times"
            )
        frames.append(
            tidy(
                times,
                values,
                city=city_id,
                indicator=indicator,
                freq="hourly",
                source=SOURCE_ID,
            )
        )
    rows = pd.concat(frames, ignore_index=True).dropna(subset=["value"])
    rows = rows[rows["time"] <= now]
    out = pd.concat([rows, daily_means(rows, city_id)], ignore_index=True)
    out.attrs["warnings"] = [
        f"{city_id}: '{v}' missing from the response (the other variables kept)"
        for v in missing
    ]
    return out


def daily_means(hourly: pd.DataFrame, city_id: str) -> pd.DataFrame:
    """Complete local days of the hourly rows → daily means at local midnight (UTC)."""
    tz = CITIES_BY_ID[city_id].timezone
    out = []
    for hourly_id, daily_id in DAILY.items():
        rows = hourly[hourly["indicator"] == hourly_id]
        if rows.empty:
            continue
        days = rows["time"].dt.tz_convert(tz).dt.tz_localize(None).dt.normalize()
        grouped = rows.groupby(days)["value"].agg(["mean", "count"])
        complete = grouped[grouped["count"] >= MIN_HOURS_PER_DAY]
        out.append(
            tidy(
                complete.index.tz_localize(tz),
                complete["mean"].round(3),
                city=city_id,
                indicator=daily_id,
                freq="daily",
                source=SOURCE_ID,
            )
        )
    return pd.concat(out, ignore_index=True) if out else hourly.iloc[0:0]


def fetch(client: Client, source_id: str = SOURCE_ID) -> pd.DataFrame:
    now = pd.Timestamp.now(tz="UTC")
    frames = []
    for city_id in PAIR:
        city = CITIES_BY_ID[city_id]
        payload = client.get_json(
            client.settings.base_urls[source_id],
            params={
                "latitude": city.lat,
                "longitude": city.lon,
                "hourly": ",".join(VARIABLES),
                "past_days": PAST_DAYS,
                "forecast_days": 1,
                "timezone": "GMT",
            },
        )
        if not isinstance(payload, dict):
            raise SourceError("expected one JSON object per city")
        frames.append(parse(payload, city_id, now))
    out = pd.concat(frames, ignore_index=True)
    out.attrs["warnings"] = [w for f in frames for w in f.attrs.get("warnings", [])]
    return out
