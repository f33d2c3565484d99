"""The registries: required ids exist, every reference resolves, normalisation rules hold."""

import pytest

from data_sources.model.registries import (
    CITIES,
    CITIES_BY_ID,
    DOMAINS,
    INDICATORS,
    LANGUAGES,
    PAIR,
    SNAPSHOT_DIR,
    SOURCES_BY_ID,
    headline_indicator,
)
from data_sources.store.files import read_sidecars

REQUIRED = (
    "pm25",
    "pm10",
    "no2",
    "o3",
    "bikes_available",
    "docks_available",
    "electricity_consumption",
    "transit_ridership",
    "waste_collected",
    "road_deaths",
)
INTENSIVE_UNITS = {"µg/m³", "index", "%", "hours per driver"}


def test_required_indicators_exist():
    ids = {indicator.id for indicator in INDICATORS}
    assert set(REQUIRED) <= ids


def test_pair_is_paris_and_sf_with_registry_data():
    assert PAIR == ("paris", "sf")
    for city in CITIES:
        assert city.timezone in {"Europe/Paris", "America/Los_Angeles"}
        assert city.population.value > 100_000 and city.population.year >= 2020
        assert city.area_km2.value > 50
        assert city.population.source and city.area_km2.source
        assert set(city.names) == set(LANGUAGES)


@pytest.mark.parametrize("indicator", INDICATORS, ids=lambda i: i.id)
def test_indicator_is_complete_in_both_languages(indicator):
    assert indicator.domain in (*DOMAINS, "context")
    rules = indicator.comparability
    texts = [indicator.labels, indicator.descriptions, rules.notes]
    texts += [b.reasons for b in rules.breaks] + [p.reasons for p in rules.partial]
    texts += [c.labels for c in rules.coverage.values()]
    for each in texts:
        assert set(each) == set(LANGUAGES) and all(each.values())
    assert indicator.unit in indicator.units
    assert set(indicator.cities) <= set(CITIES_BY_ID)
    for line in indicator.reference_lines:
        assert all(line.labels.values())


@pytest.mark.parametrize("indicator", INDICATORS, ids=lambda i: i.id)
def test_concentrations_and_rates_cannot_be_divided_by_population(indicator):
    if indicator.unit in INTENSIVE_UNITS:
        assert indicator.per_capita is None and indicator.per_km2 is None


@pytest.mark.parametrize("indicator", INDICATORS, ids=lambda i: i.id)
def test_every_indicator_has_a_comparability_model(indicator):
    """Level, coverage for every bound city, breaks and partial periods of bound
    cities only; a pair that compares levels has both cities' coverage."""
    rules = indicator.comparability
    assert rules.level in ("levels", "trends", "within_edition", "none")
    assert set(rules.coverage) == set(indicator.cities)
    for rule in rules.breaks:
        assert rule.city in indicator.cities
        assert (rule.date is None) != (rule.source is None)
        assert rule.source is None or rule.source in SOURCES_BY_ID
    for period in rules.partial:
        assert period.city in indicator.cities


def test_each_domain_has_one_headline_indicator():
    for domain in DOMAINS:
        assert [i.id for i in INDICATORS if i.domain == domain and i.headline] == [
            headline_indicator(domain).id
        ]


def test_who_2021_guidelines_are_the_reference_lines_for_pm25_and_no2():
    by_id = {i.id: i for i in INDICATORS}
    assert [line.value for line in by_id["pm25"].reference_lines] == [15]
    assert [line.value for line in by_id["pm25_annual"].reference_lines] == [5]
    assert [line.value for line in by_id["no2"].reference_lines] == [10]


def test_every_snapshot_series_cites_a_registered_source_and_bound_city():
    by_id = {i.id: i for i in INDICATORS}
    for stored in read_sidecars(SNAPSHOT_DIR):
        meta = stored.provenance
        assert meta["source"] in SOURCES_BY_ID
        assert meta["city"] in by_id[meta["indicator"]].cities, meta
