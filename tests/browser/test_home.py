"""The first page in headless Chromium: every domain's chart draws both cities, no console errors."""

import pytest
from dash.testing.application_runners import import_app

CHARTS = (
    "pm25",
    "bikes_available",
    "electricity_consumption",
    "waste_collected",
    "road_deaths",
)

pytestmark = pytest.mark.browser


def test_home_renders_both_cities_in_every_chart(dash_duo):
    dash_duo.start_server(import_app("app"))
    dash_duo.wait_for_text_to_equal("h1", "Sister Cities", timeout=20)
    for indicator in CHARTS:
        dash_duo.wait_for_element(f"#chart-{indicator} .main-svg", timeout=20)
        traces = dash_duo.find_elements(f"#chart-{indicator} .scatterlayer .trace")
        assert len(traces) == 2, indicator
        legend = [
            e.text for e in dash_duo.find_elements(f"#chart-{indicator} .legendtext")
        ]
        assert legend == ["Paris", "San Francisco"], indicator
    assert (
        dash_duo.driver.find_element("css selector", "html").get_attribute("lang")
        == "en"
    )
    assert dash_duo.get_logs() == []


def test_home_in_french(dash_duo):
    dash_duo.start_server(import_app("app"))
    dash_duo.driver.get(dash_duo.server_url + "/?lang=fr")
    dash_duo.wait_for_text_to_equal("h1", "Villes sœurs", timeout=20)
    dash_duo.wait_for_contains_text("#section-air h2", "POLLUTION DE L'AIR", timeout=20)
    dash_duo.wait_for_element("#chart-road_deaths .main-svg", timeout=20)
    assert (
        dash_duo.driver.find_element("css selector", "html").get_attribute("lang")
        == "fr"
    )
    assert dash_duo.get_logs() == []
