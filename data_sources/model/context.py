"""Each city's own targets and the policy events that shaped its series, as data.

The published rows (document, address, quoted sentence, dates) are the snapshot's
`_context/` copies of ../shared/data/context (written by build-snapshot, with their
checksums); the registry adds what is ours to say: labels in both languages, the
indicator that measures a target and how its number is read (registry/targets.toml),
and the French titles of events whose sources are in English (registry/events.toml).

The status of a target is computed from the data by one written rule (`target_status`,
pure; the README's "Targets" section words the same rule):

1. `no_data` — nothing measures it, it is not one number, it has no target year, its
   change has no baseline year or no value in that year, or there is no value after
   the baseline up to the target year.
2. The target year has a value: `achieved` if it meets the target, else `missed`.
3. Otherwise the latest value before the target year is set against the straight path
   from the baseline (its year and value) to the target (its year and level): at or
   better than the path, `on_track`; worse, `off_track`. When the target year is past
   and its value not published yet, the status says where the latest value stood.

A change is read within one series segment: never across a break in the series (a
new station, definition or source, see the comparability model).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from data_sources.model.observations import spreadsheet_safe
from data_sources.model.registries import (
    CITIES,
    DOMAINS,
    INDICATORS_BY_ID,
    LANGUAGES,
    SNAPSHOT_DIR,
    _by_lang,
    _load,
    message,
)

CONTEXT_DIR = SNAPSHOT_DIR / "_context"
# The files copied from ../shared/data/context, and what they are.
CONTEXT_FILES = {
    "city_targets.csv": "Each city's own targets, each with its document, address and quoted sentence.",
    "events.csv": "Dated policy events, each with a date precision, a source and a quote.",
}
PROVENANCE_FILE = "provenance.json"
CONTEXT_LICENCE = (
    "Facts and short quotations from the public pages each row names; cite the page."
)
STATUSES = ("achieved", "missed", "on_track", "off_track", "awaiting_data", "no_data")
PRECISIONS = ("day", "month", "year")
CITY_IDS_BY_NAME = {city.names["en"]: city.id for city in CITIES}


# ------------------------------------------------------------------ records


@dataclass(frozen=True)
class Target:
    id: str
    city: str
    domain: str
    labels: dict[str, str]
    # As published (the CSV's own text).
    published_value: str
    published_unit: str
    document: str
    source_url: str
    quote: str
    note: str
    # How it is read (None where nothing measures it).
    indicator: str | None = None
    kind: str | None = None  # "level" | "change"
    value: float | None = None
    baseline_year: int | None = None
    target_year: int | None = None
    part: dict[str, str] | None = None  # which part of the row is measured
    why: dict[str, str] | None = None  # why there is no status, where not plain
    superseded: bool = False

    def label(self, lang: str) -> str:
        return self.labels[lang]

    @property
    def unit(self) -> str:
        """The unit of `value`: the indicator's, or % from the baseline year."""
        if self.kind == "change":
            return f"% vs {self.baseline_year}" if self.baseline_year else "%"
        if self.indicator is not None:
            return INDICATORS_BY_ID[self.indicator].unit
        return self.published_unit


@dataclass(frozen=True)
class Event:
    id: str
    city: str
    date: str  # ISO; as precise as `precision`
    precision: str  # day | month | year
    domain: str  # as published: a theme, or "covid" / "events" (drawn on every theme)
    titles: dict[str, str]
    source_url: str
    quote: str
    note: str

    def title(self, lang: str) -> str:
        return self.titles[lang]

    @property
    def start(self) -> pd.Timestamp:
        """The first day it may fall on (a month or a year: its first day)."""
        return pd.Timestamp(self.date)

    def on(self, domain: str) -> bool:
        return self.domain == domain or self.domain in EVERY_DOMAIN


@dataclass(frozen=True)
class Status:
    """A target's status and the values it was computed from."""

    status: str
    reason: str  # a key the components word (STATUS_REASONS)
    level: float | None = None  # the target as a value of the indicator
    latest: tuple[str, float] | None = None  # (period, value) the status used
    baseline: tuple[str, float] | None = None
    path: float | None = None  # where the straight path stood at `latest`


# ------------------------------------------------------------------ loading


def read_context_csv(name: str, folder: Path = CONTEXT_DIR) -> list[dict[str, str]]:
    with open(folder / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _year(text: str) -> int | None:
    return int(text) if text.strip().isdigit() else None


def load_targets(folder: Path = CONTEXT_DIR) -> tuple[Target, ...]:
    entries = _load("targets.toml")["targets"]
    by_row = {tuple(entry["row"]): (tid, entry) for tid, entry in entries.items()}
    targets = []
    for row in read_context_csv("city_targets.csv", folder):
        key = (row["city"], row["indicator"], row["target_year"])
        if key not in by_row:
            raise ValueError(f"targets.toml has no entry for the row {key}")
        target_id, entry = by_row.pop(key)
        indicator = entry.get("measured_by")
        if indicator is not None and (
            indicator not in INDICATORS_BY_ID
            or INDICATORS_BY_ID[indicator].freq != "annual"
        ):
            raise ValueError(f"{target_id}: '{indicator}' is not an annual indicator")
        if entry.get("kind", "level") not in ("level", "change"):
            raise ValueError(f"{target_id}: kind is 'level' or 'change'")
        published_baseline = _year(row["baseline_year"])
        if "baseline_year" in entry and published_baseline not in (
            None,
            entry["baseline_year"],
        ):
            raise ValueError(f"{target_id}: baseline year differs from the row's")
        targets.append(
            Target(
                id=target_id,
                city=CITY_IDS_BY_NAME[row["city"]],
                domain=row["domain"],
                labels=_by_lang(entry, "label"),
                published_value=row["target_value"],
                published_unit=row["unit"],
                document=row["document"],
                source_url=row["url"],
                quote=row["quote"],
                note=row["note"],
                indicator=indicator,
                kind=entry.get("kind") if indicator else None,
                value=entry.get("value") if indicator else None,
                baseline_year=entry.get("baseline_year", published_baseline),
                target_year=entry.get("target_year", _year(row["target_year"])),
                part=_by_lang(entry, "part") if "part_en" in entry else None,
                why=_by_lang(entry, "why") if "why_en" in entry else None,
                superseded=entry.get("superseded", False),
            )
        )
    if by_row:
        raise ValueError(f"targets.toml entries match no row: {sorted(by_row)}")
    return tuple(targets)


def _events_registry() -> dict:
    return _load("events.toml")


EVERY_DOMAIN = tuple(_events_registry()["every_domain"])


def load_events(folder: Path = CONTEXT_DIR) -> tuple[Event, ...]:
    french = {
        tuple(entry["key"]): entry["text"] for entry in _events_registry()["title_fr"]
    }
    events = []
    for row in read_context_csv("events.csv", folder):
        key = (row["city"], row["date"], row["domain"])
        title_fr = row["title_fr"] or french.pop(key, "")
        if not title_fr:
            raise ValueError(f"no French title for the event {key}")
        if row["date_precision"] not in PRECISIONS:
            raise ValueError(f"{key}: date precision '{row['date_precision']}'")
        if row["domain"] not in DOMAINS and row["domain"] not in EVERY_DOMAIN:
            raise ValueError(f"{key}: unknown domain '{row['domain']}'")
        city = CITY_IDS_BY_NAME[row["city"]]
        same_day = sum(1 for e in events if (e.city, e.date) == (city, row["date"]))
        events.append(
            Event(
                id=f"{city}-{row['date']}" + (f"-{same_day + 1}" if same_day else ""),
                city=city,
                date=row["date"],
                precision=row["date_precision"],
                domain=row["domain"],
                titles={"en": row["title_en"], "fr": title_fr},
                source_url=row["source_url"],
                quote=row["quote"],
                note=row["note"],
            )
        )
    if french:
        raise ValueError(f"events.toml titles match no row: {sorted(french)}")
    return tuple(sorted(events, key=lambda e: (e.date, e.city)))


@lru_cache(maxsize=1)
def targets() -> tuple[Target, ...]:
    return load_targets()


@lru_cache(maxsize=1)
def events() -> tuple[Event, ...]:
    return load_events()


@lru_cache(maxsize=1)
def events_by_id() -> dict[str, Event]:
    return {event.id: event for event in events()}


def context_provenance() -> dict:
    with open(CONTEXT_DIR / PROVENANCE_FILE, encoding="utf-8") as handle:
        return json.load(handle)


def check_context(data_dir: Path) -> None:
    """Every published row read with its registry entry, or a ValueError saying which
    (before the snapshot build touches its output)."""
    folder = Path(data_dir) / "context"
    load_targets(folder)
    load_events(folder)


def copy_context(data_dir: Path, out_dir: Path) -> dict:
    """Copy the context files into a snapshot folder, with their provenance (the
    snapshot build's part for targets and events)."""
    folder = Path(out_dir) / "_context"
    folder.mkdir(parents=True, exist_ok=True)
    provenance = {}
    for name, description in CONTEXT_FILES.items():
        data = (Path(data_dir) / "context" / name).read_bytes()
        (folder / name).write_bytes(data)
        provenance[name] = {
            "description": description,
            "input": f"../shared/data/context/{name}",
            "sha256": hashlib.sha256(data).hexdigest(),
            "licence": CONTEXT_LICENCE,
        }
    text = json.dumps(provenance, indent=2, sort_keys=True, ensure_ascii=False)
    (folder / PROVENANCE_FILE).write_text(text + "\n", encoding="utf-8")
    return provenance


# ------------------------------------------------------------------ the status rule


def years_of(rows: pd.DataFrame) -> pd.DataFrame:
    """One city's annual rows → year, value, segment (partial years left out)."""
    kept = rows[~rows["partial"].astype(bool)]
    return pd.DataFrame(
        {
            "year": kept["period"].str[:4].astype(int).to_numpy(),
            "value": kept["value"].astype(float).to_numpy(),
            "segment": kept["segment"].to_numpy(),
        }
    ).sort_values("year")


def lower_is_met(target: Target) -> bool:
    """A change below 0 is a cut; a level is met from below unless higher is better."""
    if target.kind == "change":
        return target.value < 0
    return not INDICATORS_BY_ID[target.indicator].higher_is_better


def target_status(
    target: Target, rows: pd.DataFrame, this_year: int | None = None
) -> Status:
    """The rule of the module docstring, for one target and its city's rows (the
    data API's frame: period, value, partial, segment); `this_year` (default: the
    current one) tells a target year that is past from one still to come."""
    this_year = this_year or dt.date.today().year
    if target.indicator is None:
        return Status("no_data", "no_indicator")
    if target.value is None:
        return Status("no_data", "not_a_number")
    if target.target_year is None:
        return Status("no_data", "no_target_year")
    found = years_of(rows)
    found = found[found["year"] <= target.target_year]
    base = None
    if target.baseline_year is not None:
        in_base = found[found["year"] == target.baseline_year]
        if not in_base.empty:
            base = in_base.iloc[-1]
            # One segment: a change is never read across a series break.
            found = found[
                (found["segment"] == base["segment"])
                & (found["year"] > target.baseline_year)
            ]
    if target.kind == "change":
        if target.baseline_year is None:
            return Status("no_data", "no_baseline_year")
        if base is None:
            return Status("no_data", "baseline_not_measured")
        level = float(base["value"]) * (1 + target.value / 100)
    else:
        level = float(target.value)
    if found.empty:
        return Status("no_data", "no_value", level)
    lower = lower_is_met(target)

    def meets(value: float, bar: float) -> bool:
        return value <= bar if lower else value >= bar

    baseline = None if base is None else (str(int(base["year"])), float(base["value"]))
    latest = found.iloc[-1]
    used = (str(int(latest["year"])), float(latest["value"]))
    if int(latest["year"]) == target.target_year:
        status = "achieved" if meets(used[1], level) else "missed"
        return Status(status, "target_year", level, used, baseline)
    if base is None:
        return Status("no_data", "no_baseline_year", level)
    share = (int(latest["year"]) - int(base["year"])) / (
        target.target_year - int(base["year"])
    )
    path = float(base["value"]) + (level - float(base["value"])) * share
    on_path = meets(used[1], path)
    if target.target_year < this_year:
        # The target year is past and its figure not published: neither on nor off
        # track, but where the latest value stood.
        reason = "awaiting.on_path" if on_path else "awaiting.off_path"
        return Status("awaiting_data", reason, level, used, baseline, path)
    status = "on_track" if on_path else "off_track"
    return Status(status, "path", level, used, baseline, path)


# What a status and its reason say (English; the catalogs translate them).
STATUS_WORDS: dict[str, str] = dict(
    (
        message("target_status.achieved", "achieved"),
        message("target_status.missed", "missed"),
        message("target_status.on_track", "on track"),
        message("target_status.off_track", "off track"),
        message("target_status.awaiting_data", "awaiting data"),
        message("target_status.no_data", "no data"),
    )
)
STATUS_REASONS: dict[str, str] = dict(
    (
        message("target_reason.no_indicator", "No indicator here measures it."),
        message("target_reason.not_a_number", "It is not one number."),
        message("target_reason.no_target_year", "It has no target year."),
        message(
            "target_reason.no_baseline_year",
            "No baseline year is stated, so there is no path to measure it against.",
        ),
        message(
            "target_reason.baseline_not_measured",
            "The series has no value in the baseline year {year}.",
        ),
        message(
            "target_reason.no_value",
            "No value between the baseline and the target year.",
        ),
        message(
            "target_reason.target_year",
            "{period}: {value} against a target of {level}.",
        ),
        message(
            "target_reason.awaiting.off_path",
            "The {target_year} figure is not published yet; in {period} it was {value}, worse than the straight path from {base_period} to the target ({path}).",
        ),
        message(
            "target_reason.awaiting.on_path",
            "The {target_year} figure is not published yet; in {period} it was {value}, at or better than the straight path from {base_period} to the target ({path}).",
        ),
        message(
            "target_reason.path",
            "{period}: {value}; the straight path from {base_period} to the target stood at {path}.",
        ),
    )
)


# ------------------------------------------------------------------ on a chart


def events_between(
    domain: str, first: pd.Timestamp, end: pd.Timestamp, city_ids: tuple[str, ...]
) -> tuple[Event, ...]:
    """The events drawn on a chart of `domain` spanning [first, end), in date order."""
    return tuple(
        event
        for event in events()
        if event.city in city_ids and event.on(domain) and first <= event.start < end
    )


def drawn_targets(targets_and_statuses, indicator_id: str, year: int) -> tuple:
    """The (Target, Status) pairs a chart of the indicator draws, in year order: each
    city's current targets with a level and a year — those already due and the next
    one after `year` (later ones would squeeze the data into a corner of the axis;
    they are listed under the chart) — one per year and level (documents repeat each
    other)."""
    kept, seen, next_year = [], set(), {}
    for target, status in targets_and_statuses:
        if (
            target.indicator != indicator_id
            or target.superseded
            or status.level is None
            or target.target_year is None
        ):
            continue
        key = (target.city, target.target_year, status.level)
        if key not in seen:
            seen.add(key)
            kept.append((target, status))
            if target.target_year >= year:
                next_year[target.city] = min(
                    next_year.get(target.city, target.target_year), target.target_year
                )
    return tuple(
        sorted(
            (
                (target, status)
                for target, status in kept
                if target.target_year <= next_year.get(target.city, year)
            ),
            key=lambda pair: pair[0].target_year,
        )
    )


# ------------------------------------------------------------------ as published data


def target_record(target: Target, status: Status) -> dict:
    """A target and its status as the data API gives it (JSON and CSV)."""
    return {
        "id": target.id,
        "city": target.city,
        "domain": target.domain,
        "indicator": target.indicator,
        "label": target.labels,
        "target_value": target.value,
        "unit": target.unit,
        "baseline_year": target.baseline_year,
        "target_year": target.target_year,
        "target_level": status.level,
        "status": status.status,
        "status_reason": status.reason,
        "latest": None
        if status.latest is None
        else {"period": status.latest[0], "value": status.latest[1]},
        "baseline": None
        if status.baseline is None
        else {"period": status.baseline[0], "value": status.baseline[1]},
        "path_value": status.path,
        "measured_part": target.part,
        "why_no_status": target.why,
        "superseded": target.superseded,
        "published": {"value": target.published_value, "unit": target.published_unit},
        "document": target.document,
        "source_url": target.source_url,
        "quote": target.quote,
        "note": target.note,
    }


def event_record(event: Event) -> dict:
    return {
        "id": event.id,
        "city": event.city,
        "date": event.date,
        "precision": event.precision,
        "domain": event.domain,
        "every_domain": event.domain in EVERY_DOMAIN,
        "title": event.titles,
        "source_url": event.source_url,
        "quote": event.quote,
        "note": event.note,
    }


# The nested fields of the records above, and their parts (a CSV's columns).
NESTED = {
    "label": LANGUAGES,
    "title": LANGUAGES,
    "measured_part": LANGUAGES,
    "why_no_status": LANGUAGES,
    "latest": ("period", "value"),
    "baseline": ("period", "value"),
    "published": ("value", "unit"),
}


def flat(record: dict) -> dict:
    """A record with its nested parts as columns (`label_en`, `latest_value`…): CSV."""
    out = {}
    for key, value in record.items():
        if key in NESTED:
            for part in NESTED[key]:
                out[f"{key}_{part}"] = None if value is None else value[part]
        else:
            out[key] = value
    return out


def records_csv(records: list[dict]) -> str:
    """Records as CSV, nested fields as columns (the API's and the data package's),
    every text cell safe to open in a spreadsheet."""
    rows = [
        {key: spreadsheet_safe(value) for key, value in flat(record).items()}
        for record in records
    ]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else [])
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
