"""Live tiles: bikes available now and air quality now, each city's local time and age."""

from __future__ import annotations

import pandas as pd
from babel.dates import format_datetime, format_timedelta
from dash import dcc, html

from components import ids
from components.i18n import LOCALES, fmt_number, t, unit_label
from data_sources.model.registries import CITIES_BY_ID

# What a tile shows, in order of preference: the first indicator with data wins.
TILES = {
    "bikes": ("bikes_available",),
    "air": ("european_aqi", "pm25_hourly", "pm25"),
}
REFRESH_MS = 60_000


def tiles_placeholder(lang: str, tiles: list | None = None) -> html.Section:
    return html.Section(
        [
            html.H2(t("now", lang), className="visually-hidden"),
            html.Div(tiles, id=ids.TILES, className="tiles"),
            dcc.Interval(id=ids.TICK, interval=REFRESH_MS),
        ],
        className="tiles-section",
        **{"aria-label": t("now", lang)},
    )


def latest_point(frame: pd.DataFrame, city_id: str) -> pd.Series | None:
    rows = frame[frame["city"] == city_id]
    return None if rows.empty else rows.iloc[-1]


def tile(
    kind: str,
    indicator_label: str,
    point: pd.Series | None,
    unit: str,
    city_id: str,
    lang: str,
    now: pd.Timestamp,
    freq: str = "instant",
) -> html.Div:
    """One city's value now, with the local time it describes and how old it is."""
    city = CITIES_BY_ID[city_id]
    if point is None:
        body = [html.P(t("no_data", lang), className="tile-missing")]
    else:
        when = pd.Timestamp(point["time"]).tz_convert(city.timezone)
        # A daily value describes a day: its midnight is not a time of measurement.
        pattern = "d MMM y" if freq == "daily" else "d MMM y HH:mm zzz"
        age = format_timedelta(
            now - pd.Timestamp(point["time"]), locale=LOCALES[lang], threshold=1.1
        )
        body = [
            html.P(
                [
                    html.Span(
                        fmt_number(point["value"], lang, 0), className="tile-value"
                    ),
                    f" {unit_label(unit, lang)}",
                ]
            ),
            html.P(
                t(
                    "tile_when",
                    lang,
                    time=format_datetime(
                        when,
                        pattern,
                        tzinfo=when.tzinfo,
                        locale=LOCALES[lang],
                    ),
                    age=age,
                ),
                className="tile-when",
            ),
        ]
        if bool(point["stale"]):
            body.append(html.P(t("stale_short", lang), className="tile-stale"))
    heading = f"{city.name(lang)} — {indicator_label}"
    return html.Div(
        # One line in the strip (cut with "…" when narrow; the whole in its title).
        [html.H3(heading, title=heading)] + body,
        className=f"tile city-{city_id}",
        id={"type": "tile", "kind": kind, "city": city_id},
    )
