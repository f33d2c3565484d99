"""Cities, indicators and sources as data: frozen records loaded from registry/*.toml.

Each registry is a tuple in file order plus a `*_BY_ID` dict derived from it.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

REGISTRY_DIR = Path(__file__).parents[1] / "registry"
# The shipped snapshot (written by build-snapshot, read by the store and, for the
# targets and events it copies, by the model).
SNAPSHOT_DIR = Path(__file__).parents[1] / "snapshot"

DOMAINS = ("air", "mobility", "energy", "waste", "traffic", "climate")
LANGUAGES = ("en", "fr")


def message(key: str, english: str) -> tuple[str, str]:
    """A message the catalogs translate: its key (the catalog's msgctxt) and its English,
    the source language. `pybabel extract -k message:1c,2` finds every one (README);
    components/i18n.py gathers them all."""
    return key, english


@dataclass(frozen=True)
class Figure:
    """One number with the year it describes and where it came from."""

    value: float
    year: int
    source: str


@dataclass(frozen=True)
class City:
    id: str
    names: dict[str, str]
    country: str
    timezone: str
    colour: str
    colour_on_dark: str
    line_dash: str
    marker_symbol: str
    lat: float
    lon: float
    population: Figure
    area_km2: Figure
    source_ids: dict[str, str]

    def name(self, lang: str) -> str:
        return self.names[lang]


@dataclass(frozen=True)
class Scaling:
    """How a normalised value is expressed: value / denominator × factor, in unit."""

    factor: float
    units: dict[str, str]


@dataclass(frozen=True)
class ReferenceLine:
    value: float
    labels: dict[str, str]


@dataclass(frozen=True)
class CityBinding:
    """What an indicator measures in one city, in both languages."""

    definitions: dict[str, str]


LEVELS = ("levels", "trends", "within_edition", "none")
COVERAGE_KINDS = (
    "station",
    "stations",
    "model_cell",
    "city",
    "county",
    "metro",
    "region",
    "network",
    "grid",
)


@dataclass(frozen=True)
class SeriesBreak:
    """Where one city's series changes station, definition, coverage or source.

    It falls on a local `date`, or on the first row that comes from `source` (live model
    values appended to a measured series)."""

    city: str
    kind: str
    reasons: dict[str, str]
    date: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class PartialPeriod:
    """A period that does not cover its whole span (a launch month, a cut-off year)."""

    city: str
    period: str
    reasons: dict[str, str]


@dataclass(frozen=True)
class Coverage:
    """What one city's figure covers; served population/area where documented."""

    kind: str
    labels: dict[str, str]
    population: Figure | None = None
    area_km2: Figure | None = None


@dataclass(frozen=True)
class Comparability:
    """What the pair allows for one indicator (applied by data_sources.model.comparability)."""

    level: str
    notes: dict[str, str]
    breaks: tuple[SeriesBreak, ...] = ()
    partial: tuple[PartialPeriod, ...] = ()
    # Figures their publisher calls provisional: shown marked, never a headline's
    # period (a comparison or change uses the latest final one).
    provisional: tuple[PartialPeriod, ...] = ()
    coverage: dict[str, Coverage] = field(default_factory=dict)


@dataclass(frozen=True)
class Indicator:
    id: str
    domain: str
    labels: dict[str, str]
    descriptions: dict[str, str]
    unit: str
    units: tuple[str, ...]
    freq: str
    higher_is_better: bool | None
    comparability: Comparability
    reference_lines: tuple[ReferenceLine, ...]
    cities: dict[str, CityBinding]
    per_capita: Scaling | None = None
    per_km2: Scaling | None = None
    headline: bool = False
    # Live values outside this range are rejected as absurd (the snapshot keeps what
    # publishers published, e.g. EPA's small negative PM2.5 readings).
    valid_range: tuple[float, float] = (0.0, float("inf"))
    # How often a new observation is expected, and how long publishers take to release
    # one (seconds); None: a closed historical series, never stale.
    cadence: int | None = None
    publication_lag: int = 0

    def label(self, lang: str) -> str:
        return self.labels[lang]


@dataclass(frozen=True)
class Licence:
    """A source's licence as its publisher states it (../shared/data/LICENCES.md, read
    into the snapshot by build-snapshot): `status` verified / partial / not found / not
    applicable; `commercial` yes / no / unclear (may a newspaper republish a chart)."""

    status: str
    name: str  # the licence's standard name; "" where no publisher text names it
    quote: str
    page: str
    credit: str
    commercial: str
    commercial_note: str
    lines: dict[str, str]  # the credit line to show, per language

    def line(self, lang: str) -> str:
        return self.lines[lang]

    def attribution(self, url: str) -> dict[str, str]:
        """The licence part of a series' provenance: its name (or that it is to be
        confirmed) and the page that states it (else the dataset's own page)."""
        return {
            "licence": self.name or UNCONFIRMED_NAME,
            "licence_url": self.page or url,
        }


UNCONFIRMED_NAME = "licence to be confirmed with the publisher"


def licence_from(fact: dict) -> Licence:
    """A source's licence facts as build-snapshot writes them (licences.json)."""
    return Licence(
        fact["status"],
        fact["licence"],
        fact["quote"],
        fact["page"],
        fact["credit"],
        fact["commercial"],
        fact["commercial_note"],
        fact["line"],
    )


UNCONFIRMED = Licence(
    "not found",
    "",
    "",
    "",
    "",
    "unclear",
    "",
    {"en": UNCONFIRMED_NAME, "fr": "licence à confirmer auprès de l'éditeur"},
)


@dataclass(frozen=True)
class Source:
    id: str
    publisher: str
    dataset: str
    url: str
    licence: str  # the licence's name, or that it is to be confirmed (from `terms`)
    licence_url: str
    terms: Licence = UNCONFIRMED
    base_url: str | None = None  # a live source; None for snapshot-only publishers
    update_every: int | None = None  # seconds after which its data count as stale
    city: str | None = None  # a source that serves one city only
    api_key_env: str | None = None  # required key: disabled without it
    app_token_env: str | None = None  # optional token
    # A GBFS feed's identity: the system names / ids its system_information may give.
    system_names: tuple[str, ...] = ()
    system_ids: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()  # "city:indicator" a live refresh writes
    # A snapshot-only publisher: why no live source stands behind what it gives.
    no_live_source: str | None = None

    @property
    def live(self) -> bool:
        return self.base_url is not None

    def attribution(self) -> dict[str, str]:
        """Who published what, under which licence: the part of every stored series'
        provenance that comes from the registry."""
        return {
            "publisher": self.publisher,
            "dataset": self.dataset,
            "url": self.url,
            "licence": self.licence,
            "licence_url": self.licence_url,
        }

    @property
    def url_env(self) -> str:
        return f"SISTERCITIES_{self.id.upper()}_URL"


def _by_lang(table: dict, stem: str) -> dict[str, str]:
    return {lang: table[f"{stem}_{lang}"] for lang in LANGUAGES}


def _scaling(table: dict | None) -> Scaling | None:
    if table is None:
        return None
    return Scaling(factor=float(table["factor"]), units=_by_lang(table, "unit"))


DURATION = re.compile(r"(\d+)(min|h|d|mo|y)")
DURATION_SECONDS = {
    "min": 60,
    "h": 3600,
    "d": 86_400,
    "mo": 31 * 86_400,
    "y": 366 * 86_400,
}


def duration_seconds(text: str | None) -> int | None:
    """'15min', '2h', '1d', '1mo', '1y' → seconds (months and years rounded up)."""
    if text is None:
        return None
    match = DURATION.fullmatch(text)
    if match is None:
        raise ValueError(f"bad duration '{text}' (e.g. 15min, 2h, 1d, 1mo, 1y)")
    return int(match[1]) * DURATION_SECONDS[match[2]]


def _figure(table: dict | None) -> Figure | None:
    return None if table is None else Figure(**table)


def _comparability(table: dict) -> Comparability:
    level = table["level"]
    if level not in LEVELS:
        raise ValueError(f"comparability level '{level}' not in {LEVELS}")
    coverage = {}
    for city_id, entry in table.get("coverage", {}).items():
        if entry["kind"] not in COVERAGE_KINDS:
            raise ValueError(f"coverage kind '{entry['kind']}' not in {COVERAGE_KINDS}")
        coverage[city_id] = Coverage(
            kind=entry["kind"],
            labels=_by_lang(entry, "label"),
            population=_figure(entry.get("population")),
            area_km2=_figure(entry.get("area_km2")),
        )
    return Comparability(
        level=level,
        notes=_by_lang(table, "note"),
        breaks=tuple(
            SeriesBreak(
                city=entry["city"],
                kind=entry["kind"],
                reasons=_by_lang(entry, "reason"),
                date=entry.get("date"),
                source=entry.get("source"),
            )
            for entry in table.get("breaks", [])
        ),
        partial=_periods(table.get("partial", [])),
        provisional=_periods(table.get("provisional", [])),
        coverage=coverage,
    )


def _periods(entries: list[dict]) -> tuple[PartialPeriod, ...]:
    """Periods listed with their reason (partial or provisional ones)."""
    return tuple(
        PartialPeriod(
            city=entry["city"],
            period=entry["period"],
            reasons=_by_lang(entry, "reason"),
        )
        for entry in entries
    )


def _load(name: str) -> dict:
    with open(REGISTRY_DIR / name, "rb") as handle:
        return tomllib.load(handle)


def load_cities() -> tuple[City, ...]:
    raw = _load("cities.toml")
    return tuple(
        City(
            id=city_id,
            names=_by_lang(entry, "name"),
            country=entry["country"],
            timezone=entry["timezone"],
            colour=entry["colour"],
            colour_on_dark=entry["colour_on_dark"],
            line_dash=entry["line_dash"],
            marker_symbol=entry["marker_symbol"],
            lat=entry["lat"],
            lon=entry["lon"],
            population=Figure(**entry["population"]),
            area_km2=Figure(**entry["area_km2"]),
            source_ids=dict(entry["source_ids"]),
        )
        for city_id, entry in raw["cities"].items()
    )


def load_indicators() -> tuple[Indicator, ...]:
    raw = _load("indicators.toml")
    indicators = []
    for indicator_id, entry in raw["indicators"].items():
        indicators.append(
            Indicator(
                id=indicator_id,
                domain=entry["domain"],
                labels=_by_lang(entry, "label"),
                descriptions=_by_lang(entry, "description"),
                unit=entry["unit"],
                units=tuple(entry.get("units", [entry["unit"]])),
                freq=entry["freq"],
                higher_is_better=entry.get("higher_is_better"),
                comparability=_comparability(entry["comparability"]),
                reference_lines=tuple(
                    ReferenceLine(value=line["value"], labels=_by_lang(line, "label"))
                    for line in entry.get("reference_lines", [])
                ),
                cities={
                    city_id: CityBinding(definitions=_by_lang(binding, "definition"))
                    for city_id, binding in entry.get("cities", {}).items()
                },
                per_capita=_scaling(entry.get("per_capita")),
                per_km2=_scaling(entry.get("per_km2")),
                headline=entry.get("headline", False),
                valid_range=tuple(entry.get("valid_range", (0.0, float("inf")))),
                cadence=duration_seconds(entry.get("cadence")),
                publication_lag=duration_seconds(entry.get("publication_lag")) or 0,
            )
        )
    return tuple(indicators)


LICENCES_PATH = SNAPSHOT_DIR / "_licences" / "licences.json"


def load_licences(path: Path = LICENCES_PATH) -> dict[str, Licence]:
    """Each source's licence facts, as build-snapshot wrote them (none: unconfirmed)."""
    if not path.exists():
        return {}
    with open(path, encoding="utf-8") as handle:
        facts = json.load(handle)["sources"]
    return {source_id: licence_from(fact) for source_id, fact in facts.items()}


def load_sources() -> tuple[Source, ...]:
    raw = _load("sources.toml")
    licences = load_licences()
    sources = []
    for source_id, entry in raw["sources"].items():
        terms = licences.get(source_id, UNCONFIRMED)
        sources.append(
            Source(
                id=source_id,
                **terms.attribution(entry["url"]),
                terms=terms,
                **{k: tuple(v) if isinstance(v, list) else v for k, v in entry.items()},
            )
        )
    return tuple(sources)


CITIES = load_cities()
CITIES_BY_ID = {city.id: city for city in CITIES}
PAIR: tuple[str, str] = tuple(_load("cities.toml")["pair"])  # type: ignore[assignment]
INDICATORS = load_indicators()
INDICATORS_BY_ID = {indicator.id: indicator for indicator in INDICATORS}
SOURCES = load_sources()
SOURCES_BY_ID = {source.id: source for source in SOURCES}


@dataclass(frozen=True)
class Deck:
    """A named sequence of slides for the stage mode."""

    id: str
    labels: dict[str, str]
    slides: tuple[str, ...]


def load_decks() -> tuple[Deck, ...]:
    raw = _load("decks.toml")
    return tuple(
        Deck(id=deck_id, labels=entry["labels"], slides=tuple(entry["slides"]))
        for deck_id, entry in raw["decks"].items()
    )


DECKS = load_decks()
DECKS_BY_ID = {deck.id: deck for deck in DECKS}


def headline_indicator(domain: str) -> Indicator:
    """The indicator a domain shows first."""
    return next(i for i in INDICATORS if i.domain == domain and i.headline)
