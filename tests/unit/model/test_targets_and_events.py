"""Each city's targets and the policy events: the status rule on real rows, the
registry against the published files, /api/targets and /api/events, the charts that
draw them and the overview at `/`."""

import csv
import html
import io
import re
import threading
from dataclasses import replace

import pytest

import data_sources
from app import server
from components.shown import figure_of, shown_data
from components.state import parse_query
from data_sources.model import context
from data_sources.model.comparisons import Refusal
from data_sources.model.context import target_status
from data_sources.store.cache import stale_while_rebuilding
from tests.helpers import until

TARGETS = {target.id: target for target in context.targets()}


@pytest.fixture
def client():
    return server.test_client()


def rows(indicator_id: str, city_id: str):
    return data_sources.load_series(indicator_id, (city_id,)).frame


def status_of(target_id: str):
    target = TARGETS[target_id]
    if target.indicator is None:
        return target_status(target, None)
    return target_status(target, rows(target.indicator, target.city))


# ------------------------------------------------------------------ the rule, real rows


def test_vision_zero_is_missed_with_42_deaths_in_2024():
    found = status_of("sf_vision_zero_2024")
    assert (found.status, found.reason) == ("missed", "target_year")
    assert found.latest == ("2024", 42.0) and found.level == 0.0


def test_zero_waste_to_landfill_by_2020_is_missed():
    found = status_of("sf_zero_landfill_2020")
    assert found.status == "missed"
    assert found.latest == ("2020", pytest.approx(462_014.0653))


def test_sf_61_percent_cut_by_2030_is_off_track_on_its_own_inventory():
    found = status_of("sf_ghg_2030")
    base = 7_872_144.5  # SF's inventory, 1990 (t CO2e)
    assert found.baseline == ("1990", pytest.approx(base, abs=1))
    assert found.level == pytest.approx(base * 0.39, abs=1)
    # 2019: 4,640,675 t, above the straight path from 1990 to 2030 (29/40 of the way)
    assert found.latest == ("2019", pytest.approx(4_640_675.36, abs=1))
    assert found.path == pytest.approx(base + (base * 0.39 - base) * 29 / 40, abs=1)
    assert found.status == "off_track"


def test_a_change_is_never_read_across_a_series_break():
    """SF's disposal series changes definition in 2020 (CalRecycle RDRS): the −50 %
    from 2015 is read on 2015-2019 only, not on 2023's new definition."""
    found = status_of("sf_waste_2030")
    assert found.latest == ("2019", pytest.approx(646_831.4104))
    assert found.status == "off_track"


def test_paris_2020_target_is_read_on_2019_when_2020_is_not_published():
    found = status_of("paris_ghg_2020")
    assert found.latest == ("2019", pytest.approx(5_606_195.571))
    assert found.level == pytest.approx(7_117_957.09 * 0.75, abs=1)
    # 2020 is past and unpublished: not "off track" as if the year were to come, but
    # awaiting its figure, with where 2019 stood (above the straight path).
    assert (found.status, found.reason) == ("awaiting_data", "awaiting.off_path")
    assert found.latest[1] > found.path


@pytest.mark.parametrize(
    ("target_id", "reason"),
    [
        ("paris_dma_2020", "baseline_not_measured"),  # Paris waste starts in 2018
        ("paris_vision_zero", "no_target_year"),  # a vision, no date
        ("paris_ghg_2030", "no_baseline_year"),  # the sentence gives none
        ("sf_diversion_2010", "no_value"),  # SF's diversion figure is of 2017
        ("paris_cycling_share_2020", "no_indicator"),
    ],
)
def test_no_data_says_why(target_id, reason):
    found = status_of(target_id)
    assert (found.status, found.reason) == ("no_data", reason)


def test_achieved_and_on_track_on_sfs_real_inventory():
    """No published target is achieved or on track yet; the rule's two other branches
    on SF's real 1990-2019 inventory, with targets made up for the test."""
    sf = rows("ghg_sf_inventory", "sf")
    cut_by_2017 = replace(
        TARGETS["sf_ghg_2030"], value=-25, target_year=2017, id="test"
    )
    achieved = target_status(cut_by_2017, sf)
    assert achieved.status == "achieved"  # 2017: 5,044,827 t = −35.9 % from 1990
    assert achieved.latest == ("2017", pytest.approx(5_044_827.1, abs=1))
    gentle = replace(TARGETS["sf_ghg_2030"], value=-40, id="test")
    on_track = target_status(gentle, sf)
    assert on_track.status == "on_track"
    assert on_track.path == pytest.approx(7_872_144.5 * (1 - 0.40 * 29 / 40), abs=1)


# ------------------------------------------------------------------ registry and files


def test_every_published_target_and_event_is_read_with_both_languages():
    published = context.read_context_csv("city_targets.csv")
    assert len(context.targets()) == len(published) == 34
    assert all(t.labels["en"] and t.labels["fr"] for t in context.targets())
    events = context.events()
    assert len(events) == 36
    assert all(e.titles["en"] and e.titles["fr"] for e in events)
    assert len({e.id for e in events}) == 36
    # San Francisco's sources are in English: the registry gives the French titles.
    vision_zero = next(e for e in events if e.id == "sf-2014-02-25")
    assert vision_zero.titles["fr"].startswith("Vision Zero : ")


def test_a_target_row_without_a_registry_entry_stops_the_build(tmp_path, shared_data):
    folder = tmp_path / "context"
    folder.mkdir()
    text = (shared_data / "context" / "city_targets.csv").read_text(encoding="utf-8")
    extra = text.rstrip("\n").splitlines()[1].replace("2020", "2031", 1)
    (folder / "city_targets.csv").write_text(text + extra + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="targets.toml has no entry"):
        context.load_targets(folder)


def test_the_context_files_travel_with_their_checksums():
    provenance = context.context_provenance()
    assert set(provenance) == {"city_targets.csv", "events.csv"}
    assert all(len(entry["sha256"]) == 64 for entry in provenance.values())


# ------------------------------------------------------------------ the API


def test_api_targets_gives_each_target_with_status_and_source(client):
    body = client.get("/api/targets?city=sf&indicator=road_deaths").get_json()
    assert [t["id"] for t in body] == ["sf_vision_zero_2024"]
    vision_zero = body[0]
    assert vision_zero["status"] == "missed"
    assert vision_zero["latest"] == {"period": "2024", "value": 42.0}
    assert vision_zero["target_value"] == 0 and vision_zero["target_year"] == 2024
    assert vision_zero["unit"] == "deaths"
    assert vision_zero["source_url"].startswith("https://")
    assert "eliminating traffic deaths" in vision_zero["quote"]
    every = client.get("/api/targets").get_json()
    assert len(every) == 34
    assert {t["status"] for t in every} == {
        "missed",
        "off_track",
        "awaiting_data",
        "no_data",
    }
    missed = client.get("/api/targets?status=missed").get_json()
    assert {t["id"] for t in missed} == {"sf_vision_zero_2024", "sf_zero_landfill_2020"}


def test_api_targets_csv_has_one_row_per_target(client):
    response = client.get("/api/targets.csv?city=paris")
    table = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert response.mimetype == "text/csv" and len(table) == 21
    first = table[0]
    assert first["id"] == "paris_ghg_2020" and first["baseline_year"] == "2004"
    assert first["latest_period"] == "2019" and first["status"] == "awaiting_data"


def test_api_events_by_theme_include_the_ones_drawn_on_every_theme(client):
    traffic = {e["id"] for e in client.get("/api/events?domain=traffic").get_json()}
    assert {"sf-2014-02-25", "paris-2021-08-30"} <= traffic  # Vision Zero, 30 km/h
    assert "paris-2020-03-17" in traffic  # the lockdown: every theme
    energy = {e["id"] for e in client.get("/api/events?domain=energy").get_json()}
    assert "sf-2014-02-25" not in energy and "paris-2020-03-17" in energy
    window = client.get("/api/events?city=sf&start=2020-01-01&end=2020-12-31")
    assert [e["date"] for e in window.get_json()] == [
        "2020-01-29",
        "2020-03-17",
        "2020-03-30",
        "2020-04-06",
        "2020-04-21",
    ]
    assert client.get("/api/events?start=2021-01-01&end=2020-01-01").get_json() == []
    one = client.get("/api/events?city=paris&start=2021-08-30&end=2021-08-30")
    assert one.get_json()[0]["title"] == {
        "en": "30 km/h speed limit generalised to almost all Paris streets",
        "fr": "Généralisation du 30 km/h dans Paris",
    }


# ------------------------------------------------------------------ on the charts


def figure(query: str):
    state = parse_query(query)
    return figure_of(shown_data(state), state)


def event_titles(fig) -> list[str]:
    return [
        a.hovertext
        for a in fig.layout.annotations
        if a.hovertext and " — " in a.hovertext
    ]


def test_road_deaths_draw_vision_zero_30_kmh_and_sfs_target():
    drawn = figure("indicator=road_deaths")
    titles = event_titles(drawn)
    assert any("Vision Zero" in title for title in titles)
    assert any("30 km/h" in title for title in titles)
    targets = [trace for trace in drawn.data if trace.name == "target 2024"]
    assert len(targets) == 1
    assert targets[0].y[-1] == 0 and targets[0].xaxis == "x2"  # SF's panel
    french = figure("indicator=road_deaths&lang=fr&view=overlay")
    assert [t.name for t in french.data if t.name.startswith("objectif")] == [
        "objectif 2024"
    ]


def test_events_stay_on_their_theme_and_can_be_hidden():
    energy = event_titles(figure("indicator=electricity_consumption"))
    assert not any("Vision Zero" in title for title in energy)
    assert any("lockdown" in title for title in energy)  # drawn on every theme
    assert event_titles(figure("indicator=road_deaths&events=0")) == []


def test_targets_are_not_drawn_on_an_index_or_a_converted_unit():
    index = figure("indicator=ghg_basic&norm=index")
    assert not [t for t in index.data if (t.name or "").startswith("target")]


# ------------------------------------------------------------------ the overview


def test_the_root_url_is_the_overview_and_every_view_url_still_opens(client):
    page = client.get("/?lang=en").get_data(as_text=True)
    assert (
        "_dash-config" not in page and '<h2 class="ov-title">At a glance</h2>' in page
    )
    links = re.findall(r'<th scope="row"><a href="([^"]+)"', page)
    assert len(links) >= 10
    assert "/?lang=en&amp;indicator=road_deaths" in links
    assert page.count('class="status status-missed"') == 2  # Vision Zero, landfill
    for query in ("?domain=air", "?indicator=no2", "?lang=fr&domain=traffic"):
        assert "_dash-config" in client.get("/" + query).get_data(as_text=True)


def test_the_overview_reads_in_french_with_the_allowed_comparisons(client):
    page = html.unescape(client.get("/?lang=fr&theme=dark").get_data(as_text=True))
    assert '<html lang="fr" data-theme="dark">' in page
    assert "En un coup d'œil" in page and "manqué" in page
    # NO2 compares in levels: a ratio at the latest common year.
    assert "Paris : 1,9 × San Francisco (2023)" in page
    # SF's own inventory has no Paris counterpart: not compared, and why.
    assert "Non comparé —" in page


# ------------------------------------------------------------------ the event window


def test_the_30_kmh_window_compares_whole_years_before_and_after_for_both_cities():
    state = parse_query("indicator=road_deaths&event=paris-2021-08-30")
    assert (state.range, state.start, state.end) == ("custom", 2017, 2025)
    event, found = shown_data(state).window
    assert event.id == "paris-2021-08-30"
    sf = found["sf"]  # 2018-2020 against 2022-2024: 2021 holds the event
    assert (sf.before.first, sf.before.last, sf.after.first, sf.after.last) == (
        "2018",
        "2020",
        "2022",
        "2024",
    )
    assert sf.before_mean == pytest.approx((23 + 29 + 30) / 3)
    assert sf.after_mean == pytest.approx((39 + 26 + 42) / 3)
    # Paris has no 2022 and nothing after 2023: one year each side, the nearest.
    paris = found["paris"]
    assert (paris.before.last, paris.after.first, paris.before.count) == (
        "2020",
        "2023",
        1,
    )
    assert (paris.before_mean, paris.after_mean) == (45.0, 33.0)


def test_a_window_is_never_read_across_a_break_or_survey_editions():
    # Crit'Air 4 (July 2019): Paris changes station and SF its coverage in 2020.
    _, no2 = shown_data(parse_query("indicator=no2&event=paris-2019-07-01")).window
    assert no2["paris"] == Refusal("window.break", {"break_kind": "station"})
    assert no2["sf"] == Refusal("window.break", {"break_kind": "coverage"})
    # Three years earlier (July 2016) no break falls inside: both compare.
    _, earlier = shown_data(parse_query("indicator=no2&event=paris-2016-07-01")).window
    assert earlier["sf"].before.count == 3 and earlier["paris"].after.last == "2018"
    _, congestion = shown_data(
        parse_query("indicator=congestion_hours&event=paris-2021-08-30")
    ).window
    assert {found.reason for found in congestion.values()} == {"change.editions"}


def test_an_unknown_event_in_a_url_is_ignored():
    state = parse_query("indicator=road_deaths&event=<script>")
    assert state.event == "" and state.range == "all"
    assert shown_data(state).window is None


def test_the_overview_keeps_serving_while_new_data_are_read():
    """A new data version never makes a reader wait: the page built for the previous
    one is served while the new one is built; the next reader gets the new one."""
    release = threading.Event()
    built = []

    @stale_while_rebuilding
    def page(lang, version):
        if version == "v2":
            release.wait(timeout=60)
        built.append(version)
        return f"{lang} {version}"

    assert page("en", "v1") == "en v1"
    assert page("en", "v2") == "en v1"  # served at once, v2 being built
    assert page("en", "v2") == "en v1"  # still building: no second build
    release.set()
    until(lambda: page("en", "v2") == "en v2")
    assert built == ["v1", "v2"]


def test_a_past_target_year_without_its_figure_says_so_in_both_languages(client):
    from components.parts.context_view import status_reason
    from data_sources.model.context import targets

    (target,) = [t for t in targets() if t.id == "paris_ghg_2020"]
    found = status_of("paris_ghg_2020")
    text = status_reason(target, found, "t CO₂e", "en")
    assert text.startswith("The 2020 figure is not published yet; in 2019 it was 5.61")
    assert "worse than the straight path from 2004" in text
    french = status_reason(target, found, "t CO₂e", "fr")
    assert french.startswith("Le chiffre de 2020 n'est pas encore publié")
    overview = client.get("/?lang=en").get_data(as_text=True)
    assert "awaiting data" in overview
