"""What the comparability model answers with, and how it is worded: a refusal (and why,
in both languages), a span of periods, a ratio, a change, a break shown in the rows, and
the whole assessment of a shown frame. Records only; the rules that fill them are in
`comparability`, the one place a number comparing the two cities is computed."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from data_sources.model.registries import CITIES_BY_ID, SeriesBreak, message

VIEWS = ("side", "overlay", "gap", "ratio")


# How far back a dense series is averaged, and the share of its periods that must
# have a value (the EU's 75 % rule for annual means of daily data).
WINDOW = {"daily": pd.Timedelta(days=365), "hourly": pd.Timedelta(days=7)}


MIN_COVERAGE = 0.75


# A dense gap or ratio view pairs means over these periods, each needing enough
# common values.
AGGREGATE = {"daily": ("monthly", "%Y-%m", 15), "hourly": ("daily", "%Y-%m-%d", 12)}


# Two instant readings compare when taken this close together.
SAME_MOMENT = pd.Timedelta(hours=1)


# A shared axis where one city's range fills less than this share of it hides it.
SCALES_DIFFER = 0.25


PER_CAPITA_COVERAGE = ("city",)


@dataclass(frozen=True)
class Refusal:
    """A comparison the model does not allow; `reason` is a key the UI words."""

    reason: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Span:
    """A run of periods (local labels): one period when first == last."""

    first: str
    last: str
    count: int = 1

    @property
    def single(self) -> bool:
        return self.first == self.last


@dataclass(frozen=True)
class Population:
    """The population a city's figure was divided by: its year and headcount."""

    city: str
    year: int
    value: float


@dataclass(frozen=True)
class Ratio:
    """a ÷ b over the same span (a mean over a common window for dense series).

    For totals, a and b are per inhabitant (in the indicator's per-capita unit),
    `people` the populations they were divided by and `totals` the values divided."""

    cities: tuple[str, str]  # (a, b)
    value: float
    a: float
    b: float
    span: Span
    window: bool  # True: means over a window of common periods
    edition: str = ""
    people: tuple[Population | None, ...] = ()
    totals: tuple[float | None, ...] = ()

    @property
    def per_inhabitant(self) -> bool:
        return bool(self.people)


@dataclass(frozen=True)
class Change:
    """One city's change between two comparable spans of its own series."""

    percent: float
    start: Span
    end: Span
    start_value: float
    end_value: float
    window: bool  # True: 12-month (or 7-day) means, the same months of each year
    after_break: SeriesBreak | None = None  # the break it starts after, if shown


@dataclass(frozen=True)
class ShownBreak:
    """A series break inside the shown rows: the first period after it."""

    city: str
    period: str
    rule: SeriesBreak


@dataclass(frozen=True)
class Assessment:
    """Everything the model allows for one shown frame, computed once."""

    level: str
    views: dict[str, Refusal | None]
    ratio: Ratio | Refusal | None
    changes: dict[str, Change | Refusal | None]
    breaks: tuple[ShownBreak, ...]
    scales_differ: bool
    latest_common: str | None = None  # the newest period the cities compare in


# Refusal parameters that are words, and the key prefix of their messages.
WORDED_PARAMS = {"kind": "coverage.", "periods": "periods."}
COVERAGE_WORDS: dict[str, str] = dict(
    (
        message("coverage.station", "one station"),
        message("coverage.stations", "a set of stations"),
        message("coverage.model_cell", "one model cell"),
        message("coverage.city", "the city"),
        message("coverage.county", "a county"),
        message("coverage.metro", "an urban area"),
        message("coverage.region", "a whole region"),
        message("coverage.network", "a whole network"),
        message("coverage.grid", "a power grid"),
    )
)


PERIOD_WORDS: dict[str, str] = dict(
    (
        message("periods.monthly", "months"),
        message("periods.daily", "days"),
        message("periods.hourly", "hours"),
    )
)


def explain(refusal: Refusal) -> str:
    """A refusal in English, for the errors the data layer raises (the API quotes
    them). Pages word refusals in their language from the same messages
    (components.i18n.explain)."""
    params = dict(refusal.params)
    if params.get("city") in CITIES_BY_ID:
        params["city"] = CITIES_BY_ID[params["city"]].name("en")
    for name, words in (("kind", COVERAGE_WORDS), ("periods", PERIOD_WORDS)):
        if name in params:
            params[name] = words[f"{WORDED_PARAMS[name]}{params[name]}"]
    return REASONS[f"reason.{refusal.reason}"].format(**params)


# What each refusal says (English; the catalogs translate it, the API quotes it).
REASONS: dict[str, str] = dict(
    (
        message(
            "reason.level.none",
            "The two cities' figures are not the same measure: they are shown side by side, never computed against each other.",
        ),
        message(
            "reason.level.trends",
            "The two cities measure this differently: compare their trends (values as an index), not their levels.",
        ),
        message(
            "reason.level.within_edition",
            "Each survey edition changes its method: figures compare within one edition, never as an index across years.",
        ),
        message(
            "reason.index.editions",
            "No index: each survey edition changes its method, so one year cannot be set against another.",
        ),
        message(
            "reason.per_capita.intensive",
            "This is not an extensive quantity ({unit}): dividing it by population makes no sense.",
        ),
        message(
            "reason.per_km2.intensive",
            "This is not an extensive quantity ({unit}): dividing it by area makes no sense.",
        ),
        message(
            "reason.per_capita.undefined",
            "No per-inhabitant form is defined for this indicator.",
        ),
        message(
            "reason.per_km2.undefined",
            "No per-km² form is defined for this indicator: its publishers relate it to people, not to land.",
        ),
        message(
            "reason.per_capita.coverage",
            "{city}'s figure covers {kind}, not the city, and the population it serves is not documented: per inhabitant would divide it by the wrong population.",
        ),
        message(
            "reason.per_km2.coverage",
            "{city}'s figure covers {kind}, not the city, and the area it serves is not documented: per km² would divide it by the wrong area.",
        ),
        message(
            "reason.ratio.index",
            "No ratio of index values: an index compares each city with itself.",
        ),
        message(
            "reason.ratio.moment",
            "The two latest readings were not taken at the same moment.",
        ),
        message("reason.ratio.zero", "The other city's value is 0."),
        message(
            "reason.totals.absolute",
            "These are totals of two cities of different size: their gap and ratio are drawn per inhabitant (choose Per inhabitant).",
        ),
        message(
            "reason.ratio.totals_coverage",
            "No ratio: totals compare per inhabitant only, and these networks' populations are not published.",
        ),
        message(
            "reason.ratio.editions",
            "No figures of the same survey edition for both cities.",
        ),
        message(
            "reason.change.no_year_before",
            "Too few {periods} measured in the same months a year earlier: no change computed (never against an older year instead).",
        ),
        message(
            "reason.change.editions",
            "Each survey edition changes its method: no change is computed across years.",
        ),
        message(
            "reason.no_common_period", "The two cities have no period in common here."
        ),
        message(
            "reason.window_coverage",
            "Too few days measured by both cities in the last {days} days to compare their means.",
        ),
        message(
            "reason.index.base_missing", "No value in base year {year} for {city}."
        ),
        message(
            "reason.index.base_incomplete",
            "{city} has no complete base year {year} ({count} of {needed} {periods}): an index would rest on part of a year.",
        ),
        message(
            "reason.index.no_base",
            "{city} has no complete year to serve as the index base.",
        ),
        message(
            "reason.index.zero", "{city}'s value in {year} is 0: no index possible."
        ),
        message(
            "reason.window.too_few",
            "Too few values on one side of the event ({count}; at least half of {wanted} periods on each side).",
        ),
        message(
            "reason.window.break",
            "The series breaks inside the window: before and after do not measure the same thing.",
        ),
        message("reason.population_missing", "No population figure for {city}."),
    )
)
