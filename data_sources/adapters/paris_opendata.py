"""opendata.paris.fr: bike counters (daily totals) and road traffic loops (daily mean flow).

Both datasets are aggregated server-side (`group_by` per local day), so a refresh moves a
few hundred rows, not millions. The newest day is still being filled (1-day lag): days
after the day before the fetch are left out.
"""

from __future__ import annotations

import pandas as pd

from data_sources.adapters.http import Client, SourceError
from data_sources.adapters.opendatasoft import records
from data_sources.model.observations import tidy

SOURCE_ID = "paris_opendata"
TZ = "Europe/Paris"
DAYS_BACK = 60

BIKES = "comptage-velo-donnees-compteurs"
TRAFFIC = "comptages-routiers-permanents"


def _last_complete_day(now: pd.Timestamp) -> pd.Timestamp:
    return now.tz_convert(TZ).tz_localize(None).normalize() - pd.Timedelta(days=2)


def parse_daily(
    rows: list[dict], field: str, indicator: str, now: pd.Timestamp
) -> pd.DataFrame:
    """Group-by results [{'day': 'YYYY-MM-DD', field: number}, …] → tidy daily rows."""
    if not rows:
        raise SourceError(f"{indicator}: the API returned no rows")
    try:
        days = pd.to_datetime([r["day"] for r in rows], format="%Y-%m-%d")
        values = pd.to_numeric(pd.Series([r[field] for r in rows]), errors="coerce")
    except (KeyError, ValueError, TypeError) as error:
        raise SourceError(f"{indicator}: unexpected row shape ({error!r})") from error
    frame = pd.DataFrame({"day": days, "value": values.to_numpy()}).dropna()
    frame = frame[frame["day"] <= _last_complete_day(now)]
    return tidy(
        frame["day"].dt.tz_localize(TZ),
        frame["value"],
        city="paris",
        indicator=indicator,
        freq="daily",
        source=SOURCE_ID,
    )


def query(time_field: str, aggregate: str, since: pd.Timestamp) -> dict:
    return {
        "select": f"date_format({time_field}, 'yyyy-MM-dd') as day, {aggregate}",
        "group_by": "day",
        "order_by": "day",
        "where": f"{time_field} >= date'{since:%Y-%m-%d}'",
        "timezone": TZ,
    }


def fetch(client: Client, source_id: str = SOURCE_ID) -> pd.DataFrame:
    now = pd.Timestamp.now(tz="UTC")
    since = now - pd.Timedelta(days=DAYS_BACK)
    base = client.settings.base_urls[source_id]
    bikes = list(
        records(client, base, BIKES, query("date", "sum(sum_counts) as total", since))
    )
    traffic = list(
        records(client, base, TRAFFIC, query("t_1h", "avg(q) as mean_flow", since))
    )
    return pd.concat(
        [
            parse_daily(bikes, "total", "bike_counter_passages", now),
            parse_daily(traffic, "mean_flow", "road_traffic_flow", now),
        ],
        ignore_index=True,
    )
