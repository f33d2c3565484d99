"""Units and normalisation, in one place.

Conversions are plain factors (value_in_to = value_in_from × factor). Gas-volume mixing
ratios depend on the molecule, so ppb↔µg/m³ is per indicator (25 °C, 1 atm).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .registries import Indicator

NORMALISATIONS = ("absolute", "per_capita", "per_km2", "index")

# µg/m³ per ppb at 25 °C and 1 atm (molar mass / 24.45 L/mol).
UGM3_PER_PPB = {"no2": 1.88, "o3": 1.96}

KWH_PER_THERM = 29.3071
TONNES_PER_SHORT_TON = 0.90718474
KM_PER_MILE = 1.609344

# Factors that do not depend on the indicator: (from, to) -> factor.
FACTORS: dict[tuple[str, str], float] = {
    ("GWh", "MWh"): 1e3,
    ("GWh", "kWh"): 1e6,
    ("MWh", "kWh"): 1e3,
    ("kWh", "GWh"): 1e-6,
    ("Mtherm", "GWh"): KWH_PER_THERM,  # 10⁶ therm × 29.3071 kWh = 29.3071 GWh
    ("therm", "kWh"): KWH_PER_THERM,
    ("short ton", "t"): TONNES_PER_SHORT_TON,
    ("mi", "km"): KM_PER_MILE,
    ("mi²", "km²"): KM_PER_MILE**2,
}


class UnitError(ValueError):
    """A unit conversion or normalisation that makes no sense for this indicator."""


def conversion_factor(from_unit: str, to_unit: str, indicator_id: str = "") -> float:
    """Factor f such that value_in_to_unit = value_in_from_unit × f."""
    if from_unit == to_unit:
        return 1.0
    if {from_unit, to_unit} == {"µg/m³", "ppb"}:
        if indicator_id not in UGM3_PER_PPB:
            raise UnitError(f"no ppb conversion for {indicator_id or 'this pollutant'}")
        per_ppb = UGM3_PER_PPB[indicator_id]
        return per_ppb if from_unit == "ppb" else 1 / per_ppb
    if (from_unit, to_unit) in FACTORS:
        return FACTORS[(from_unit, to_unit)]
    if (to_unit, from_unit) in FACTORS:
        return 1 / FACTORS[(to_unit, from_unit)]
    # One hop through a shared unit (e.g. Mtherm → GWh → MWh).
    for (a, b), first in FACTORS.items():
        if a == from_unit:
            try:
                return first * conversion_factor(b, to_unit, indicator_id)
            except UnitError:
                continue
    raise UnitError(f"cannot convert {from_unit} to {to_unit}")


def convert(values: pd.Series, indicator: Indicator, to_unit: str) -> pd.Series:
    """Values from the indicator's canonical unit to one of its offered units."""
    if to_unit not in indicator.units:
        offered = ", ".join(indicator.units)
        raise UnitError(
            f"unit '{to_unit}' is not offered for {indicator.id} ({offered})"
        )
    return values * conversion_factor(indicator.unit, to_unit, indicator.id)


@dataclass(frozen=True)
class Normalised:
    """A normalised frame and what a reader must know about it."""

    frame: pd.DataFrame
    unit: str
    notes: tuple[str, ...]


def check_normalisation(indicator: Indicator, norm: str) -> None:
    """Raise UnitError with a clear message when `norm` makes no sense here."""
    if norm not in NORMALISATIONS:
        raise UnitError(
            f"unknown normalisation '{norm}' (one of {', '.join(NORMALISATIONS)})"
        )
    if norm == "per_capita" and indicator.per_capita is None:
        raise UnitError(
            f"{indicator.id} is not an extensive quantity ({indicator.unit}): "
            "dividing it by population makes no sense"
        )
    if norm == "per_km2" and indicator.per_km2 is None:
        raise UnitError(
            f"{indicator.id} is not an extensive quantity ({indicator.unit}): "
            "dividing it by area makes no sense"
        )


def nearest_year(years: pd.Index, wanted: int) -> int:
    """The available year closest to `wanted` (the earlier one on a tie)."""
    return int(min(years, key=lambda year: (abs(year - wanted), year)))


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
        frame: tidy rows of one indicator, any cities, with a `year` column on each
            city's own calendar (a UTC year would put Paris's 1 January in the year
            before).
        populations: `population` rows (annual, with `year`) for the same cities.
        areas_km2: land area per city id.
        base_year: the year that becomes 100 with `norm="index"`; default the first
            year in which every city has a value, else each city's first year.
    """
    check_normalisation(indicator, norm)
    out = frame.copy()
    if norm == "absolute" or out.empty:
        return Normalised(out, indicator.unit, ())
    years = out["year"]
    notes: list[str] = []
    if norm == "per_capita":
        assert indicator.per_capita is not None
        divisors = []
        for city_id, year in zip(out["city"], years, strict=True):
            city_pop = (
                populations[populations["city"] == city_id]
                if populations is not None
                else None
            )
            if city_pop is None or city_pop.empty:
                raise UnitError(f"no population figure for {city_id}")
            by_year = pd.Series(city_pop["value"].to_numpy(), index=city_pop["year"])
            used = nearest_year(by_year.index, year)
            if used != year:
                notes.append(f"{city_id} {year}: population of {used} used")
            divisors.append(by_year[used])
        out["value"] = out["value"] / divisors * indicator.per_capita.factor
        unit = indicator.per_capita.units[lang]
        return Normalised(out, unit, tuple(dict.fromkeys(notes)))
    if norm == "per_km2":
        assert indicator.per_km2 is not None
        missing = sorted(set(out["city"]) - set(areas_km2 or {}))
        if missing:
            raise UnitError(f"no land area for {', '.join(missing)}")
        out["value"] = (
            out["value"] / out["city"].map(areas_km2) * indicator.per_km2.factor
        )
        return Normalised(out, indicator.per_km2.units[lang], ())
    # index = 100 at the base year (the mean of that year for sub-annual data)
    cities = sorted(set(out["city"]))
    years_by_city = {c: set(years[out["city"] == c]) for c in cities}
    if base_year is not None:
        lacking = [c for c in cities if base_year not in years_by_city[c]]
        if lacking:
            raise UnitError(
                f"no value in base year {base_year} for {', '.join(lacking)}"
            )
    else:
        common = sorted(set.intersection(*years_by_city.values()))
        if common:
            base_year = common[0]
    values = []
    for city_id in cities:
        rows = out[out["city"] == city_id]
        city_years = rows["time"].dt.year
        base = base_year if base_year is not None else int(city_years.min())
        if base_year is None:
            notes.append(f"{city_id}: index base {base} (no year common to all cities)")
        base_value = rows.loc[city_years == base, "value"].mean()
        if base_value == 0:
            raise UnitError(f"{city_id}'s value in {base} is 0: no index possible")
        values.append(rows["value"] / base_value * 100)
    out["value"] = pd.concat(values).reindex(out.index)
    return Normalised(out, "index", tuple(notes))
