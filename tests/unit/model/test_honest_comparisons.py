"""Every number that compares the two cities obeys the comparability model.

Each finding of the "honest comparisons" review is a regression test on the real
snapshot, with the exact wrong number it must no longer show and the honest statement
that replaced it; then a property test over every indicator, view, normalisation and
language checks that no page, embed, slide, summary or API response emits a comparison
the model forbids.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import server
from components.callbacks import render_view
from components.parts.cards import summary_sentence
from components.shown import shown_data
from components.state import NORMS, VIEWS, as_dict, parse_query
from data_sources import BadRequest, load_series
from data_sources.model import comparability, comparisons
from data_sources.model.registries import INDICATORS, INDICATORS_BY_ID, LANGUAGES, PAIR
from tests.helpers import texts

client = server.test_client()


def page_text(path: str) -> str:
    """The visible words of a page served without Dash (embed, stage)."""
    response = client.get(path)
    assert response.status_code == 200, path
    body = response.get_data(as_text=True).split("<body", 1)[1]
    body = re.sub(r'<script type="application/json".*?</script>', " ", body, flags=re.S)
    body = re.sub(r"<svg.*?</svg>", " ", body, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


def dashboard_text(query: str) -> str:
    state = parse_query(query)
    *parts, _ = render_view(as_dict(state), state.view, state.theme, state.axis, None)
    return texts(parts)


def everywhere(indicator: str, lang: str = "en") -> str:
    """What the dashboard, the embed and the stage slide say about an indicator."""
    return " ".join(
        (
            dashboard_text(f"?indicator={indicator}&lang={lang}"),
            page_text(f"/embed/{indicator}?lang={lang}"),
            page_text(f"/present?slides={indicator}&lang={lang}"),
        )
    )


# ------------------------------------------------------------------ the findings


def test_waste_collected_and_disposed_are_never_set_against_each_other():
    text = everywhere("waste_collected")
    assert "1.7×" not in text and "1.7 times" not in text
    assert (
        "Not compared: The two cities measure this differently: compare their "
        "trends (values as an index), not their levels."
    ) in text
    assert "Comparability: Compare trends, not levels." in text


def test_a_region_is_never_compared_with_a_city():
    text = everywhere("electricity_monthly")
    assert "14.7×" not in text and "14.7 times" not in text
    assert "The Île-de-France region (12.2 million people; Paris is about 17 %)" in text


def test_congestion_compares_within_one_edition_and_never_across_years():
    text = everywhere("congestion_hours")
    assert "+49%" not in text and "since 2016" not in text
    assert "2.2×" not in text and "2.2 times" not in text  # 2024 edition ÷ 2023 edition
    assert "Paris: 2× San Francisco (2018, 2018 edition)" in text
    assert (
        "In 2018 (2018 edition), hours lost in congestion per driver (INRIX) in Paris "
        "was 237 hours per driver, 2 times San Francisco's (116 hours per driver)."
    ) in text


def test_a_launch_month_is_never_the_start_of_a_change():
    text = everywhere("bikeshare_trips")
    assert "13,696" not in text and "since Jun 2017" not in text
    assert "+129%: the 12 months to Jan 2026 vs the same months to Jan 2019" in text


def test_daily_pm25_compares_means_over_a_stated_window_never_two_days():
    # The years of the original finding: Paris Centre 2011-2017 beside Arkansas St.
    text = dashboard_text("?indicator=pm25&range=custom&from=2011&to=2017") + (
        page_text("/embed/pm25?lang=en&range=2011-2017")
    )
    assert "3.7×" not in text and "3.7 times" not in text
    assert "+7% since" not in text and "since Dec 17, 2011" not in text
    # Today's data: the latest 12 months both cities measured, and each city's
    # latest 12 months against the same months of an earlier year.
    text = everywhere("pm25")
    assert "Paris: 1.1× San Francisco (12-month mean to Nov 26, 2024)" in text
    assert (
        "Over the 328 days both cities measured in the 12 months to Nov 26, 2024, "
        "PM2.5, daily mean averaged 7.28 µg/m³ in Paris, 1.1 times San Francisco's "
        "(6.57 µg/m³)."
    ) in text
    assert (
        "-37%: mean of the 12 months to Nov 26, 2024 vs the same months to Nov 26, 2023"
    ) in text


def test_a_change_never_crosses_the_station_change():
    text = dashboard_text("?indicator=no2&range=custom&from=1999&to=2016") + (
        page_text("/embed/no2?lang=en&range=1999-2016")
    )
    assert "-26%" not in text  # Paris 1999 → 2016 across the station change
    assert (
        "Paris 37.5 µg/m³ 2016 -4% since 2013 (after a series break: station change)"
        in (text)
    )
    # Today: Paris's latest station (Les Halles) starts in 2020
    # (2025 covers January to 4 December only: shown, never a change's end)
    text = everywhere("no2")
    assert (
        "Paris 17.8 µg/m³ 2025 (partial period) -11% from 2020 to 2024 (after a series "
        "break: station change)"
    ) in text
    assert "-14% since 2022 (after a series break: coverage change)" in text
    french = everywhere("no2", "fr")
    assert (
        "-11 % de 2020 à 2024 (après une rupture de série : changement de station)"
        in french
    )


def test_the_index_base_is_each_citys_own_calendar_year():
    """Paris's 1 January starts at 23:00 UTC the day before: a UTC year put Paris's
    100 on 2011."""
    response = client.get("/api/series/no2.csv?cities=paris,sf&norm=index&base=2010")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    in_2010 = {r["city"]: float(r["value"]) for r in rows if r["period"] == "2010"}
    assert in_2010 == {"paris": 100.0, "sf": 100.0}
    assert {r["unit"] for r in rows} == {"index, 2010 = 100"}


def test_a_monthly_index_without_a_complete_base_year_is_refused():
    """Paris bike-share has September 2020 alone: it was the whole 'base year'."""
    response = client.get("/api/series/bikeshare_trips.json?norm=index&base=2020")
    assert response.status_code == 400
    assert response.get_json()["error"] == (
        "Paris has no complete base year 2020 (1 of 12 months): an index would rest on "
        "part of a year."
    )


def test_whole_networks_are_never_divided_by_the_citys_population():
    for norm in ("per_capita", "per_km2"):
        response = client.get(f"/api/series/bikes_available.json?norm={norm}")
        assert response.status_code == 400
        assert (
            "Paris's figure covers a whole network, not the city"
            in (response.get_json()["error"])
        )
    text = dashboard_text("?indicator=bikes_available")
    assert "Not offered: Per inhabitant. Paris's figure covers a whole network" in text


def test_freshness_is_the_datas_own_age():
    # the "now" air tile falls back to daily PM2.5 of 2017 / 2024: marked stale
    latest = {t["kind"]: t for t in client.get("/api/latest").get_json()}
    assert latest["air"]["cities"]["paris"]["time"] == "2024-11-25T23:00:00Z"
    assert latest["air"]["cities"]["paris"]["stale"] is True  # a 2024 day, "now"
    # On stage, "Now" is said only of current readings: every reading shipped is
    # months or years old, so the strip yields its place to the chart.
    stage = page_text("/present?lang=en")
    assert "Now" not in stage.split("1 / ")[0] and "· stale" not in stage
    # what our copy is, said as such: not "accessed" on the snapshot's build date (a
    # citation's "accessed" is the reader's own day, today)
    text = everywhere("road_deaths")
    assert "snapshot collected Nov 25, 2026" in text
    assert "accessed Nov 25" not in text and "accessed 2026-11-25" not in text


def test_the_comparability_note_travels_with_every_number():
    note = INDICATORS_BY_ID["electricity_monthly"].comparability.notes["en"]
    assert note[:60] in page_text("/embed/electricity_monthly?lang=en")
    assert "Comparability: Compare trends, not levels." in page_text(
        "/present?slides=electricity_monthly&lang=en"
    )
    csv_text = client.get("/api/series/waste_collected.csv").get_data(as_text=True)
    first = next(csv.DictReader(io.StringIO(csv_text)))
    assert (
        first["note"] == "Paris, household and assimilated waste collected by the city"
    )
    body = client.get("/api/series/waste_collected.json").get_json()
    assert body["comparability"]["level"] == "trends"
    sf = [r for r in body["data"] if r["city"] == "sf"]
    assert [r["note"] for r in sf if r["period"] == "2020"] == [
        "Reporting system change: CalRecycle DRS disposal until 2019, RDRS landfill + "
        "transformation from 2020"
    ]


def test_refused_views_say_why_instead_of_drawing():
    state = parse_query("?indicator=recycling_rate&view=gap&lang=fr")
    figure = figure_json(state)
    assert not figure["data"]
    assert figure["layout"]["annotations"][0]["text"].replace("<br>", " ") == (
        "La vue « Écart (Paris − SF) » n'est pas proposée ici. Les chiffres des deux "
        "villes ne mesurent pas la même chose : ils sont montrés côte à côte, jamais "
        "calculés l'un par rapport à l'autre."
    )
    options = {o["value"]: o["disabled"] for o in view_options_for(state)}
    assert options == {"side": False, "overlay": True, "gap": True, "ratio": True}


def view_options_for(state):
    from components.parts.controls import view_options

    return view_options(INDICATORS_BY_ID[state.indicator], state.norm, state.lang)


# ------------------------------------------------------------------ the property

FORBIDDEN_WORDS = re.compile(r"\d× |\d times |\d fois | × [A-Z]")


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    indicator=st.sampled_from([i.id for i in INDICATORS if i.domain != "context"]),
    view=st.sampled_from(VIEWS),
    norm=st.sampled_from(NORMS),
    lang=st.sampled_from(LANGUAGES),
)
def test_nothing_anywhere_compares_what_the_model_forbids(indicator, view, norm, lang):
    rule = INDICATORS_BY_ID[indicator]
    query = f"?indicator={indicator}&view={view}&norm={norm}&lang={lang}"
    state = parse_query(query)
    if norm != state.norm:  # the dashboard drops a refused normalisation from a URL
        assert comparability.norm_refusal(rule, norm, PAIR) is not None
        with pytest.raises(BadRequest):
            load_series(indicator, PAIR, norm=norm)
    try:
        shown = shown_data(state)
    except BadRequest as refused:  # refused with a reason, never computed anyway
        assert str(refused)
        return
    assessment = shown.assessment
    summary = summary_sentence(shown, lang)
    # The registry's own note is reviewed text, not a computed comparison (it may
    # say how much more populous a city is); everything else is checked.
    view_text = dashboard_text(query).replace(
        " ".join(rule.comparability.notes[lang].split()), ""
    )
    if rule.comparability.level in ("trends", "none") or state.norm == "index":
        # no "N× the other city", nowhere
        assert not isinstance(assessment.ratio, comparisons.Ratio)
        for text in (summary, view_text):
            assert not FORBIDDEN_WORDS.search(text), (query, text)
    if isinstance(assessment.ratio, comparisons.Ratio):
        ratio = assessment.ratio
        # same period, same edition, no partial period; dense series as a window
        assert rule.freq not in ("daily", "hourly") or ratio.window
        a_rows = shown.frame[
            (shown.frame["city"] == PAIR[0])
            & (shown.frame["period"] == ratio.span.last)
        ]
        if not ratio.window and rule.freq != "instant":
            b_rows = shown.frame[
                (shown.frame["city"] == PAIR[1])
                & (shown.frame["period"] == ratio.span.last)
            ]
            assert not a_rows["partial"].any() and not b_rows["partial"].any()
            if rule.comparability.level == "within_edition":
                assert set(a_rows["edition"]) == set(b_rows["edition"])
        # totals of two cities are only ever set against each other per inhabitant
        assert (rule.per_capita is not None and state.norm == "absolute") == (
            ratio.per_inhabitant
        )
    refused = assessment.views.get(state.view)
    if refused is not None:
        figure = figure_json(state)
        assert not [t for t in figure["data"] if t.get("y")], query  # nothing drawn
    for city_id, change in assessment.changes.items():
        if isinstance(change, comparisons.Change):
            rows = shown.frame[shown.frame["city"] == city_id]
            start = rows[rows["period"] == change.start.first]
            # never from a partial period, never across a break
            assert not start["partial"].any()
            assert (start["segment"] == rows["segment"].max()).all()
            assert rule.comparability.level != "within_edition"


def figure_json(state) -> dict:
    from components.shown import figure_of

    return figure_of(shown_data(state), state).to_plotly_json()
