"""National Transit Database on data.transportation.gov (Socrata): Muni's monthly
ridership, summed into SFMTA fiscal years (July to June).

Dataset 8bui-9xvu "Complete Monthly Ridership" (CONTRACTS.md §11.3): one row per
(ntd_id, mode, type of service, month), `upt` = unlinked passenger trips as a string,
`date` a floating timestamp on the 1st of the month. A fiscal year counts only when all
its twelve months are there (a month's upt can be missing); it is placed on the year it
ends, as NTD's own annual report years are.
"""

from __future__ import annotations

import pandas as pd

from data_sources.adapters import socrata
from data_sources.adapters.http import Client, SourceError
from data_sources.model.observations import annual_rows

SOURCE_ID = "dot_ntd"
DATASET = "8bui-9xvu"
MUNI = "90015"


def parse(records: list[dict]) -> pd.DataFrame:
    if not records:
        raise SourceError("no ridership rows returned")
    try:
        months = pd.to_datetime([str(r["date"])[:10] for r in records])
        trips = pd.Series(
            [
                float(r["upt"]) if r.get("upt") not in (None, "") else None
                for r in records
            ]
        )
    except (KeyError, ValueError) as error:
        raise SourceError(f"unexpected ridership row shape ({error!r})") from error
    by_month = trips.groupby(months.to_period("M")).sum(min_count=1).dropna()
    # SFMTA's fiscal year 2023 runs July 2022 to June 2023
    fiscal = [m.year + (1 if m.month >= 7 else 0) for m in by_month.index]
    counts = pd.Series(1, index=by_month.index).groupby(fiscal).sum()
    totals = by_month.groupby(fiscal).sum()
    complete = totals[counts == 12]
    if complete.empty:
        raise SourceError("no complete fiscal year (July to June) in the rows")
    return annual_rows(
        complete.to_dict(), city="sf", indicator="transit_annual", source=SOURCE_ID
    )


def fetch(client: Client, source_id: str = SOURCE_ID) -> pd.DataFrame:
    records = socrata.rows(
        client,
        source_id,
        DATASET,
        {
            "$select": "date,mode,tos,upt",
            "$where": f"ntd_id='{MUNI}'",
            "$order": "date,mode,tos",
        },
        page_size=5000,
    )
    return parse(list(records))
