"""What the comparability model answers with, and how it is worded: a refusal (and why,
in both languages), a span of periods, a ratio, a change, a break shown in the rows, and
the whole assessment of a shown frame. Records only; the rules that fill them are in
`comparability`, the one place a number comparing the two cities is computed."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from data_sources.model.registries import CITIES_BY_ID, SeriesBreak

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
class Ratio:
    """a ÷ b over the same span (a mean over a common window for dense series)."""

    cities: tuple[str, str]  # (a, b)
    value: float
    a: float
    b: float
    span: Span
    window: bool  # True: means over a window of common periods
    edition: str = ""


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


COVERAGE_WORDS = {
    "station": {"en": "one station", "fr": "une station"},
    "stations": {"en": "a set of stations", "fr": "un ensemble de stations"},
    "model_cell": {"en": "one model cell", "fr": "une maille de modèle"},
    "city": {"en": "the city", "fr": "la ville"},
    "county": {"en": "a county", "fr": "un comté"},
    "metro": {"en": "an urban area", "fr": "une aire urbaine"},
    "region": {"en": "a whole region", "fr": "une région entière"},
    "network": {"en": "a whole network", "fr": "un réseau entier"},
    "grid": {"en": "a power grid", "fr": "un réseau électrique"},
}


PERIOD_WORDS = {
    "monthly": {"en": "months", "fr": "mois"},
    "daily": {"en": "days", "fr": "jours"},
    "hourly": {"en": "hours", "fr": "heures"},
}


def explain(refusal: Refusal, lang: str) -> str:
    """A refusal in words ("en" for API errors, either language on pages)."""
    params = dict(refusal.params)
    if "city" in params and params["city"] in CITIES_BY_ID:
        params["city"] = CITIES_BY_ID[params["city"]].name(lang)
    if "kind" in params:
        params["kind"] = COVERAGE_WORDS[params["kind"]][lang]
    if "periods" in params:
        params["periods"] = PERIOD_WORDS[params["periods"]][lang]
    return REASONS[refusal.reason][lang].format(**params)


# What each refusal says, in both languages (the API quotes the English one).
REASONS: dict[str, dict[str, str]] = {
    "level.none": {
        "en": "The two cities' figures are not the same measure: they are shown side by side, never computed against each other.",
        "fr": "Les chiffres des deux villes ne mesurent pas la même chose : ils sont montrés côte à côte, jamais calculés l'un par rapport à l'autre.",
    },
    "level.trends": {
        "en": "The two cities measure this differently: compare their trends (values as an index), not their levels.",
        "fr": "Les deux villes ne le mesurent pas de la même façon : comparer leurs tendances (valeurs en indice), pas leurs niveaux.",
    },
    "level.within_edition": {
        "en": "Each survey edition changes its method: figures compare within one edition, never as an index across years.",
        "fr": "Chaque édition de l'enquête change de méthode : les chiffres se comparent au sein d'une édition, jamais en indice d'une année à l'autre.",
    },
    "index.editions": {
        "en": "No index: each survey edition changes its method, so one year cannot be set against another.",
        "fr": "Pas d'indice : chaque édition de l'enquête change de méthode, une année ne peut donc pas être rapportée à une autre.",
    },
    "per_capita.intensive": {
        "en": "This is not an extensive quantity ({unit}): dividing it by population makes no sense.",
        "fr": "Ce n'est pas une grandeur extensive ({unit}) : la diviser par la population n'a pas de sens.",
    },
    "per_km2.intensive": {
        "en": "This is not an extensive quantity ({unit}): dividing it by area makes no sense.",
        "fr": "Ce n'est pas une grandeur extensive ({unit}) : la diviser par la surface n'a pas de sens.",
    },
    "per_capita.undefined": {
        "en": "No per-inhabitant form is defined for this indicator.",
        "fr": "Aucune forme par habitant n'est définie pour cet indicateur.",
    },
    "per_km2.undefined": {
        "en": "No per-km² form is defined for this indicator: its publishers relate it to people, not to land.",
        "fr": "Aucune forme par km² n'est définie pour cet indicateur : ses éditeurs le rapportent aux habitants, pas au territoire.",
    },
    "per_capita.coverage": {
        "en": "{city}'s figure covers {kind}, not the city, and the population it serves is not documented: per inhabitant would divide it by the wrong population.",
        "fr": "Le chiffre de {city} couvre {kind}, pas la ville, et la population desservie n'est pas documentée : par habitant, on le diviserait par la mauvaise population.",
    },
    "per_km2.coverage": {
        "en": "{city}'s figure covers {kind}, not the city, and the area it serves is not documented: per km² would divide it by the wrong area.",
        "fr": "Le chiffre de {city} couvre {kind}, pas la ville, et la surface desservie n'est pas documentée : par km², on le diviserait par la mauvaise surface.",
    },
    "ratio.index": {
        "en": "No ratio of index values: an index compares each city with itself.",
        "fr": "Pas de rapport entre indices : un indice compare chaque ville à elle-même.",
    },
    "ratio.moment": {
        "en": "The two latest readings were not taken at the same moment.",
        "fr": "Les deux dernières mesures n'ont pas été prises au même moment.",
    },
    "ratio.zero": {
        "en": "The other city's value is 0.",
        "fr": "La valeur de l'autre ville est 0.",
    },
    "ratio.editions": {
        "en": "No figures of the same survey edition for both cities.",
        "fr": "Aucun chiffre de la même édition de l'enquête pour les deux villes.",
    },
    "change.editions": {
        "en": "Each survey edition changes its method: no change is computed across years.",
        "fr": "Chaque édition de l'enquête change de méthode : aucune évolution n'est calculée d'une année à l'autre.",
    },
    "no_common_period": {
        "en": "The two cities have no period in common here.",
        "fr": "Les deux villes n'ont ici aucune période en commun.",
    },
    "window_coverage": {
        "en": "Too few days measured by both cities in the last {days} days to compare their means.",
        "fr": "Trop peu de jours mesurés par les deux villes sur les {days} derniers jours pour comparer leurs moyennes.",
    },
    "index.base_missing": {
        "en": "No value in base year {year} for {city}.",
        "fr": "Aucune valeur en {year}, l'année de base, pour {city}.",
    },
    "index.base_incomplete": {
        "en": "{city} has no complete base year {year} ({count} of {needed} {periods}): an index would rest on part of a year.",
        "fr": "{city} n'a pas d'année de base {year} complète ({count} {periods} sur {needed}) : l'indice reposerait sur une partie d'année.",
    },
    "index.no_base": {
        "en": "{city} has no complete year to serve as the index base.",
        "fr": "{city} n'a aucune année complète pouvant servir de base à l'indice.",
    },
    "index.zero": {
        "en": "{city}'s value in {year} is 0: no index possible.",
        "fr": "La valeur de {city} en {year} est 0 : pas d'indice possible.",
    },
    "window.too_few": {
        "en": "Too few values on one side of the event ({count}; at least half of {wanted} periods on each side).",
        "fr": "Trop peu de valeurs d'un côté de l'événement ({count} ; au moins la moitié de {wanted} périodes de chaque côté).",
    },
    "window.break": {
        "en": "The series breaks inside the window: before and after do not measure the same thing.",
        "fr": "La série est rompue dans la fenêtre : avant et après ne mesurent pas la même chose.",
    },
    "population_missing": {
        "en": "No population figure for {city}.",
        "fr": "Aucun chiffre de population pour {city}.",
    },
}
