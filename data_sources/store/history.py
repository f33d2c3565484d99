"""Backfill: a tidy CSV of past observations into the live store.

`python -m data_sources import-history FILE.csv` reads `city,indicator,time,value[,source]`
(time ISO 8601 with an offset or `Z`), checks every row as a refresh checks its rows
(known city, indicator and source, a number inside the indicator's plausible range, one
value per city, indicator and time) and writes nothing unless every row passes: each bad
row is reported with its line number. Rows are merged into their (indicator, city,
source) series exactly as a refresh merges (same key, the imported value kept), so
importing a file twice adds nothing; the series are marked `origin=imported`.

`python -m data_sources gbfs-history ../shared/data` writes such a file from the real
git-scraped GBFS histories in ../shared/data/mobility (Bay Wheels 2022-08 → 2023-07,
Vélib' 2022-05 → 06) for the `bikes_available_all` indicator.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from data_sources.model.observations import KEY
from data_sources.model.registries import CITIES_BY_ID, INDICATORS_BY_ID, SOURCES_BY_ID
from data_sources.store.series import SeriesStore

REQUIRED = ("city", "indicator", "time", "value")
COLUMNS = (*REQUIRED, "source")
MAX_REPORTED = 20  # bad rows listed; the count says how many more


class HistoryError(ValueError):
    """The file cannot be imported; `problems` lists what is wrong, line by line."""

    def __init__(self, problems: list[str]):
        shown = problems[:MAX_REPORTED]
        more = len(problems) - len(shown)
        super().__init__(
            "\n".join(shown) + (f"\n… and {more} more" if more > 0 else "")
        )
        self.problems = problems


def parse_time(text: str) -> pd.Timestamp | None:
    """An ISO 8601 instant with an offset or Z, in UTC; None when it is not one."""
    text = text.strip()
    if not text or not (
        text.endswith(("Z", "z")) or "+" in text[10:] or "-" in text[10:]
    ):
        return None
    try:
        moment = pd.Timestamp(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return moment.tz_convert("UTC")


def parse_history(text: str, default_source: str | None = None) -> pd.DataFrame:
    """A history file's text → tidy rows (city, indicator, time, freq, value, source),
    or a HistoryError naming every bad line (line 1 is the header)."""
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise HistoryError(
            [
                f"line 1: missing column {', '.join(repr(c) for c in missing)} "
                f"(the header is {','.join(REQUIRED)}[,source])"
            ]
        )
    unknown = [c for c in header if c not in COLUMNS]
    if unknown:
        raise HistoryError(
            [f"line 1: unknown column {unknown[0]!r} ({','.join(COLUMNS)})"]
        )
    problems, rows, seen = [], [], {}
    for line, raw in enumerate(reader, start=2):
        row = {k.strip(): (v or "").strip() for k, v in raw.items() if k is not None}
        found = check_row(row, line, default_source)
        if isinstance(found, str):
            problems.append(found)
            continue
        key = (found["city"], found["indicator"], found["time"])
        if key in seen:
            problems.append(
                f"line {line}: a second value for {found['city']} {found['indicator']} "
                f"at {found['time']:%Y-%m-%dT%H:%M:%SZ} (first on line {seen[key]})"
            )
            continue
        seen[key] = line
        rows.append(found)
    if problems:
        raise HistoryError(problems)
    if not rows:
        raise HistoryError(["the file has no rows"])
    return pd.DataFrame(
        rows, columns=["city", "indicator", "time", "freq", "value", "source"]
    )


def check_row(row: dict, line: int, default_source: str | None) -> dict | str:
    """One row checked as a refresh checks its rows, or what is wrong with it."""
    city, indicator_id = row.get("city", ""), row.get("indicator", "")
    if city not in CITIES_BY_ID:
        return f"line {line}: unknown city {city!r} ({', '.join(CITIES_BY_ID)})"
    indicator = INDICATORS_BY_ID.get(indicator_id)
    if indicator is None:
        return f"line {line}: unknown indicator {indicator_id!r}"
    source = row.get("source") or default_source
    if source not in SOURCES_BY_ID:
        return (
            f"line {line}: unknown source {source!r} (a source id of "
            "/api/sources, in the file's source column or --source)"
        )
    source_city = SOURCES_BY_ID[source].city
    if source_city is not None and source_city != city:
        return f"line {line}: source {source!r} serves {source_city}, not {city}"
    moment = parse_time(row.get("time", ""))
    if moment is None:
        return (
            f"line {line}: time {row.get('time', '')!r} is not an ISO 8601 instant with "
            "an offset or Z (e.g. 2022-08-07T22:09:32Z)"
        )
    try:
        value = float(row.get("value", ""))
    except ValueError:
        return f"line {line}: value {row.get('value', '')!r} is not a number"
    low, high = indicator.valid_range
    if not math.isfinite(value) or not low <= value <= high:
        return (
            f"line {line}: {indicator_id} {value:g} outside [{low:g}, {high:g}] "
            f"{indicator.unit}"
        )
    return {
        "city": city,
        "indicator": indicator_id,
        "time": moment,
        "freq": indicator.freq,
        "value": value,
        "source": source,
    }


@dataclass
class Imported:
    """What an import wrote: per series, the rows it could read before, added and
    now holds (counted from the data), and the rows its sidecars promised that could
    not be read (a damaged version, kept aside)."""

    series: str
    before: int
    added: int
    after: int
    unreadable: int = 0


def import_frame(
    store: SeriesStore, frame: pd.DataFrame, file_name: str
) -> list[Imported]:
    """Merge checked rows into their live series (origin=imported). A series gaining
    no row is not rewritten: importing twice changes nothing."""
    done = []
    with store.locked():  # one writer at a time, as a refresh
        for (indicator_id, city_id, source_id), rows in frame.groupby(
            ["indicator", "city", "source"]
        ):
            said = store.live_count(indicator_id, city_id, source_id)
            before = len(store.live_rows(indicator_id, city_id, source_id))
            previous, merged = store.merged_live(indicator_id, city_id, source_id, rows)
            added = len(merged) - len(previous)
            unchanged = added == 0 and previous.set_index(list(KEY))[
                "value"
            ].sort_index().equals(merged.set_index(list(KEY))["value"].sort_index())
            if not unchanged:
                source = SOURCES_BY_ID[source_id]
                store.write_live(
                    merged,
                    {
                        **source.attribution(),
                        "fetched_at": pd.Timestamp.now(tz="UTC").strftime(
                            "%Y-%m-%dT%H:%M:%SZ"
                        ),
                        "status": "ok",
                        "derivation": f"Imported from {file_name} "
                        "(python -m data_sources import-history).",
                        "inputs": [file_name],
                    },
                    origin="imported",
                )
            done.append(
                Imported(
                    f"{indicator_id}/{city_id}/{source_id}",
                    before,
                    added,
                    before + added,
                    max(said - before, 0),
                )
            )
    return done


# ------------------------------------------------------------------ the GBFS histories

HISTORIES = {
    # file, scope kept, time column (UTC), source
    "sf": (
        "mobility/sf_baywheels_gbfs_availability_hourly_2022-08_2023-07.csv",
        "whole_system",
        "feed_last_updated_utc",
        "baywheels_history",
    ),
    "paris": (
        "mobility/paris_velib_availability_snapshots_2022-05_2022-06.csv",
        "whole_network",
        "commit_time_utc",
        "velib_history",
    ),
}


def gbfs_history(data_dir: Path) -> str:
    """The tidy history file of both systems' bikes available at all their stations
    (one row per snapshot of the whole system; times in UTC)."""
    frames = []
    for city_id, (name, scope, time_column, source) in HISTORIES.items():
        raw = pd.read_csv(Path(data_dir) / name)
        kept = raw[raw["scope"] == scope]
        times = pd.to_datetime(kept[time_column], utc=True)
        frames.append(
            pd.DataFrame(
                {
                    "city": city_id,
                    "indicator": "bikes_available_all",
                    "time": times.dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "value": kept["bikes_available"].astype(int),
                    "source": source,
                }
            ).drop_duplicates(["time"], keep="first")
        )
    return pd.concat(frames, ignore_index=True).to_csv(index=False)
