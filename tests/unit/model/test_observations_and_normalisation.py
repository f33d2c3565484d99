"""Unit conversions and normalisations, with exact expected numbers."""

import pandas as pd
import pytest

from data_sources.model.normalisation import normalise
from data_sources.model.observations import UnitError, conversion_factor, convert
from data_sources.model.registries import INDICATORS_BY_ID


@pytest.mark.parametrize(
    ("from_unit", "to_unit", "indicator", "factor"),
    [
        ("ppb", "µg/m³", "no2", 1.88),
        ("ppb", "µg/m³", "o3", 1.96),
        ("µg/m³", "ppb", "no2", 1 / 1.88),
        ("therm", "kWh", "", 29.3071),
        ("Mtherm", "GWh", "", 29.3071),
        ("Mtherm", "MWh", "", 29307.1),
        ("GWh", "MWh", "", 1000),
        ("MWh", "GWh", "", 0.001),
        ("GWh", "kWh", "", 1e6),
        ("mi", "km", "", 1.609344),
        ("km", "mi", "", 1 / 1.609344),
        ("short ton", "t", "", 0.90718474),
    ],
)
def test_conversion_factors(from_unit, to_unit, indicator, factor):
    assert conversion_factor(from_unit, to_unit, indicator) == pytest.approx(factor)


def test_ppb_is_refused_for_particles():
    with pytest.raises(UnitError, match="no ppb conversion for pm25"):
        conversion_factor("µg/m³", "ppb", "pm25")


def test_convert_refuses_a_unit_the_indicator_does_not_offer():
    with pytest.raises(UnitError, match="'ppb' is not offered for road_deaths"):
        convert(pd.Series([1.0]), INDICATORS_BY_ID["road_deaths"], "ppb")


def tidy(city_values: dict[str, dict[int, float]]) -> pd.DataFrame:
    rows = [
        {
            "city": city,
            "year": year,
            "value": value,
            "time": pd.Timestamp(f"{year}-01-01", tz="UTC"),
        }
        for city, by_year in city_values.items()
        for year, value in by_year.items()
    ]
    return pd.DataFrame(rows)


# Hand-made populations: these tests check the arithmetic, not the data.
POPULATIONS = tidy({"paris": {2017: 2_187_526, 2022: 2_113_705}, "sf": {2017: 884_363}})


def test_per_capita_uses_the_matching_year_and_flags_the_nearest():
    deaths = tidy({"paris": {2017: 31, 2019: 34}, "sf": {2017: 20}})
    result = normalise(
        deaths, INDICATORS_BY_ID["road_deaths"], "per_capita", populations=POPULATIONS
    )
    assert result.frame["value"].round(4).tolist() == [
        round(31 / 2_187_526 * 1e5, 4),  # 1.4171
        round(34 / 2_187_526 * 1e5, 4),  # 2019 → nearest year 2017
        round(20 / 884_363 * 1e5, 4),  # 2.2615
    ]
    assert result.unit == "deaths per 100,000 inhabitants"
    assert result.notes == ("paris 2019: population of 2017 used",)


def test_per_capita_unit_is_in_the_requested_language():
    deaths = tidy({"paris": {2017: 31}})
    result = normalise(
        deaths,
        INDICATORS_BY_ID["road_deaths"],
        "per_capita",
        populations=POPULATIONS,
        lang="fr",
    )
    assert result.unit == "tués pour 100 000 habitants"


def test_per_km2():
    electricity = tidy({"paris": {2022: 12655.688}, "sf": {2022: 5000.0}})
    result = normalise(
        electricity,
        INDICATORS_BY_ID["electricity_consumption"],
        "per_km2",
        areas_km2={"paris": 105.4, "sf": 121.48},
    )
    assert result.frame["value"].round(3).tolist() == [120.073, 41.159]


@pytest.mark.parametrize("norm", ["per_capita", "per_km2"])
def test_a_whole_network_is_never_divided_by_the_citys_population_or_area(norm):
    """Vélib' also serves ~60 towns, Bay Wheels the East Bay: no served population."""
    bikes = tidy({"paris": {2025: 18066}, "sf": {2023: 5472}})
    with pytest.raises(UnitError, match="Paris's figure covers a whole network"):
        normalise(
            bikes,
            INDICATORS_BY_ID["bikes_available"],
            norm,
            populations=POPULATIONS,
            areas_km2={"paris": 105.4, "sf": 121.48},
        )


def test_index_is_100_in_the_first_common_year():
    electricity = tidy(
        {"paris": {2021: 50.0, 2022: 40.0}, "sf": {2020: 10.0, 2022: 5.0}}
    )
    result = normalise(
        electricity, INDICATORS_BY_ID["electricity_consumption"], "index"
    )
    assert result.frame["value"].tolist() == [125.0, 100.0, 200.0, 100.0]
    assert result.unit == "index, 2022 = 100"


def test_index_with_a_chosen_base_year_and_a_city_lacking_it():
    electricity = tidy({"paris": {2021: 50.0, 2022: 40.0}, "sf": {2022: 5.0}})
    indicator = INDICATORS_BY_ID["electricity_consumption"]
    assert normalise(electricity, indicator, "index", base_year=2022).frame[
        "value"
    ].tolist() == [125.0, 100.0, 100.0]
    with pytest.raises(UnitError, match="No value in base year 2021 for San Francisco"):
        normalise(electricity, indicator, "index", base_year=2021)


def test_index_without_a_common_year_uses_each_citys_first_year_and_says_so():
    result = normalise(
        tidy({"paris": {2018: 2.0}, "sf": {2017: 4.0, 2019: 2.0}}),
        INDICATORS_BY_ID["recycling_rate"],
        "index",
    )
    assert result.frame["value"].tolist() == [100.0, 100.0, 50.0]
    assert "sf: index base 2017 (no complete year common to all cities)" in result.notes
    assert result.unit == "index, each city's first complete year = 100"


def monthly(city_months: dict[str, dict[str, float]]) -> pd.DataFrame:
    rows = [
        {"city": city, "period": month, "year": int(month[:4]), "value": value}
        for city, by_month in city_months.items()
        for month, value in by_month.items()
    ]
    return pd.DataFrame(rows).assign(partial=False)


def test_a_monthly_index_needs_a_complete_base_year_in_each_city():
    """Paris bike-share has September 2020 alone: no base year, so no index."""
    year = {f"2020-{m:02d}": 100.0 + m for m in range(1, 13)}
    frame = monthly({"paris": {"2020-09": 5.5e6}, "sf": year})
    with pytest.raises(
        UnitError, match="Paris has no complete year to serve as the index base"
    ):
        normalise(frame, INDICATORS_BY_ID["bikeshare_trips"], "index")
    with pytest.raises(UnitError, match="Paris has no complete base year 2020"):
        normalise(frame, INDICATORS_BY_ID["bikeshare_trips"], "index", base_year=2020)


def test_a_monthly_index_is_the_mean_of_the_base_years_twelve_months():
    year = {f"2020-{m:02d}": float(m) for m in range(1, 13)}  # mean 6.5
    later = {"2021-01": 13.0}
    frame = monthly({"paris": {**year, **later}, "sf": {**year, **later}})
    result = normalise(frame, INDICATORS_BY_ID["bikeshare_trips"], "index")
    assert result.frame["value"].round(2).tolist()[-1] == 200.0
    assert result.unit == "index, 2020 = 100"


def test_no_index_across_survey_editions():
    """INRIX re-bases its method each edition: an index would compare editions."""
    hours = tidy({"paris": {2016: 65.0, 2017: 69.0}, "sf": {2016: 83.0, 2017: 79.0}})
    with pytest.raises(UnitError, match="each survey edition changes its method"):
        normalise(hours, INDICATORS_BY_ID["congestion_hours"], "index")


@pytest.mark.parametrize(
    ("indicator", "norm"),
    [("pm25", "per_capita"), ("no2", "per_km2"), ("recycling_rate", "per_capita")],
)
def test_meaningless_normalisations_are_refused_with_a_clear_message(indicator, norm):
    with pytest.raises(UnitError, match="not an extensive quantity"):
        normalise(tidy({"paris": {2016: 10.0}}), INDICATORS_BY_ID[indicator], norm)
