"""Every figure a journalist could print is right as printed (issue 27).

Each comparison a page prints is recomputed here from the API's own rows
(`/api/series/<id>.json`) and the API's population rows — never from the code under
test — and the words around it are checked: a comparison of totals says it is per
inhabitant.
"""

from __future__ import annotations

import re
from html import unescape

import pytest

from app import server
from data_sources.model.registries import INDICATORS, INDICATORS_BY_ID

client = server.test_client()
NAMES = {"Paris": "paris", "San Francisco": "sf"}
# "San Francisco: 2.1× Paris per inhabitant (2023)" — a ratio at one year.
RATIO = re.compile(
    r"(Paris|San Francisco): (\d+(?:\.\d)?)× (Paris|San Francisco)"
    r"( per inhabitant)? \((\d{4})\)"
)
# Totals whose levels compare: their ratio is printed, per inhabitant.
TOTALS = [
    i.id
    for i in INDICATORS
    if i.per_capita is not None
    and i.comparability.level == "levels"
    and all(c.kind == "city" for c in i.comparability.coverage.values())
]


def visible(path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    body = response.get_data(as_text=True)
    body = re.sub(r"<script.*?</script>", " ", body, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())


def api_rows(indicator_id: str) -> list[dict]:
    return client.get(f"/api/series/{indicator_id}.json").get_json()["data"]


def recomputed(indicator_id: str, city: str, other: str, year: str) -> float:
    """city ÷ other per inhabitant in `year`, each divided by its population of the
    nearest year the API has (the earlier one on a tie)."""
    people = api_rows("population")

    def per_head(city_id: str) -> float:
        (value,) = [
            r["value"]
            for r in api_rows(indicator_id)
            if r["city"] == city_id and r["period"] == year
        ]
        counts = {
            int(r["period"][:4]): r["value"] for r in people if r["city"] == city_id
        }
        nearest = min(counts, key=lambda y: (abs(y - int(year)), y))
        return value / counts[nearest]

    return per_head(city) / per_head(other)


def overview_rows() -> dict[str, str]:
    """The overview's visible text, row by row, keyed by indicator."""
    body = client.get("/?lang=en").get_data(as_text=True)
    rows = {}
    for row in body.split("<tr>")[1:]:
        found = re.search(r"indicator=([a-z0-9_]+)", row)
        if found:
            rows[found[1]] = " ".join(unescape(re.sub(r"<[^>]+>", " ", row)).split())
    return rows


def printed_ratios(text: str) -> list[tuple]:
    return [m.groups() for m in RATIO.finditer(text)]


def assert_right_as_printed(indicator_id: str, text: str, where: str) -> int:
    """Every ratio in `text` is per inhabitant and equals the recomputed one."""
    found = printed_ratios(text)
    for city, ratio, other, per, year in found:
        assert per, (where, city, ratio, other, year)
        expected = recomputed(indicator_id, NAMES[city], NAMES[other], year)
        assert float(ratio) == pytest.approx(expected, abs=0.051), (where, year)
    return len(found)


def test_overview_compares_totals_per_inhabitant():
    rows = overview_rows()
    checked = [i for i in TOTALS if i in rows]
    assert "road_deaths" in checked and len(checked) >= 3
    for indicator_id in checked:
        assert assert_right_as_printed(indicator_id, rows[indicator_id], "/") == 1
        assert "Totals" in rows[indicator_id]  # the totals and populations beside it
    # The finding: "Paris: 1.3× San Francisco (2023)" read the opposite of the truth.
    assert "San Francisco: 2.1× Paris per inhabitant (2023)" in rows["road_deaths"]
    assert "1.3×" not in rows["road_deaths"]


@pytest.mark.parametrize("indicator_id", TOTALS)
def test_embed_stage_and_dashboard_compare_totals_per_inhabitant(indicator_id):
    from tests.unit.model.test_honest_comparisons import dashboard_text

    count = 0
    for where, text in (
        ("embed", visible(f"/embed/{indicator_id}?lang=en")),
        ("stage", visible(f"/present?slides={indicator_id}&lang=en")),
        ("dashboard", dashboard_text(f"?indicator={indicator_id}&lang=en")),
    ):
        count += assert_right_as_printed(indicator_id, text, where)
        # The summary sentence says per inhabitant too, never "N times" the total.
        if "times" in text:
            assert "Per inhabitant," in text, where
    assert count >= 2  # each city's card, at least


def test_french_pages_say_par_habitant():
    text = visible("/embed/road_deaths?lang=fr")
    assert "par habitant" in text
    assert (
        "Par habitant, le chiffre de San Francisco était 2,1 fois celui de Paris"
        in text
    )


def test_a_network_total_is_never_a_ratio():
    # Bike-share networks: their served population is not published.
    text = visible("/embed/bikes_available?lang=en")
    assert not printed_ratios(text) and "×" not in text
    assert "these networks' populations are not published" in text
    assert INDICATORS_BY_ID["bikes_available"].per_capita is not None


def latest_rows(indicator_id: str) -> dict[str, dict]:
    """Each city's newest row, as the API publishes it."""
    newest = {}
    for row in api_rows(indicator_id):
        newest[row["city"]] = row  # the API's rows are in time order per city
    return newest


def test_every_partial_or_provisional_value_shown_is_marked():
    rows = overview_rows()
    marked = []
    for indicator_id, text in rows.items():
        slide = visible(f"/present?slides={indicator_id}&lang=en")
        for row in latest_rows(indicator_id).values():
            status = row["period_status"]
            assert status in ("complete", "partial", "provisional")
            if status == "complete":
                continue
            # The overview says what the period covers; a card (the stage's) says
            # "partial period", the rest in its title.
            provisional = status == "provisional"
            marks = {
                "overview": "(provisional)" if provisional else "(partial: covers",
                "stage": "(provisional)" if provisional else "(partial period)",
            }
            for where, shown in (("overview", text), ("stage", slide)):
                assert marks[where] in shown, (where, indicator_id, row["city"])
            marked.append((indicator_id, row["city"], row["period"]))
    # The values of the finding: NO₂ 2025 (1 Jan–4 Dec), PM2.5 2024 (to 26 Nov), SF's
    # provisional road deaths of 2025.
    assert {("no2", "paris", "2025"), ("road_deaths", "sf", "2025")} <= set(marked)
    assert "2025 (partial: covers 2025-01-01 to 2025-12-04 only)" in rows["no2"]


def test_a_headline_never_rests_on_a_provisional_or_partial_period():
    # SF's 2025 road deaths are provisional: the comparison stays on 2023 (the latest
    # final year both have) and SF's own change ends in 2024, said so.
    text = overview_rows()["road_deaths"]
    assert "per inhabitant (2023)" in text
    assert "from 2010 to 2024" in text


def test_the_words_around_a_view_say_what_it_compares():
    from tests.unit.pages.test_dashboard import english_figure

    # A total's comparability line says it compares per inhabitant; a network total
    # that it does not compare at all (not "ratio and gap shown").
    assert "Totals: compared per inhabitant" in visible("/embed/road_deaths?lang=en")
    bikes = visible("/embed/bikeshare_trips?lang=en")
    assert "Totals of networks whose populations are not published" in bikes
    assert "ratio and gap shown" not in bikes
    # Two indices crossing: the changes since the base year swap order, not the
    # cities' levels (Paris's electricity is higher every year).
    figure = english_figure("ratio", "?indicator=electricity_monthly&norm=index")
    names = [trace.name for trace in figure.data]
    assert "crossover: the cities swap places" not in names
    assert "crossover: the cities' changes since the base year swap order" in names


def test_a_daily_change_is_the_year_before_never_an_older_year():
    # SF's PM2.5 card compared its latest 12 months with "the same months to Dec 31,
    # 2015", eight years back; it is the year before, or said to be missing.
    text = visible("/embed/pm25?lang=en")
    assert "vs the same months to Dec 31, 2023" in text
    assert "Dec 31, 2015" not in text


def test_survey_cards_name_their_edition():
    # INRIX: the ratio is of the 2018 edition; the cards' latest figures are of other
    # editions, and say which (97 h beside "2× (2018 edition)" read as one figure).
    text = visible("/embed/congestion_hours?lang=en")
    assert "97 hours per driver 2024 (2024 edition)" in text
    assert "45 hours per driver 2023 (2023 edition)" in text
    assert "(2018, 2018 edition)" in text
    assert "édition 2024" in visible("/embed/congestion_hours?lang=fr")
