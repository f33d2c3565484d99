"""ODRÉ éCO2mix regional (consolidated/definitive): Île-de-France monthly consumption.

`consommation` is a power in MW given every half hour (:00 and :30; the :15/:45 slots are
null). A month's energy is Σ MW × 0.5 h; a month is kept only when every half hour of it
(DST days included) has a value, since a gap would silently lower the total.
"""

from __future__ import annotations

import pandas as pd

from data_sources.adapters.http import Client, SourceError
from data_sources.adapters.opendatasoft import records
from data_sources.model.observations import tidy

SOURCE_ID = "odre"
DATASET = "eco2mix-regional-cons-def"
TZ = "Europe/Paris"
REGION = "11"  # code_insee_region of Île-de-France
SINCE = "2022-01-01"


def half_hours_in_month(month: pd.Timestamp) -> int:
    start = month.tz_localize(TZ)
    end = (month + pd.offsets.MonthBegin(1)).tz_localize(TZ)
    return int((end - start) / pd.Timedelta(minutes=30))


def parse(rows: list[dict]) -> pd.DataFrame:
    """[{'month': 'YYYY-MM', 'mw_sum': x, 'n': k}, …] → monthly GWh for complete months."""
    if not rows:
        raise SourceError("eco2mix: the API returned no rows")
    out = []
    for row in rows:
        try:
            month = pd.Timestamp(f"{row['month']}-01")
            mw_sum, count = float(row["mw_sum"]), int(row["n"])
        except (KeyError, TypeError, ValueError) as error:
            raise SourceError(f"eco2mix: unexpected row shape ({error!r})") from error
        if count != half_hours_in_month(month):
            continue  # incomplete (or the month in progress)
        out.append(
            {
                "time": month.tz_localize(TZ).tz_convert("UTC"),
                "value": mw_sum * 0.5 / 1000,
            }
        )
    return tidy(
        [r["time"] for r in out],
        [r["value"] for r in out],
        city="paris",
        indicator="electricity_monthly",
        freq="monthly",
        source=SOURCE_ID,
    )


def fetch(client: Client, source_id: str = SOURCE_ID) -> pd.DataFrame:
    params = {
        "select": "date_format(date_heure, 'yyyy-MM') as month, "
        "sum(consommation) as mw_sum, count(consommation) as n",
        "group_by": "month",
        "order_by": "month",
        "where": f"code_insee_region = '{REGION}' and date_heure >= date'{SINCE}'",
        "timezone": TZ,
    }
    return parse(
        list(records(client, client.settings.base_urls[source_id], DATASET, params))
    )
