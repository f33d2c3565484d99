"""Open-Meteo air-quality API (CAMS model), both cities: hourly values and daily means.

Times come back as local wall-clock strings for the reported timezone; they are turned
into UTC with the response's own `utc_offset_seconds`, whatever timezone it claims.
`null` is a missing hour, never a zero. Units are checked against `hourly_units`
(the API writes µ as U+03BC). Forecast hours (after the fetch time) are not observations
and are dropped. Daily means cover complete local days only (≥ 18 hours).
"""

from __future__ import annotations

import pandas as pd

from .http import Client, SourceError
from .registries import CITIES_BY_ID, PAIR
from .schema import tidy

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


def _unit(text: str) -> str:
    return text.replace("\u03bc", "\u00b5").strip()  # Greek mu → micro sign


def parse(payload: dict, city_id: str, now: pd.Timestamp) -> pd.DataFrame:
    """One city's response → tidy hourly rows plus daily means (pure)."""
    try:
        hourly, units = payload["hourly"], payload["hourly_units"]
        offset = pd.Timedelta(seconds=int(payload["utc_offset_seconds"]))
        local = pd.to_datetime(pd.Series(hourly["time"]), format="%Y-%m-%dT%H:%M")
    except (KeyError, TypeError, ValueError) as error:
        raise SourceError(f"unexpected air-quality payload: {error!r}") from error
    times = (local - offset).dt.tz_localize("UTC")
    frames = []
    for variable, (indicator, expected) in VARIABLES.items():
        if variable not in hourly:
            raise SourceError(f"field '{variable}' missing from hourly (schema drift?)")
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
    return pd.concat([rows, daily_means(rows, city_id)], ignore_index=True)


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
    return pd.concat(frames, ignore_index=True)
