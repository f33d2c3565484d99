"""Agence ORE on Data Fair: Paris's (département 75) annual electricity and gas, all
operators, summed per year by the server (`values_agg`).

The portal moved from Opendatasoft to Data Fair (CONTRACTS.md §10): the commune-level
dataset is aggregated over `code_departement:"75"` (Paris's rows are arrondissements
until 2017, the commune 75056 after; both are in département 75). Values are MWh, stored
in GWh. A truncated aggregation (`total_other` > 0) is refused rather than undercounted.
Withheld ("secret") cells make a total a lower bound: said in the indicator's notes.
Electricity starts in 2012, as in the snapshot (2011 lacks transmission-connected
customers in ORE's files).
"""

from __future__ import annotations

import pandas as pd

from data_sources.adapters.http import Client, SourceError
from data_sources.model.observations import annual_rows, conversion_factor

SOURCE_ID = "ore_datafair"
DATASET = "consommation-annuelle-d-electricite-et-gaz-par-commune"
# filière (as the dataset spells it) → indicator, first year kept
ENERGIES = {
    "Electricité": ("electricity_consumption", 2012),
    "Gaz": ("gas_consumption", 2011),
}


def parse(payload: object, indicator: str, first_year: int) -> pd.DataFrame:
    """A values_agg answer (one bucket per year, `metric` = sum of MWh) → GWh rows."""
    if not isinstance(payload, dict) or not isinstance(payload.get("aggs"), list):
        raise SourceError("values_agg answer has no 'aggs' list")
    if payload.get("total_other", 0):
        raise SourceError(
            f"values_agg left {payload['total_other']} rows out of its buckets: refused"
        )
    years, values = [], []
    for bucket in payload["aggs"]:
        try:
            year, mwh = int(str(bucket["value"])), float(bucket["metric"])
        except (KeyError, TypeError, ValueError) as error:
            raise SourceError(f"unexpected values_agg bucket ({error!r})") from error
        if year >= first_year and mwh > 0:
            years.append(year)
            values.append(mwh * conversion_factor("MWh", "GWh"))
    if not years:
        raise SourceError(f"no {indicator} years in the answer")
    return annual_rows(
        dict(zip(years, values, strict=True)),
        city="paris",
        indicator=indicator,
        source=SOURCE_ID,
    )


def fetch(client: Client, source_id: str = SOURCE_ID) -> pd.DataFrame:
    url = f"{client.settings.base_urls[source_id].rstrip('/')}/{DATASET}/values_agg"
    frames = []
    for filiere, (indicator, first_year) in ENERGIES.items():
        payload = client.get_json(
            url,
            params={
                "field": "annee",
                "agg_size": 100,
                "metric": "sum",
                "metric_field": "conso_totale_mwh",
                "qs": f'code_departement:"75" AND filiere:"{filiere}"',
            },
        )
        frames.append(parse(payload, indicator, first_year))
    return pd.concat(frames, ignore_index=True)
