"""Presentations switched in the browser give exactly the figure a full render gives.

The browser builds a presentation from the bundle: a view's figure plus the theme's and
the axis' changes, each computed on its own. These tests hold that to the figure the
server builds from scratch, for every presentation of indicators of each kind; the
browser test checks that assets/presentation.js applies the same changes.
"""

import json
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import data_sources
from components import ids
from components.charts.figures import (
    apply_changes,
    changes,
    choices,
    data_only,
    figure_from_bundle,
)
from components.pages.dashboard import bundle_for, panel_for, plain_figure
from components.pages.dashboard import layout as dashboard
from components.shown import figure_of, shown_data
from components.state import AXES, THEMES, VIEWS, as_dict, parse_query
from tests.helpers import walk

# One of each kind: annual with gaps and a reference line, daily (thousands of points),
# monthly, instant (markers), and one with no rows at all (a message, not a chart).
KINDS = ["no2", "road_deaths", "pm25", "electricity_monthly", "bikes_available"]


def full_render(query: str) -> dict:
    state = parse_query(query)
    return plain_figure(figure_of(shown_data(state), state), state, state.indicator)


@pytest.mark.parametrize("indicator", KINDS)
def test_every_presentation_equals_a_full_render(indicator):
    state = parse_query(f"indicator={indicator}")
    bundle = bundle_for(data_only(state), data_sources.data_version(indicator))
    for view in VIEWS:
        for theme in THEMES:
            for axis in AXES:
                query = f"indicator={indicator}&view={view}&theme={theme}&axis={axis}"
                assert figure_from_bundle(bundle, view, theme, axis) == full_render(
                    query
                ), query


def test_the_theme_changes_colours_not_data_and_the_axis_only_side_by_side():
    bundle = bundle_for(
        data_only(parse_query("indicator=pm25")), data_sources.data_version("pm25")
    )
    dark = bundle["changes"]["theme"]["dark"]
    assert set(dark) == set(VIEWS)
    touched = {key for view in VIEWS for path, *_ in dark[view] for key in path}
    assert not touched & {"x", "y", "customdata"}  # colours, never the data
    assert list(bundle["changes"]["axis"]["free"]) == ["side"]
    assert list(bundle["changes"]["axis"]["shared"]) == ["side"]
    side_free = bundle["changes"]["axis"]["free"]["side"]
    assert {tuple(path[:2]) for path, *_ in side_free} >= {("layout", "yaxis2")}


def test_a_view_with_no_data_switches_theme_too():
    """The message in place of a chart follows the theme like any chart."""
    state = parse_query("indicator=pm25_hourly")
    bundle = bundle_for(data_only(state), "no-data")
    light = figure_from_bundle(bundle, "side", "light", "shared")
    dark = figure_from_bundle(bundle, "side", "dark", "shared")
    assert light["layout"]["annotations"][0]["text"]
    assert light["layout"]["template"]["layout"]["paper_bgcolor"] == "#ffffff"
    assert dark["layout"]["template"]["layout"]["paper_bgcolor"] == "#1f2933"


def test_the_page_ships_every_presentation_and_shows_the_asked_one():
    state = parse_query("indicator=road_deaths&view=overlay&theme=dark")
    # One version for both views: data_version moves every 5 minutes of the clock.
    version = data_sources.data_version("road_deaths")
    view = panel_for(state, version)
    components = by_id(view)
    chart, store = components[ids.CHART], components[ids.FIGURES]
    assert chart.figure == full_render("indicator=road_deaths&view=overlay&theme=dark")
    assert chart.config["toImageButtonOptions"]["filename"] == (
        "sistercities-road_deaths-overlay"
    )
    assert store.data["order"] == list(VIEWS)
    # The same data in another presentation: the same bundle, not a new one.
    other = panel_for(replace(state, view="gap"), version)
    assert by_id(other)[ids.FIGURES].data is store.data


def test_the_browser_is_told_every_presentation_field_and_its_control():
    found = choices()
    assert {f: found[f]["default"] for f in found} == {
        "view": "side",
        "theme": "light",
        "axis": "auto",
    }
    assert found["view"]["allowed"] == list(VIEWS)
    assert {found[f]["control"] for f in found} == {ids.VIEW, ids.THEME, ids.AXIS}
    from app import server

    with server.test_request_context("/"):
        page = dashboard()
    assert by_id([page])[ids.PRESENTATION].data == found


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=3),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from("abcd"), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(before=JSON, after=JSON)
def test_changes_turn_any_document_into_any_other(before, after):
    # Figures are dicts at the top; anything may change below.
    before, after = {"figure": before}, {"figure": after}
    found = changes(before, after)
    assert apply_changes(before, found) == after
    assert (found == []) == (before == after)


def by_id(parts: list) -> dict:
    return {
        c.id: c
        for part in parts
        for c in walk(part)
        if isinstance(getattr(c, "id", None), str)
    }


def apply_patch(content: list, patch: dict) -> list:
    """A Dash Patch applied as the browser applies it (Assign at a top-level index)."""
    result = list(content)
    for operation in patch["operations"]:
        assert operation["operation"] == "Assign"
        (index,) = operation["location"]
        result[index] = operation["params"]["value"]
    return result


@pytest.mark.parametrize(
    "before, after",
    [
        ("indicator=road_deaths", "indicator=road_deaths&table=1"),
        ("indicator=pm25&view=overlay&table=1", "indicator=pm25&view=overlay"),
        ("indicator=no2", "indicator=no2&range=5y"),
    ],
)
def test_a_partial_view_update_equals_the_full_render(before, after):
    """What the server sends when the page already shows a view of the same data, once
    applied, is exactly the view it would send whole."""
    from components.callbacks import render_view
    from components.pages.dashboard import rendered, shared_panel

    old, new = parse_query(before), parse_query(after)
    *updates, now = render_view(
        as_dict(new), new.view, new.theme, new.axis, rendered(old)
    )
    assert now == rendered(new)
    patches = [update.to_plotly_json() for update in updates]  # head, body
    applied = [
        apply_patch(part, patch)
        for part, patch in zip(shared_panel(old), patches, strict=True)
    ]
    assert applied == shared_panel(new)
    if "table" in before + after:
        # Only the table travels (and the event list, whose "before and after" links
        # keep the table setting): the chart and its presentations stay in the page.
        assert len(patches[0]["operations"]) == 0
        changed = [
            json.dumps(operation["params"]["value"])
            for operation in patches[1]["operations"]
        ]
        assert len(changed) == 2
        assert "Policy events on this chart" in changed[0]
        assert ids.FIGURES not in json.dumps(patches)


def test_a_view_of_older_data_is_replaced_whole():
    from components.callbacks import render_view
    from components.pages.dashboard import rendered

    state = parse_query("indicator=road_deaths&table=1")
    shown = {**rendered(parse_query("indicator=road_deaths")), "version": "older"}
    head, body, _ = render_view(as_dict(state), "side", "light", "shared", shown)
    assert isinstance(head, list) and isinstance(body, list) and len(body) > 3


def test_the_same_view_again_sends_nothing():
    from components.callbacks import render_view
    from components.pages.dashboard import rendered

    state = parse_query("indicator=pm25&view=gap")
    *updates, _ = render_view(
        as_dict(state), state.view, state.theme, state.axis, rendered(state)
    )
    assert [u.to_plotly_json()["operations"] for u in updates] == [[], []]
