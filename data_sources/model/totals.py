"""Totals of two cities of different size compare per inhabitant: one place for whether
a figure may be divided by a population, and for the population it is divided by.

A total (deaths, GWh, t CO2e) is only set against the other city's per inhabitant:
Paris has 2.6 times San Francisco's inhabitants, so a raw ratio of totals says mostly
that. Where a figure covers something whose population is not published (a whole
bike-share network), no per-inhabitant form exists and no ratio of levels either.
Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from data_sources.model.comparisons import (
    PER_CAPITA_COVERAGE,
    Population,
    Ratio,
    Refusal,
)
from data_sources.model.observations import conversion_factor, label_year
from data_sources.model.registries import Indicator


def is_total(indicator: Indicator) -> bool:
    """An extensive quantity: the cities' values compare only per inhabitant."""
    return indicator.per_capita is not None


def coverage_refusal(
    indicator: Indicator, norm: str, city_ids: tuple[str, ...]
) -> Refusal | None:
    """Why a city's figure cannot be divided by its population (or area): it covers
    something else, whose population (area) is not documented. None: it can."""
    for city_id in city_ids:
        coverage = indicator.comparability.coverage.get(city_id)
        if coverage is None or coverage.kind in PER_CAPITA_COVERAGE:
            continue
        served = coverage.population if norm == "per_capita" else coverage.area_km2
        if served is None:
            return Refusal(f"{norm}.coverage", {"city": city_id, "kind": coverage.kind})
    return None


def nearest_year(years: pd.Index, wanted: int) -> int:
    """The available year closest to `wanted` (the earlier one on a tie)."""
    return int(min(years, key=lambda year: (abs(year - wanted), year)))


def population_of(
    populations: pd.DataFrame | None, city_id: str, year: int
) -> Population | None:
    """A city's population of the year closest to `year` (None: no figure at all).
    `populations` are `population` rows with their local `year`."""
    if populations is None:
        return None
    rows = populations[populations["city"] == city_id]
    if rows.empty:
        return None
    by_year = pd.Series(rows["value"].to_numpy(), index=rows["year"])
    used = nearest_year(by_year.index, year)
    return Population(city_id, used, float(by_year[used]))


def per_inhabitant(
    frame: pd.DataFrame,
    indicator: Indicator,
    populations: pd.DataFrame | None,
    years: pd.Series | None = None,
) -> tuple[pd.Series, list[Population]] | Refusal:
    """Each row's value per inhabitant (times the indicator's factor, in canonical
    units), with the population used for each row; a Refusal where a city has none.
    `years`: each row's local year (default: read from its period label)."""
    assert indicator.per_capita is not None
    years = frame["period"].map(label_year) if years is None else years
    used: list[Population] = []
    for city_id, year in zip(frame["city"], years, strict=True):
        found = population_of(populations, city_id, int(year))
        if found is None:
            return Refusal("population_missing", {"city": city_id})
        used.append(found)
    to_canonical = 1.0
    if "unit" in frame and len(frame) and frame["unit"].iloc[0] != indicator.unit:
        to_canonical = 1 / conversion_factor(
            indicator.unit, frame["unit"].iloc[0], indicator.id
        )
    divisors = [p.value for p in used]
    values = frame["value"] * to_canonical / divisors * indicator.per_capita.factor
    return values, used


def per_inhabitant_rows(
    rows: pd.DataFrame, indicator: Indicator, populations: pd.DataFrame | None
) -> pd.DataFrame | Refusal:
    """The rows with their values per inhabitant, or why not."""
    divided = per_inhabitant(rows, indicator, populations)
    if isinstance(divided, Refusal):
        return divided
    return rows.assign(value=divided[0].to_numpy())


def with_people(
    ratio: Ratio, totals_of: dict[str, pd.DataFrame], populations: pd.DataFrame
) -> Ratio:
    """A ratio of per-inhabitant values, with what it rests on: each city's total of
    the compared period (None over a window of means) and the population used."""
    year = label_year(ratio.span.last)
    people = tuple(population_of(populations, c, year) for c in ratio.cities)
    found = []
    for city_id in ratio.cities:
        rows = totals_of[city_id]
        at = rows.loc[rows["period"] == ratio.span.last, "value"]
        found.append(None if ratio.window or at.empty else float(at.iloc[-1]))
    return replace(ratio, people=people, totals=tuple(found))
