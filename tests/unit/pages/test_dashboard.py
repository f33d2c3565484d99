"""The dashboard's pure parts: URL state, summaries, cards, figures, and callbacks called directly."""

import pandas as pd
import pytest

from components import ids
from components.callbacks import next_state, refresh_tiles, render_view
from components.charts.figures import crossovers, figure_for
from components.charts.marks import SCREEN_POINTS, period_x, with_gaps, x_values
from components.pages.dashboard import layout as dashboard
from components.parts.cards import data_table, kpi_card, summary_sentence
from components.shown import shown_data, shown_frame
from components.state import ViewState, as_dict, parse_query, to_query
from data_sources.model.registries import INDICATORS_BY_ID, PAIR
from tests.helpers import find, props, texts, walk

# ------------------------------------------------------------------ URL state


def test_a_url_round_trips_to_the_same_view():
    state = ViewState(
        lang="fr",
        theme="dark",
        domain="traffic",
        indicator="road_deaths",
        view="ratio",
        axis="free",
        range="custom",
        start=2012,
        end=2020,
        norm="per_capita",
        clock="utc",
        table=True,
    )
    assert parse_query(to_query(state)) == state


@pytest.mark.parametrize(
    "query",
    [
        "?lang=xx&theme=neon&view=pie&norm=per_parsec&from=abc&to=99999&table=maybe",
        "?indicator=<script>alert(1)</script>&domain=%00",
        "?" + "a=1&" * 500,
        "not a query at all",
        "",
    ],
)
def test_garbage_parameters_fall_back_to_defaults(query):
    state = parse_query(query)
    assert state.lang == "en" and state.view == "side" and state.indicator == "pm25"
    assert state.start is None and state.norm == "absolute"


def test_a_meaningless_normalisation_in_the_url_is_dropped():
    assert parse_query("?indicator=pm25&norm=per_capita").norm == "absolute"
    assert parse_query("?indicator=no2&unit=ppb").unit == "ppb"
    assert parse_query("?indicator=no2&unit=furlongs").unit == ""
    assert parse_query("?indicator=road_deaths").domain == "traffic"


def test_changing_tab_picks_the_domains_headline_indicator():
    current = parse_query("?indicator=no2&norm=index&range=custom&from=2000&to=2010")
    values = {
        **as_dict(current),
        "domain": "energy",
        "from": "2000",
        "to": "2010",
        "table": [],
    }
    values["range"] = current.range
    state = next_state(current, ids.DOMAIN_BUTTON, values, None)
    assert (state.indicator, state.norm, state.range) == (
        "electricity_consumption",
        "absolute",
        "all",
    )


def test_choosing_a_first_or_last_year_makes_a_custom_range():
    current = parse_query("?indicator=no2")
    values = {**as_dict(current), "from": "2005", "to": "2010", "table": []}
    state = next_state(current, ids.YEAR_FROM, values, None)
    assert (state.range, state.start, state.end) == ("custom", 2005, 2010)
    assert "from=2005&to=2010" in to_query(state)
    # A first year after the last: the year just chosen wins, the other follows it.
    late = next_state(current, ids.YEAR_FROM, {**values, "from": "2012"}, None)
    assert (late.start, late.end) == (2012, 2012)
    early = next_state(current, ids.YEAR_TO, {**values, "to": "2003"}, None)
    assert (early.start, early.end) == (2003, 2003)


def test_the_url_wins_when_it_changes():
    current = parse_query("?indicator=no2&view=overlay")
    state = next_state(current, ids.URL, {}, "?indicator=no2&view=gap")
    assert state.view == "gap"


# ------------------------------------------------------------------ facts and cards


def shown(query: str):
    """What a dashboard URL shows, through the production path."""
    return shown_data(parse_query(query))


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "en",
            "In 2023, NO₂, annual mean in Paris was 21.6 µg/m³, 1.9 times San Francisco's (11.3 µg/m³).",
        ),
        (
            "fr",
            "En 2023, NO₂, moyenne annuelle à Paris : 21,6 µg/m³, soit 1,9 fois la valeur de San Francisco (11,3 µg/m³).",
        ),
    ],
)
def test_summary_of_the_latest_common_year(lang, expected):
    assert summary_sentence(shown(f"?indicator=no2&lang={lang}"), lang) == expected


def test_summary_of_measures_that_differ_gives_both_values_and_why():
    text = summary_sentence(shown("?indicator=recycling_rate"), "en")
    assert text == (
        "Recycling rate (Paris) / diversion rate (SF): Paris 20.2 % (2018), "
        "San Francisco 80 % (2017). The two cities' figures are not the same measure: "
        "they are shown side by side, never computed against each other."
    )


def test_summary_when_only_one_city_has_data():
    text = summary_sentence(shown("?indicator=o3&lang=fr"), "fr")
    assert text == (
        "Seules les données de Paris existent ici pour « O₃, moyenne journalière » "
        "(17 déc. 2011–26 nov. 2024)."
    )


def test_kpi_card_gives_latest_value_change_and_ratio():
    data = shown("?indicator=road_deaths&range=custom&from=2017&to=2021")
    card = kpi_card(data, "paris", "sf", "en")
    # A total: set against the other city per inhabitant, and said so; what the
    # ratio rests on (each city per inhabitant, its total, its population) on hover.
    assert texts(card) == (
        "Paris 45 deaths 2021 +45% since 2017 "
        "Paris: 0.7× San Francisco per inhabitant (2021)"
    )
    (ratio,) = [c for c in walk(card) if getattr(c, "className", "") == "kpi-ratio"]
    assert ratio.title == (
        "Per inhabitant: Paris 2.11, San Francisco 3.09 deaths per 100,000 "
        "inhabitants. Totals 45 and 27 deaths; populations (2020–2021): "
        "2.13 million and 874,000."
    )


def test_data_table_has_one_row_per_period_and_a_column_per_city():
    data = shown("?indicator=road_deaths&range=custom&from=2017&to=2018&lang=fr")
    assert (
        texts(data_table(data, "fr"))
        == "Période Paris (tués) San Francisco (tués) 2017 31 20 2018 36 23"
    )


# ------------------------------------------------------------------ figures


def english_figure(view, query, axis="auto"):
    """The figure of a view for a dashboard URL, in English, light, local clock."""
    return figure_for(view, shown(query), "en", "light", "local", axis)


def test_gap_view_marks_the_years_where_the_cities_swap_places():
    figure = english_figure("gap", "?indicator=pm10")
    gap, marks = figure.data
    # Paris above SF every year but 2020: crossed between 2019 (+5.6) and 2020 (−4.4),
    # 56 % of the way, and back between 2020 and 2021 (+3.9).
    assert [x[:7] for x in marks.x] == ["2019-07", "2020-07"]
    assert [round(y, 2) for y in gap.y if y is not None][-3:] == [5.61, -4.4, 3.93]


def test_gap_of_totals_is_per_inhabitant_never_of_the_totals():
    # Road deaths: Paris has more deaths than SF most years, but SF has 2.6 times
    # fewer inhabitants — per inhabitant SF is higher every year, so nothing crosses.
    refused = english_figure("gap", "?indicator=road_deaths")
    assert not [trace for trace in refused.data if trace.y]
    assert "drawn per inhabitant" in refused.layout.annotations[0].text.replace(
        "<br>", " "
    )
    (gap,) = english_figure("gap", "?indicator=road_deaths&norm=per_capita").data
    assert all(y < 0 for y in gap.y if y is not None)
    assert round(gap.y[0], 2) == -1.06  # 2010


def test_a_daily_gap_pairs_monthly_means_of_the_days_both_cities_measured():
    """Never one day against another: the gap of daily PM2.5 is drawn month by
    month, each month the mean of the days both cities have (at least 15)."""
    figure = english_figure("gap", "?indicator=pm25")
    assert figure.data[0].name == "Paris − San Francisco"
    months = [x for x, y in zip(figure.data[0].x, figure.data[0].y, strict=True) if y]
    # November 2024 ends on the 26th in Paris: still 15+ days in common.
    assert months[0] == "2015-01-01" and months[-1] == "2024-11-01"
    # no Paris background PM2.5 from June 2020 to December 2021: no month there
    assert not [m for m in months if "2020-07-01" <= m <= "2021-12-01"]
    assert "monthly means of the days both cities measured" in (
        figure.layout.yaxis.title.text
    )
    data = shown("?indicator=pm25")
    frame = data.frame.assign(day=data.frame["period"])
    jan = frame[frame["period"].str.startswith("2015-01")]
    both = set(jan[jan.city == "paris"].day) & set(jan[jan.city == "sf"].day)
    mean = {c: jan[(jan.city == c) & jan.day.isin(both)]["value"].mean() for c in PAIR}
    assert figure.data[0].y[0] == pytest.approx(mean["paris"] - mean["sf"])


def test_ratio_view_divides_paris_by_sf():
    figure = english_figure("ratio", "?indicator=no2&range=custom&from=2016&to=2016")
    assert figure.data[0].y[0] == pytest.approx(37.53 / (11.0 * 1.88))


def test_side_by_side_shares_y_by_default_and_frees_it_on_demand():
    shared = english_figure("side", "?indicator=no2")
    free = english_figure("side", "?indicator=no2", axis="free")
    assert shared.layout.yaxis2.matches == "y" and free.layout.yaxis2.matches is None
    assert [t.name for t in shared.data] == ["Paris", "San Francisco"]
    assert [t.line.dash for t in shared.data] == [
        "solid",
        "dash",
    ]  # readable in greyscale


def test_scales_that_differ_open_on_free_axes_and_say_so():
    """Vélib' trips (5.5 M a month) would flatten Bay Wheels (~0.3 M) on one axis."""
    auto = english_figure("side", "?indicator=bikeshare_trips")
    assert auto.layout.yaxis2.matches is None
    assert "Scales differ: each city has its own axis" in [
        a.text for a in auto.layout.annotations
    ]
    forced = english_figure("side", "?indicator=bikeshare_trips", axis="shared")
    assert forced.layout.yaxis2.matches == "y"
    # NO₂ levels are of one order: shared, nothing said
    same = english_figure("side", "?indicator=no2")
    assert same.layout.yaxis2.matches == "y"
    assert not [a for a in same.layout.annotations if "Scales" in (a.text or "")]


def test_the_station_change_is_drawn_where_pariss_no2_series_breaks():
    figure = english_figure("overlay", "?indicator=no2&events=0")
    lines = [s for s in figure.layout.shapes if s.line.color == "#0072B2"]
    assert [s.x0 for s in lines] == ["2013-01-01T00:00:00", "2020-01-01T00:00:00"]
    assert {s.line.dash for s in lines} == {"dot"}
    labels = [a.text for a in figure.layout.annotations if "change" in (a.text or "")]
    assert labels == [
        "Paris: station change",
        "Paris: station change",
        "San Francisco: coverage change",
    ]


def test_french_axis_ticks_and_tooltips_use_french_dates():
    figure = figure_for(
        "overlay",
        shown("?indicator=electricity_monthly&lang=fr&range=custom&from=2020&to=2020"),
        "fr",
        "light",
        "local",
        True,
    )
    assert figure.layout.xaxis.ticktext[0] == "janv. 2020"
    assert figure.data[0].customdata[0].startswith("janv. 2020: ")
    assert figure.layout.separators == ", "


def test_no_line_crosses_missing_years():
    figure = english_figure("overlay", "?indicator=road_deaths")
    paris = figure.data[0]
    years = [
        None if y is None else int(x[:4]) for x, y in zip(paris.x, paris.y, strict=True)
    ]
    assert years == [
        2005,
        None,
        *range(2007, 2014),
        None,
        *range(2017, 2022),
        None,
        2023,
    ]


def test_with_gaps_and_crossovers_helpers():
    days = pd.Series(pd.date_range("2016-01-01", periods=3, freq="D"))
    assert with_gaps(days, pd.Series([1, 2, 3]), "daily")[1] == [1, 2, 3]
    x = list(period_x(pd.Series(["2010", "2011", "2012"])))
    assert crossovers(x, [1.0, -1.0, 2.0], 0.0, "annual") == [
        x[0] + (x[1] - x[0]) / 2,
        x[1] + (x[2] - x[1]) / 3,
    ]


# ------------------------------------------------------------------ callbacks as plain functions


def callback_args(state, shown=None):
    """render_view's arguments as the browser sends them: the stored state, the
    presentation controls' values, and what the page shows (None: not known)."""
    return as_dict(state), state.view, state.theme, state.axis, shown


def rendered_view(state) -> list:
    """The whole view render_view sends for a state when it does not know the page."""
    head, body, _ = render_view(*callback_args(state))
    return [head, body]


def test_render_view_builds_the_chart_summary_and_csv_link():
    state = parse_query(
        "?lang=fr&indicator=no2&view=overlay&range=custom&from=2012&to=2016"
    )
    content = rendered_view(state)
    graph = find(content, ids.CHART)
    assert [trace["name"] for trace in props(graph)["figure"]["data"]] == [
        "Paris",
        "San Francisco",
    ]
    assert "soit 1,8 fois la valeur de San Francisco" in texts(content)
    csv = next(
        c
        for part in content
        if part is not None
        for c in walk(part)
        if props(c).get("className") == "download"
    )
    assert props(csv)["href"] == (
        "/api/series/no2.csv?cities=paris%2Csf&start=2012-01-01&end=2016-12-31"
        "&norm=absolute&lang=fr"
    )


def test_render_view_shows_the_table_only_when_asked():
    without = rendered_view(parse_query("?indicator=road_deaths"))
    with_table = rendered_view(parse_query("?indicator=road_deaths&table=1"))
    assert "Period" not in texts(without) and "Period" in texts(with_table)


def test_live_tiles_show_both_cities_with_local_time():
    heading, *tiles = refresh_tiles(0, as_dict(parse_query("?lang=en")))
    assert [t.id["city"] for t in tiles] == ["paris", "sf", "paris", "sf"]
    assert "18,066 bikes" in texts(tiles[0]) and "+0200" in texts(tiles[0])
    assert "stale" in texts(tiles[1])
    # Not "Now": the shipped readings are months or years old.
    assert heading.children == "Latest readings"


def test_the_layout_follows_the_query_and_ignores_unknown_parameters():
    from app import server

    with server.test_request_context("/?lang=fr&domain=waste&bogus=<b>"):
        layout = dashboard()
    assert layout.lang == "fr"
    buttons = find(layout, ids.TABS).children
    assert [b.children for b in buttons if "selected" in b.className] == ["Déchets"]


def test_source_line_names_publisher_licence_and_access_date():
    text = texts(rendered_view(parse_query("?indicator=road_deaths")))
    # Each source's credit line as LICENCES.md gives it: the publisher's licence where
    # its text was found, "to be confirmed" where not (the Baromètre's "Licence
    # Ouverte 2.0" was never read on a page of its publisher).
    assert (
        "Data: Baromètre des résultats de l'action publique (ONISR) — licence to be "
        "confirmed (snapshot collected Nov 25, 2026)"
    ) in text
    assert "Licence Ouverte" not in text
    assert "Data: DataSF (City and County of San Francisco), ODC PDDL 1.0" in text


def comparability_pairs(data, key):
    """The pairs before the daily means: hour against hour."""
    from data_sources.model.comparability import pairs

    hourly = data.indicator.__class__(**{**data.indicator.__dict__, "freq": "instant"})
    return pairs(data.frame, hourly, PAIR, key=key)[0]


def test_gap_pairs_each_citys_clock_or_the_same_instant():
    # Hand-made hourly values (tests only): Paris 08:00 local = 07:00 UTC in winter,
    # San Francisco 08:00 local = 16:00 UTC.
    rows = [
        ("paris", "2026-11-20T07:00:00Z", "2026-11-20T08:00", 10.0),
        ("paris", "2026-11-20T16:00:00Z", "2026-11-20T17:00", 30.0),
        ("sf", "2026-11-20T16:00:00Z", "2026-11-20T08:00", 4.0),
    ]
    frame = pd.DataFrame(rows, columns=["city", "time", "period", "value"])
    frame["source"] = "open_meteo_air"
    data = shown_frame(frame, INDICATORS_BY_ID["pm25_hourly"], "µg/m³")
    rows_by_hour = data.frame.assign(freq="hourly")
    assert rows_by_hour["edition"].tolist() == ["2026"] * 3
    # Hourly values pair hour by hour, then each day's mean of the common hours
    # (at least 12 of them): these three hours are too few for any day.
    assert figure_for("gap", data, "en", "light", "local", True).layout.annotations
    local = comparability_pairs(data, "period")
    utc = comparability_pairs(data, "time")
    assert local["a"].tolist() == [10.0] and local["b"].tolist() == [4.0]
    assert utc["a"].tolist() == [30.0] and utc["b"].tolist() == [4.0]


def test_why_the_cities_are_not_compared_is_said_once_above_the_chart():
    """The summary (the view's subtitle) gives the reason; the cards under it do not
    repeat it."""
    head, _ = rendered_view(parse_query("?indicator=waste_collected&lang=en"))
    reason = (
        "The two cities measure this differently: compare their trends (values as an "
        "index), not their levels."
    )
    assert texts(head).count(reason) == 1


def test_a_long_daily_series_is_drawn_as_weekly_means_with_their_range():
    data = shown("?indicator=pm25&lang=fr")
    figure = figure_for("overlay", data, "fr", "light", "local")
    paris_rows = data.frame[data.frame["city"] == "paris"]
    assert len(paris_rows) > SCREEN_POINTS  # thousands of days: more than pixels
    paris = figure.data[0]
    assert paris.name == "Paris"
    assert len([y for y in paris.y if y is not None]) <= SCREEN_POINTS
    # the first bucket: the mean of its seven days, and their min and max
    x = x_values(paris_rows, "local").reset_index(drop=True)
    start = pd.Timestamp(paris.x[0])
    week = paris_rows["value"].reset_index(drop=True)[
        (x >= start) & (x < start + pd.Timedelta(days=7))
    ]
    assert paris.y[0] == pytest.approx(week.mean())
    low, high, count = paris.customdata[0]
    assert (low, high, count) == (week.min(), week.max(), len(week))
    assert paris.error_y.array[0] == pytest.approx(week.max() - week.mean())
    assert figure.layout.xaxis.title.text == "moyennes sur 7 jours · étendue min–max"
    assert "étendue" in paris.hovertemplate
    # both cities in the same buckets
    assert figure.data[1].meta == paris.meta


def test_a_shorter_range_draws_every_value():
    figure = figure_for(
        "side", shown("?indicator=pm25&range=1y"), "en", "light", "local"
    )
    assert all(trace.error_y.array is None for trace in figure.data)
    assert figure.layout.xaxis.title.text is None
