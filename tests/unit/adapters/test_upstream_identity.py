"""Adapters check who answered: a response for another place or another bike-share
system is refused with a message naming both; GBFS 2.1+/3.0 e-bikes come from vehicle
types, and a feed that says nothing about e-bikes gives none (never a 0)."""

import json

import pandas as pd
import pytest

from data_sources.adapters.gbfs import check_system, parse_station_status
from data_sources.adapters.http import SourceError
from data_sources.adapters.open_meteo_air import parse

FIXTURES = "tests/fixtures/responses"
NOW = pd.Timestamp("2026-11-21T12:00:00Z")


def spec(shared_data, name):
    """A GBFS spec example (MobilityData gbfs.md, verbatim in ../shared/api/gbfs)."""
    return json.loads((shared_data.parent / "api" / "gbfs" / name).read_text())


# Hand-made in the documented shape (GBFS 3.0 vehicle_types.json: vehicle_type_id,
# form_factor, propulsion_type), with the two type ids the spec's station_status
# example uses; no real vehicle_types payload exists in ../shared.
VEHICLE_TYPES_HANDMADE = {
    "last_updated": "2023-07-17T13:34:13+02:00",
    "ttl": 0,
    "version": "3.0",
    "data": {
        "vehicle_types": [
            {
                "vehicle_type_id": "abc123",
                "form_factor": "bicycle",
                "propulsion_type": "human",
            },
            {
                "vehicle_type_id": "def456",
                "form_factor": "bicycle",
                "propulsion_type": "electric_assist",
            },
        ]
    },
}


def points(frame):
    return dict(zip(frame["indicator"], frame["value"], strict=True))


def test_gbfs_3_counts_vehicles_and_e_bikes_from_vehicle_types(shared_data):
    status = spec(shared_data, "v3.0_station_status.json")
    frame = parse_station_status(
        status, "sf", "gbfs_sf", vehicle_types=VEHICLE_TYPES_HANDMADE
    )
    values = points(frame)
    # num_vehicles_available 1 + 6; def456 (electric assist) 0 + 4; docks 3 + 8
    assert values["bikes_available"] == 7.0
    assert values["ebikes_available"] == 4.0
    assert values["docks_available"] == 11.0
    # RFC 3339 with an offset: 13:34:13+02:00 is 11:34:13 UTC
    assert frame["time"].iloc[0] == pd.Timestamp("2023-07-17T11:34:13Z")


def test_gbfs_2_3_counts_e_bikes_from_vehicle_types_too(shared_data):
    status = spec(shared_data, "v2.3_station_status.json")
    values = points(
        parse_station_status(
            status, "sf", "gbfs_sf", vehicle_types=VEHICLE_TYPES_HANDMADE
        )
    )
    assert (values["bikes_available"], values["ebikes_available"]) == (7.0, 4.0)


def test_without_vehicle_types_e_bikes_are_unknown_not_zero(shared_data):
    status = spec(shared_data, "v3.0_station_status.json")
    values = points(parse_station_status(status, "sf", "gbfs_sf"))
    assert "ebikes_available" not in values and values["bikes_available"] == 7.0


def test_real_feeds_still_give_their_e_bikes(shared_data):
    samples = shared_data / "mobility" / "gbfs_samples"
    velib = json.loads((samples / "velib_station_status_2025-10-18.json").read_text())
    baywheels = json.loads(
        (samples / "baywheels_station_status_2023-07-19.json").read_text()
    )
    assert (
        points(parse_station_status(velib, "paris", "gbfs_paris"))["ebikes_available"]
        > 0
    )  # Vélib's num_bikes_available_types
    assert (
        points(parse_station_status(baywheels, "sf", "gbfs_sf"))["ebikes_available"] > 0
    )  # Lyft's num_ebikes_available


def test_a_feed_naming_its_own_system_passes(shared_data):
    info = json.loads(
        (
            shared_data
            / "mobility/gbfs_samples/baywheels_system_information_2023-07-19.json"
        ).read_text()
    )
    check_system(info, "gbfs_sf")  # "Bay Wheels", system_id "fgb"
    with pytest.raises(SourceError) as refused:
        check_system(info, "gbfs_paris")
    assert str(refused.value) == (
        "the feed's system_information names 'Bay Wheels' (system_id 'fgb'), "
        "not Vélib' Métropole (Smovengo): refused"
    )


def test_gbfs_3_localized_system_names_are_read():
    info = {
        "data": {
            "system_id": "x",
            "name": [{"text": "Vélib’ Métropole", "language": "fr"}],
        }
    }
    check_system(info, "gbfs_paris")  # accents and the curly apostrophe aside


def air_response(city):
    return json.loads(
        open(f"{FIXTURES}/open_meteo_air/{city}_handmade.json", encoding="utf-8").read()
    )


def test_an_air_response_for_another_place_is_refused_naming_both():
    payload = air_response("paris")
    payload["latitude"], payload["longitude"] = 37.76, -122.42  # San Francisco's cell
    with pytest.raises(SourceError) as refused:
        parse(payload, "paris", NOW)
    assert str(refused.value) == (
        "asked for Paris (48.857, 2.352) but the response is for 37.760, -122.420, "
        "8,955 km away: refused"
    )


def test_an_air_response_in_the_citys_model_cell_is_accepted():
    payload = air_response("sf")  # cell centre 37.76 N 122.42 W, ~2 km from City Hall
    assert not parse(payload, "sf", NOW).empty


def test_a_missing_variable_keeps_the_others_and_is_reported():
    payload = air_response("paris")
    del payload["hourly"]["ozone"]
    frame = parse(payload, "paris", NOW)
    assert "o3_hourly" not in set(frame["indicator"])
    assert {"pm25_hourly", "no2_hourly", "european_aqi"} <= set(frame["indicator"])
    assert frame.attrs["warnings"] == [
        "paris: 'ozone' missing from the response (the other variables kept)"
    ]
