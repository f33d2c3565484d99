"""What every theme's builder shares: the Series record and its provenance, the
collection date, time helpers, and the figures read from public pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from data_sources.model.observations import label_start
from data_sources.model.registries import SOURCES_BY_ID

# The date the files in ../shared/data were collected (SOURCES.md, first line).
COLLECTED = "2026-11-25"

PARIS_TZ = "Europe/Paris"
SF_TZ = "America/Los_Angeles"
# EPA "Date Local" is local standard time all year (no daylight saving).
PST = "Etc/GMT+8"


@dataclass
class Series:
    """One (indicator, city, source) series and the provenance that travels with it."""

    indicator: str
    city: str
    source: str
    freq: str
    frame: pd.DataFrame  # columns: time (UTC), value
    derivation: str
    inputs: list[str]
    row_sources: list[dict] = field(default_factory=list)
    edition: str | None = None  # the survey edition every row comes from, if one

    def tidy(self) -> pd.DataFrame:
        out = self.frame.loc[:, ["time", "value"]].copy()
        out["city"] = self.city
        out["indicator"] = self.indicator
        out["freq"] = self.freq
        out["source"] = self.source
        return out

    def provenance(self) -> dict:
        source = SOURCES_BY_ID[self.source]
        return {
            **source.attribution(),
            "fetched_at": COLLECTED,
            "origin": "snapshot",
            "status": "ok",
            "derivation": self.derivation,
            "inputs": self.inputs,
            "row_sources": self.row_sources,
            **({"edition": self.edition} if self.edition else {}),
        }


# ------------------------------------------------------------------ time helpers


def local_start(labels: pd.Series, tz: str) -> pd.Series:
    """Period labels ('2016', '2016-03', '2016-03-01') → UTC instant of the local start."""
    naive = label_start(labels.astype(str).str.strip())
    return naive.dt.tz_localize(tz).dt.tz_convert("UTC")


def frame_of(times: pd.Series, values: pd.Series) -> pd.DataFrame:
    out = pd.DataFrame({"time": times.to_numpy(), "value": pd.to_numeric(values)})
    return out.dropna(subset=["value"]).reset_index(drop=True)


def points(labels: list[str], values: list[float], tz: str) -> pd.DataFrame:
    """A few figures, each for a local period label ('2018', '2024-09')."""
    return frame_of(local_start(pd.Series(labels), tz), pd.Series(values, dtype=float))


def read_input(data_dir: Path, relative: str, **kwargs) -> pd.DataFrame:
    return pd.read_csv(Path(data_dir) / relative, **kwargs)


# ------------------------------------------------------------------ page figures

FACTS_1 = "context/facts_from_pages.csv"
FACTS_2 = "context/annual_facts_from_pages_2.csv"
FACTS_INPUT = (
    "../shared/data/{} (figures quoted from the stored page named in each row;"
    " row_sources keeps each page address)"
)


# Survey scorecards name their edition on the page ("INRIX 2024 Global Traffic
# Scorecard", "TomTom Traffic Index 2018"); an edition may quote an earlier year.
EDITION = re.compile(r"(?:INRIX|Traffic Index) (\d{4})")


def page_figures(
    data_dir: Path,
    city_name: str,
    indicator_text: str,
    tz: str,
    *,
    years=None,
    editions: bool = False,
) -> tuple[pd.DataFrame, list[dict]]:
    """Rows of annual_facts_from_pages_2.csv whose indicator text matches exactly.

    editions: record in each row's source the survey edition its page names."""
    facts = read_input(data_dir, FACTS_2)
    rows = facts[(facts["city"] == city_name) & (facts["indicator"] == indicator_text)]
    if years is not None:
        rows = rows[rows["year"].isin(list(years))]
    if rows.empty:
        raise ValueError(f"no page figure '{indicator_text}' for {city_name}")
    rows = rows.sort_values("year")
    frame = frame_of(local_start(rows["year"].astype(str), tz), rows["value"])
    sources = [
        {
            "period": str(r.year),
            "value": float(r.value),
            "url": r.source_url,
            "page": r.source_name,
            "note": r.note,
        }
        for r in rows.itertuples()
    ]
    if editions:
        for source in sources:
            named = EDITION.search(source["page"])
            if named:
                source["edition"] = named[1]
    return frame, sources


def page_fact_row(data_dir: Path, city_name: str, indicator_text: str) -> pd.Series:
    """The one row of facts_from_pages.csv with this indicator text."""
    facts = read_input(data_dir, FACTS_1)
    rows = facts[(facts["city"] == city_name) & (facts["indicator"] == indicator_text)]
    if len(rows) != 1:
        raise ValueError(f"expected one '{indicator_text}' row for {city_name}")
    return rows.iloc[0]


def fact_source(row: pd.Series, period: str, value: float) -> dict:
    return {
        "period": period,
        "value": value,
        "url": row["source_url"],
        "page": row["page_date_or_note"],
        "note": row["caveat"],
    }
