"""The first page and its builders: five domains, both cities, both languages, honest gaps."""

import pandas as pd

import data_sources
from components.figures import comparison_figure, with_gaps
from components.layout import indicator_section
from components.pages import home
from data_sources.registries import DOMAINS, INDICATORS_BY_ID, PAIR


def walk(component):
    yield component
    children = getattr(component, "children", None)
    if children is None:
        return
    for child in children if isinstance(children, list | tuple) else [children]:
        if hasattr(child, "to_plotly_json"):
            yield from walk(child)
        else:
            yield child


def texts(component):
    return " ".join(str(c) for c in walk(component) if isinstance(c, str))


def test_home_has_one_chart_per_domain_with_both_cities():
    layout = home(lang="en")
    graphs = [c for c in walk(layout) if type(c).__name__ == "Graph"]
    assert [g.id for g in graphs] == [
        "chart-pm25",
        "chart-bikes_available",
        "chart-electricity_consumption",
        "chart-waste_collected",
        "chart-road_deaths",
    ]
    for graph in graphs:
        assert [trace.name for trace in graph.figure.data] == ["Paris", "San Francisco"]
    assert len(DOMAINS) == len(graphs)


def test_home_in_french_translates_labels_notes_and_numbers():
    page_text = texts(home(lang="fr"))
    assert "Pollution de l'air" in page_text and "Déchets" in page_text
    assert "Comparabilité : " in page_text
    assert "18 066 vélos" in page_text.replace("\u202f", " ").replace("\xa0", " ")
    assert "Télécharger le CSV" in page_text


def test_unknown_query_parameters_are_ignored():
    assert texts(home(lang="xx", theme="<script>"))  # falls back to English, no error


def test_source_line_names_publisher_licence_and_access_date():
    indicator = INDICATORS_BY_ID["road_deaths"]
    result = data_sources.load_series("road_deaths", PAIR)
    section = indicator_section(
        indicator,
        result.frame,
        result.unit,
        data_sources.series_provenance("road_deaths"),
        PAIR,
        "en",
    )
    text = texts(section)
    assert "Licence Ouverte 2.0" in text and "accessed Nov 25, 2026" in text


def test_no_line_is_drawn_through_missing_years():
    result = data_sources.load_series("road_deaths", ("paris",))
    figure = comparison_figure(
        result.frame, INDICATORS_BY_ID["road_deaths"], "deaths", "en", ("paris",)
    )
    [trace] = figure.data
    years = [
        None if y is None else x.year for x, y in zip(trace.x, trace.y, strict=True)
    ]
    # Paris: 2005, (gap), 2010-2013, (gap), 2017-2021
    assert years == [
        2005,
        None,
        2010,
        2011,
        2012,
        2013,
        None,
        2017,
        2018,
        2019,
        2020,
        2021,
    ]
    assert trace.connectgaps is False


def test_with_gaps_leaves_consecutive_days_alone():
    days = pd.Series(pd.date_range("2016-01-01", periods=3, freq="D"))
    assert with_gaps(days, pd.Series([1, 2, 3]), "daily")[1] == [1, 2, 3]


def test_reference_line_is_labelled_in_the_page_language():
    result = data_sources.load_series(
        "pm25", PAIR, start="2016-01-01", end="2016-01-31"
    )
    figure = comparison_figure(
        result.frame, INDICATORS_BY_ID["pm25"], "µg/m³", "fr", PAIR
    )
    assert figure.layout.shapes[0].y0 == 15
    assert (
        figure.layout.annotations[0].text
        == "Ligne directrice OMS 2021, 24 heures (15 µg/m³)"
    )


def test_an_empty_frame_draws_a_no_data_message():
    result = data_sources.load_series("o3", ("sf",))
    figure = comparison_figure(
        result.frame, INDICATORS_BY_ID["o3"], "µg/m³", "en", ("sf",)
    )
    assert figure.layout.annotations[0].text == "No data available"


def test_a_damaged_live_store_does_not_break_the_page(empty_live_store):
    damaged = empty_live_store / "pm25"
    damaged.mkdir(parents=True)
    (damaged / "paris__open_meteo_air.json").write_text("{not json")
    (damaged / "sf__open_meteo_air.json").write_text(
        '{"file": "missing.csv", "sha256": "0"}'
    )
    graphs = [c for c in walk(home(lang="en")) if type(c).__name__ == "Graph"]
    assert [trace.name for trace in graphs[0].figure.data] == ["Paris", "San Francisco"]


def test_stale_data_are_labelled_on_the_page():
    # The shipped GBFS points are years old: a live source's old data are stale.
    text = texts(home(lang="en"))
    assert "(stale: not confirmed by the latest refresh)" in text
    assert "(périmé : non confirmé par la dernière actualisation)" in texts(
        home(lang="fr")
    )
