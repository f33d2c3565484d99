"""Normalisation, in one place: a city's values per inhabitant, per km² or as an index
of a base year, each only where the comparability model allows it (unit conversions
are the observation's: data_sources.model.observations)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from data_sources.model import comparability, totals
from data_sources.model.comparisons import MIN_COVERAGE, Refusal, explain
from data_sources.model.observations import UnitError
from data_sources.model.registries import Indicator

NORMALISATIONS = ("absolute", "per_capita", "per_km2", "index")


@dataclass(frozen=True)
class Normalised:
    """A normalised frame and what a reader must know about it."""

    frame: pd.DataFrame
    unit: str
    notes: tuple[str, ...]


def check_normalisation(
    indicator: Indicator, norm: str, city_ids: tuple[str, ...] = ()
) -> None:
    """Raise UnitError with a clear message when `norm` makes no sense here."""
    if norm not in NORMALISATIONS:
        raise UnitError(
            f"unknown normalisation '{norm}' (one of {', '.join(NORMALISATIONS)})"
        )
    refusal = comparability.norm_refusal(indicator, norm, city_ids)
    if refusal is not None:
        raise UnitError(f"{indicator.id}: {explain(refusal)}")


# Periods a complete base year needs for a sub-annual index (daily and hourly: the same
# 75 % coverage rule as their windows).
BASE_YEAR_PERIODS = {"monthly": 12, "daily": 365, "hourly": 8760}


def whole(rows: pd.DataFrame) -> pd.Series:
    """Rows that are not partial periods."""
    if "partial" not in rows:
        return pd.Series(True, index=rows.index)
    return ~rows["partial"].astype(bool)


def base_year_refusal(
    rows: pd.DataFrame, indicator: Indicator, city_id: str, year: int
) -> Refusal | None:
    """Why `year` cannot be this city's index base (None: it can): a value is needed,
    and a sub-annual series needs the whole year (partial periods do not count)."""
    in_year = rows[(rows["year"] == year) & whole(rows)]
    if in_year.empty:
        return Refusal("index.base_missing", {"year": year, "city": city_id})
    needed = BASE_YEAR_PERIODS.get(indicator.freq)
    if needed is None:
        return None
    enough = needed if indicator.freq == "monthly" else MIN_COVERAGE * needed
    if in_year["period"].nunique() < enough:
        return Refusal(
            "index.base_incomplete",
            {
                "city": city_id,
                "year": year,
                "count": in_year["period"].nunique(),
                "needed": needed,
                "periods": indicator.freq,
            },
        )
    return None


INDEX_UNIT = {
    "en": ("index, {year} = 100", "index, each city's first complete year = 100"),
    "fr": (
        "indice, {year} = 100",
        "indice, première année complète de chaque ville = 100",
    ),
}


def normalise(
    frame: pd.DataFrame,
    indicator: Indicator,
    norm: str,
    *,
    populations: pd.DataFrame | None = None,
    areas_km2: dict[str, float] | None = None,
    base_year: int | None = None,
    lang: str = "en",
) -> Normalised:
    """Normalise a tidy frame (values in canonical unit) for display or export.

    Args:
        frame: tidy rows of one indicator, any cities, with `year` and `period` on
            each city's own calendar (a UTC year would put Paris's 1 January in the
            year before), and `partial` where a period is incomplete.
        populations: `population` rows (annual, with `year`) for the same cities.
        areas_km2: land area per city id.
        base_year: the year that becomes 100 with `norm="index"` (on each city's own
            calendar); default the first year complete in every city, else each
            city's first complete year (said in a note).
    """
    cities = tuple(sorted(set(frame["city"])))
    check_normalisation(indicator, norm, cities)
    out = frame.copy()
    if norm == "absolute" or out.empty:
        return Normalised(out, indicator.unit, ())
    if norm == "per_capita":
        return _per_capita(out, indicator, populations, lang)
    if norm == "per_km2":
        assert indicator.per_km2 is not None
        missing = sorted(set(out["city"]) - set(areas_km2 or {}))
        if missing:
            raise UnitError(f"no land area for {', '.join(missing)}")
        out["value"] = (
            out["value"] / out["city"].map(areas_km2) * indicator.per_km2.factor
        )
        return Normalised(out, indicator.per_km2.units[lang], ())
    return _index(out, indicator, cities, base_year, lang)


def _per_capita(
    out: pd.DataFrame, indicator: Indicator, populations, lang: str
) -> Normalised:
    divided = totals.per_inhabitant(out, indicator, populations, out["year"])
    if isinstance(divided, Refusal):
        raise UnitError(f"no population figure for {divided.params['city']}")
    values, used = divided
    notes = [
        f"{city_id} {year}: population of {found.year} used"
        for city_id, year, found in zip(out["city"], out["year"], used, strict=True)
        if found.year != year
    ]
    out["value"] = values
    unit = indicator.per_capita.units[lang]
    return Normalised(out, unit, tuple(dict.fromkeys(notes)))


def _index(
    out: pd.DataFrame,
    indicator: Indicator,
    cities: tuple[str, ...],
    base_year: int | None,
    lang: str,
) -> Normalised:
    """100 at the base year: the mean of that year on the city's own calendar."""
    rows_of = {c: out[out["city"] == c] for c in cities}

    def usable(city_id: str, year: int) -> bool:
        return base_year_refusal(rows_of[city_id], indicator, city_id, year) is None

    notes: list[str] = []
    if base_year is not None:
        for city_id in cities:
            refusal = base_year_refusal(rows_of[city_id], indicator, city_id, base_year)
            if refusal is not None:
                raise UnitError(explain(refusal))
        bases = dict.fromkeys(cities, base_year)
    else:
        common = sorted(set.intersection(*(set(rows_of[c]["year"]) for c in cities)))
        shared = next((y for y in common if all(usable(c, y) for c in cities)), None)
        if shared is not None:
            bases = dict.fromkeys(cities, shared)
        else:
            bases = {}
            for city_id in cities:
                years = sorted(set(rows_of[city_id]["year"]))
                first = next((y for y in years if usable(city_id, y)), None)
                if first is None:
                    refusal = Refusal("index.no_base", {"city": city_id})
                    raise UnitError(explain(refusal))
                bases[city_id] = first
                notes.append(
                    f"{city_id}: index base {first} (no complete year common to all cities)"
                )
    values = []
    for city_id in cities:
        rows = rows_of[city_id]
        in_base = rows[(rows["year"] == bases[city_id]) & whole(rows)]
        base_value = in_base["value"].mean()
        if base_value == 0:
            raise UnitError(
                explain(
                    Refusal("index.zero", {"city": city_id, "year": bases[city_id]}),
                )
            )
        values.append(rows["value"] / base_value * 100)
    out["value"] = pd.concat(values).reindex(out.index)
    same, each = INDEX_UNIT[lang]
    distinct = set(bases.values())
    unit = same.format(year=distinct.pop()) if len(distinct) == 1 else each
    return Normalised(out, unit, tuple(notes))
