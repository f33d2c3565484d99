"""The data API contract, on the real app's Flask server; bad input is a 4xx JSON error."""

import csv
import io

import pandas as pd
import pytest

from app import server


@pytest.fixture
def client():
    """The app's Flask test client (snapshot only, empty live store)."""
    return server.test_client()


def read_csv(response):
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_indicators_lists_ids_units_labels_and_cities(client):
    body = client.get("/api/indicators").get_json()
    by_id = {entry["id"]: entry for entry in body}
    assert by_id["no2"] == {
        "id": "no2",
        "domain": "air",
        "unit": "µg/m³",
        "units": ["µg/m³", "ppb"],
        "freq": "annual",
        "labels": {"en": "NO₂, annual mean", "fr": "NO₂, moyenne annuelle"},
        "cities": ["paris", "sf"],
        "normalisations": ["absolute", "index"],
        "latest_common": "2023",
        "cadence_seconds": 366 * 86_400,
        "publication_lag_seconds": 18 * 31 * 86_400,
        "comparability": by_id["no2"]["comparability"],
    }
    rules = by_id["no2"]["comparability"]
    assert rules["level"] == "levels" and rules["partial_periods"] == []
    breaks = [
        (b["city"], b["date"], b["from_source"], b["kind"]) for b in rules["breaks"]
    ]
    assert breaks == [
        ("paris", "2013-01-01", None, "station"),
        ("paris", "2020-01-01", None, "station"),
        ("sf", "2022-01-01", None, "coverage"),
        # where live refreshes add the county's years again (none in the snapshot)
        ("sf", None, "epa_airdata", "coverage"),
    ]
    assert rules["breaks"][0]["reason"] == {
        "en": "Station change: EEA AirBase FR04037 Paris 13e until 2012, Airparif "
        "Paris Centre from 2013",
        "fr": "Changement de station : AirBase FR04037 Paris 13e jusqu'en 2012, "
        "Airparif Paris Centre à partir de 2013",
    }
    assert {c: v["kind"] for c, v in rules["coverage"].items()} == {
        "paris": "station",
        "sf": "county",
    }
    assert rules["coverage"]["sf"]["population"] is None
    assert set(by_id["no2"]["comparability"]["note"]) == {"en", "fr"}
    assert "per_capita" in by_id["road_deaths"]["normalisations"]
    # a whole network is not divided by the city's population
    assert by_id["bikes_available"]["normalisations"] == ["absolute", "index"]
    assert by_id["waste_collected"]["comparability"]["level"] == "trends"
    # the newest period each pair compares in (none where nothing compares)
    assert by_id["ghg_basic"]["latest_common"] == "2019"
    assert by_id["pm25"]["latest_common"] == "2024-11-26"
    assert by_id["congestion_hours"]["latest_common"] == "2018"  # same edition
    assert by_id["recycling_rate"]["latest_common"] is None


def test_no2_csv_matches_the_published_annual_values(client, shared_data):
    response = client.get("/api/series/no2.csv?cities=paris,sf")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = read_csv(response)
    assert list(rows[0]) == [
        "city",
        "time",
        "value",
        "unit",
        "source",
        "origin",
        "stale",
        "period",
        "period_status",
        "note",
    ]
    paris = {r["period"]: float(r["value"]) for r in rows if r["city"] == "paris"}
    sf = {r["period"]: float(r["value"]) for r in rows if r["city"] == "sf"}
    airbase = pd.read_csv(
        shared_data / "air/paris_no2_annual_airbase_FR04037_FR04012_1999_2012.csv"
    )
    for record in airbase[airbase["station_code"] == "FR04037"].itertuples():
        assert paris[str(record.year)] == record.no2_annual_mean_ugm3
    county = pd.read_csv(
        shared_data / "air/sf_county_epa_annual_concentrations_1980_2022.csv", dtype=str
    )
    published = dict(zip(county["Year"], county["NO2 Mean 1-hr"], strict=True))
    county_years = {y: v for y, v in sf.items() if y <= "2021"}
    assert county_years == pytest.approx(
        {y: float(ppb) * 1.88 for y, ppb in published.items() if ppb != "."}
    )
    # the county statistic stops in 2021; the metro composite continues (a break)
    assert sf["2022"] == pytest.approx(7 * 1.88) and sf["2023"] == pytest.approx(
        6 * 1.88
    )
    # Paris after 2017: Paris Centre 2017-2018, then Les Halles FR04055 (Geod'air)
    geodair = pd.read_csv(
        shared_data / "air/paris_geodair_no2_annual_FR04055_FR04031_2017_2025.csv"
    )
    halles = geodair[geodair["station_code_eea"] == "FR04055"]
    for record in halles[halles["meets_75pct_days"]].itertuples():
        assert paris[str(record.year)] == record.annual_mean_of_daily_valeur_brute
    assert paris["2023"] == 21.60 and "2019" not in paris  # no full year in 2019
    # A year's row is filed in its own year: `time` is the day it starts on the
    # city's calendar (inside the app, Paris's 1999 starts 1998-12-31T23:00:00Z).
    assert rows[0]["time"] == "1999-01-01" and rows[0]["period"] == "1999"
    assert {r["unit"] for r in rows} == {"µg/m³"}
    # Stale by the data's own age: SF's newest annual mean (2023) is older than a year
    # plus the 18 months publishers take; Paris's (2025) is not.
    stale = {r["city"]: r["stale"] for r in rows}
    assert {r["origin"] for r in rows} == {"snapshot"}
    assert stale == {"paris": "False", "sf": "True"}


def test_pm25_2016_returns_both_stations_daily_values(client, shared_data):
    rows = read_csv(
        client.get(
            "/api/series/pm25.csv?cities=paris,sf&start=2016-01-01&end=2016-12-31"
        )
    )
    paris = pd.read_csv(
        shared_data
        / "air/paris_pm25_pm10_no2_o3_daily_airparif_paris_centre_2011_2017.csv"
    )
    paris = paris[
        paris["date"].str.startswith("2016") & (paris["pm25_valid_hours"] >= 18)
    ]
    sf = pd.read_csv(
        shared_data / "air/sf_pm25_daily_epa_arkansas_st_060750005_2015_2024.csv"
    )
    sf = sf[sf["date"].str.startswith("2016")].dropna()
    got = {(r["city"], r["period"]): float(r["value"]) for r in rows}
    expected = {
        ("paris", d): v
        for d, v in zip(paris["date"], paris["pm25_mean_ugm3"], strict=True)
    }
    expected |= {
        ("sf", d): v
        for d, v in zip(sf["date"], sf["pm25_daily_mean_ugm3"], strict=True)
    }
    assert got == pytest.approx(expected)
    assert len(rows) == 344 + 348


def test_json_has_unit_notes_and_records(client):
    body = client.get(
        "/api/series/road_deaths.json?cities=sf&norm=per_capita&start=2017-01-01&end=2017-12-31"
    ).get_json()
    assert body["unit"] == "deaths per 100,000 inhabitants"
    [record] = body["data"]
    assert record["city"] == "sf" and record["period"] == "2017"
    assert record["value"] == pytest.approx(
        20 / 878_040 * 1e5, rel=1e-6
    )  # Census 1 July 2017 estimate


def test_unit_conversion_back_to_ppb(client):
    rows = read_csv(
        client.get(
            "/api/series/no2.csv?cities=sf&unit=ppb&start=2010-01-01&end=2010-12-31"
        )
    )
    assert [(r["value"], r["unit"]) for r in rows] == [("13.0", "ppb")]


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/api/series/nope.csv", 404, "unknown indicator 'nope'"),
        ("/api/series/no2.csv?cities=paris,berlin", 404, "unknown city 'berlin'"),
        ("/api/series/no2.xml", 404, "unknown format 'xml'"),
        ("/api/series/no2.csv?start=2016-13-01", 400, "start must be an ISO date"),
        (
            "/api/series/no2.csv?start=2017-01-01&end=2016-01-01",
            400,
            "start must not be after end",
        ),
        (
            "/api/series/pm25.csv?norm=per_capita",
            400,
            "dividing it by population makes no sense",
        ),
        ("/api/series/no2.csv?norm=per_parsec", 400, "norm must be one of"),
        # An empty value is not an absent one: the contract lists what it may be.
        ("/api/series/no2.csv?norm=", 400, "norm must be one of"),
        ("/api/series/no2.csv?unit=", 400, "unit must be one of"),
        ("/api/series/no2.csv?norm=index&base=", 400, "base must be a year"),
        ("/api/series/no2.csv?pin=", 400, "pin"),
        ("/api/targets?status=", 400, "unknown status ''"),
        ("/api/series/road_deaths.csv?unit=ppb", 400, "'ppb' is not offered"),
        ("/api/series/no2.csv?norm=index&base=20x7", 400, "base must be a year"),
        ("/api/series/no2.csv?colour=red", 400, "unknown parameter 'colour'"),
        ("/api/nothing/here", 404, "no such endpoint"),
        ("/api/targets?city=lyon", 400, "unknown city 'lyon'"),
        ("/api/targets?status=late", 400, "unknown status 'late'"),
        ("/api/targets?indicator=nope", 400, "unknown indicator 'nope'"),
        ("/api/targets?colour=red", 400, "unknown parameter 'colour'"),
        ("/api/events?domain=sport", 400, "unknown domain 'sport'"),
        ("/api/events?start=2020", 400, "start must be an ISO date"),
        ("/api/events.xml", 404, "unknown format 'xml'"),
    ],
)
def test_bad_requests_get_a_clear_json_error(client, url, status, message):
    response = client.get(url)
    assert response.status_code == status
    assert message in response.get_json()["error"]


def test_sources_report_status_licence_and_fetch_date(client):
    body = client.get("/api/sources").get_json()
    by_id = {entry["id"]: entry for entry in body}
    assert by_id["paris_bike_counters"]["licence"].startswith("ODbL")
    # Snapshot-only: its data are all there is (to 2016), never "ok" as if current.
    assert by_id["airparif"]["status"] == "archive"
    assert by_id["airparif"]["fetched_at"] == "2026-11-25"
    assert {entry["status"] for entry in body} <= {
        "archive",
        "stale",
        "unavailable",
        "disabled",
    }
    # No source whose newest observation is years old reads "ok".
    for entry in body:
        if (entry["newest_observation"] or "9999") < "2025":
            assert entry["status"] != "ok", entry["id"]


def test_sources_say_what_no_live_source_refreshes_and_why(client):
    by_id = {entry["id"]: entry for entry in client.get("/api/sources").get_json()}

    def pairs(source_id):
        return {
            (f["indicator"], f["city"])
            for f in by_id[source_id]["feeds_without_live_source"]
        }

    # Paris's measured PM10 and annual PM2.5: snapshot only, and why.
    assert pairs("airparif_stations") == {("pm10", "paris"), ("pm25_annual", "paris")}
    assert "Paris 18e" in by_id["airparif_stations"]["no_live_source"]
    # C40's GPC lines have none; CDP's figures, beside them, are live.
    assert ("ghg_basic", "sf") in pairs("c40_gpc")
    assert by_id["cdp_opendata"]["live"] and by_id["cdp_opendata"]["feeds"] == [
        {"indicator": "ghg_cdp", "city": "paris"},
        {"indicator": "ghg_cdp", "city": "sf"},
    ]
    # A pair some live source refreshes is never listed (SF County NO2: EPA AirData).
    assert ("no2", "sf") not in pairs("epa_county_report")
    assert ("pm10", "sf") not in pairs("epa_county_report")
    # A live source has nothing to say here.
    assert by_id["epa_airdata"]["feeds_without_live_source"] == []
    assert by_id["epa_airdata"]["no_live_source"] is None


def test_health(client):
    assert client.get("/health").get_json() == {"status": "ok"}


@pytest.mark.parametrize(
    ("query", "header", "lang"),
    [("?lang=fr", "", "fr"), ("", "fr-FR,fr;q=0.9", "fr"), ("", "de", "en")],
)
def test_the_page_declares_its_language(client, query, header, lang):
    response = client.get("/" + query, headers={"Accept-Language": header})
    assert response.status_code == 200
    assert f'<html lang="{lang}" data-theme="light">' in response.get_data(as_text=True)


def test_the_first_paint_shows_the_head_in_the_page_language_and_theme(client):
    body = client.get("/?lang=fr&theme=dark&indicator=no2").get_data(as_text=True)
    assert '<html lang="fr" data-theme="dark">' in body
    assert "Paris et San Francisco, villes sœurs numériques" in body
    assert "Chargement de la comparaison…" in body and "Loading..." not in body


def test_hostile_query_values_are_never_written_into_the_page(client):
    body = client.get('/?lang="><script>alert(1)</script>&theme=<b>').get_data(
        as_text=True
    )
    assert "<script>alert(1)" not in body and "<b>" not in body
    assert '<html lang="en" data-theme="light">' in body


def test_every_calendar_row_is_filed_in_its_own_period(client):
    # Issue 27: 26 of 70 NO₂ rows had `time` = the previous year's 31 December.
    for indicator_id in ("no2", "road_deaths", "electricity_monthly", "pm25"):
        text = client.get(f"/api/series/{indicator_id}.csv").get_data(as_text=True)
        rows = list(csv.DictReader(io.StringIO(text)))
        assert rows
        for row in rows:
            assert row["time"].startswith(row["period"]), (indicator_id, row)
    # An instant keeps its UTC time: it has no calendar period to fall in.
    bikes = client.get("/api/series/bikes_available.json").get_json()["data"]
    assert bikes[0]["time"].endswith("Z")
