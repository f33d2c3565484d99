"""Embeds and the stage mode on the real app's Flask server: what a host page, a reader
or a festival audience gets, and the headers that keep both safe."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pandas as pd
import pytest

import data_sources
from app import server
from components.pages.stage import parse_present_query
from components.reuse import parse_embed_query
from data_sources.model.registries import DECKS, INDICATORS_BY_ID
from tests.helpers import WAIT_SECONDS, until

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def client():
    return server.test_client()


def page_text(response) -> str:
    """The visible text of a page, tags stripped (what a reader sees)."""
    body = response.get_data(as_text=True)
    body = re.sub(r"<script.*?</script>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", body)))


def figures_of(response) -> dict:
    body = response.get_data(as_text=True)
    found = re.search(
        r'<script type="application/json" id="figures">(.*?)</script>', body
    )
    return json.loads(found[1])


def add_sf_road_deaths_2026(value: float) -> None:
    """A refresh that brings a new year. Hand-made value, in the store's tidy shape."""
    data_sources.get_store().write_live(
        pd.DataFrame(
            {
                "city": ["sf"],
                "indicator": ["road_deaths"],
                "time": [pd.Timestamp("2026-01-01T08:00:00Z")],
                "freq": ["annual"],
                "value": [value],
                "source": ["sf_opendata"],
            }
        ),
        {"fetched_at": pd.Timestamp.now(tz="UTC").strftime("%Y-%m-%dT%H:%M:%SZ")},
    )


# --- embeds ---------------------------------------------------------------------------


def test_an_embed_shows_title_both_latest_values_sources_and_a_link_back(client):
    response = client.get("/embed/no2?lang=en")
    assert response.status_code == 200 and response.mimetype == "text/html"
    text = page_text(response)
    assert "NO₂, annual mean" in text
    assert "17.8" in text and "11.3 µg/m³" in text  # Paris 2025, SF 2023
    assert "Airparif" in text and "licence" in text and "latest data" in text
    body = response.get_data(as_text=True)
    link = re.search(r'<p class="embed-link"><a href="([^"]+)"', body)[1]
    assert link.startswith("http://localhost/?") and "indicator=no2" in link
    # no dashboard header, tabs or controls: only the compact view switch
    assert "domain-tabs" not in body and "controls" not in body
    assert [v for v in ("Side by side", "Overlay", "Gap (Paris − SF)") if v in text]


def test_lang_chooses_the_language_and_fr_plus_en_gives_bilingual_captions(client):
    french = page_text(client.get("/embed/no2?lang=fr"))
    assert "NO₂, moyenne annuelle" in french and "17,8" in french
    assert "annual mean" not in french
    both = client.get("/embed/no2?lang=fr+en")
    assert '<html lang="fr"' in both.get_data(as_text=True)
    text = page_text(both)
    assert "NO₂, moyenne annuelle" in text and "NO₂, annual mean" in text
    assert "Ouvrir cette comparaison" in text and "Open this comparison" in text


def test_theme_is_in_the_page_before_any_script_and_auto_ships_both_figures(client):
    dark = client.get("/embed/no2?theme=dark")
    assert '<html lang="en" data-theme="dark">' in dark.get_data(as_text=True)
    assert list(figures_of(dark)) == ["dark"]
    auto = client.get("/embed/no2?theme=auto")
    assert 'data-theme="auto"' in auto.get_data(as_text=True)
    figures = figures_of(auto)
    assert sorted(figures) == ["dark", "light"]
    backgrounds = {
        theme: figure["layout"]["template"]["layout"]["paper_bgcolor"]
        for theme, figure in figures.items()
    }
    assert backgrounds == {"light": "#ffffff", "dark": "#1f2933"}


def test_view_and_range_change_the_chart(client):
    overlay = figures_of(client.get("/embed/no2?view=overlay&range=2005-2010"))["light"]
    xs = [x for trace in overlay["data"] for x in trace["x"] if x]
    assert min(xs)[:4] == "2005" and max(xs)[:4] == "2010"
    gap = figures_of(client.get("/embed/no2?view=gap"))["light"]
    assert gap["data"][0]["name"] == "Paris − San Francisco"


def test_a_pinned_embed_does_not_change_when_new_data_arrive(client):
    pin = data_sources.pin_version("road_deaths")
    add_sf_road_deaths_2026(31)
    live = page_text(client.get("/embed/road_deaths?lang=en"))
    pinned = page_text(client.get(f"/embed/road_deaths?lang=en&pin={pin}"))
    assert "San Francisco 31 deaths 2026" in live
    assert "San Francisco 25 deaths 2025" in pinned and "31 deaths" not in pinned
    assert f"frozen at version {pin}" in pinned


def test_a_pin_that_is_gone_shows_current_data_and_says_so(client):
    response = client.get("/embed/no2?lang=en&pin=0123456789abcdef")
    assert response.status_code == 200
    assert "0123456789abcdef is not available" in page_text(response)


def test_an_unknown_indicator_is_a_404_page_listing_the_known_ones(client):
    for path in (
        "/embed/<script>alert(1)</script>",
        "/embed/%3Cb%3Ex",
        "/embed/no2.exe",
    ):
        response = client.get(path)
        assert response.status_code == 404 and response.mimetype == "text/html"
        body = response.get_data(as_text=True)
        assert "<script>alert" not in body and "<b>x" not in body and "no2" in body


def test_query_parameters_of_an_embed_fall_back_to_defaults():
    request = parse_embed_query(
        "no2", {"view": "ratio", "range": "1999-", "theme": "neon", "pin": "../x"}
    )
    assert request.state.view == "side" and request.state.range == "all"
    assert request.theme == "light" and request.pin is None
    assert parse_embed_query("no2", {"lang": "en fr"}).langs == ("en", "fr")


def test_link_previews_point_to_an_image_of_the_same_chart(client):
    body = client.get("/embed/no2?view=overlay&lang=fr").get_data(as_text=True)
    image = re.search(r'<meta property="og:image" content="([^"]+)"', body)[1]
    assert unescape(image).startswith("http://localhost/embed/no2.png?view=overlay")
    dashboard = client.get("/?indicator=road_deaths&lang=fr").get_data(as_text=True)
    image = re.search(r'<meta property="og:image" content="([^"]+)"', dashboard)[1]
    assert "/embed/road_deaths.png?" in image
    assert "Personnes tuées sur la route" in dashboard  # og:title in the page language


@pytest.mark.browser
def test_static_images_are_drawn_by_chromium_and_cached(client, empty_live_store):
    png = client.get("/embed/no2.png?lang=fr")
    assert png.status_code == 200 and png.mimetype == "image/png"
    assert png.data[:8] == b"\x89PNG\r\n\x1a\n"
    svg = client.get("/embed/no2.svg?lang=fr")
    assert svg.mimetype == "image/svg+xml"
    text = svg.get_data(as_text=True)
    assert text.startswith("<svg") and "NO₂, moyenne annuelle" in text
    cached = list((empty_live_store / "_cache" / "image").glob("*.*"))
    assert len(cached) == 2
    assert client.get("/embed/no2.png?lang=fr").data == png.data


# --- security headers -------------------------------------------------------------------


def csp(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


def test_only_embeds_may_be_framed_by_other_sites(client, monkeypatch):
    assert csp(client.get("/embed/no2"))["frame-ancestors"] == "*"
    for path in ("/", "/present", "/api/indicators", "/health"):
        response = client.get(path)
        assert csp(response)["frame-ancestors"] == "'self'", path
        assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    monkeypatch.setenv(
        "SISTERCITIES_EMBED_ORIGINS", "https://news.example https://ville.example"
    )
    policy = csp(client.get("/embed/no2"))
    assert policy["frame-ancestors"] == "https://news.example https://ville.example"
    assert "X-Frame-Options" not in client.get("/embed/no2").headers


def test_every_response_carries_a_strict_policy_without_eval(client):
    for path in ("/", "/embed/no2", "/present", "/api/series/no2.json", "/nope"):
        response = client.get(path)
        policy = csp(response)
        assert "'unsafe-eval'" not in policy["script-src"]
        assert "'unsafe-inline'" not in policy["script-src"]
        assert policy["object-src"] == "'none'"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "camera=()" in response.headers["Permissions-Policy"]


HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' OR 1=1 --",
    "javascript:alert(1)",
    "x" * 5000,
    "é\u202e\u0000",
]


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize(
    "path, names",
    [
        (
            "/embed/no2",
            ("view", "range", "norm", "unit", "clock", "lang", "theme", "pin"),
        ),
        ("/present", ("slides", "deck", "interval", "idle", "lang")),
        ("/", ("indicator", "view", "lang", "theme", "range", "from", "unit")),
    ],
)
def test_hostile_parameters_are_never_reflected_and_never_a_500(
    client, path, names, value
):
    for name in names:
        response = client.get(path, query_string={name: value})
        assert response.status_code in (200, 400), (name, response.status_code)
        body = response.get_data(as_text=True)
        if "<" in value or '"' in value:
            assert value not in body, name


# --- the share dialog -------------------------------------------------------------------


def test_the_share_dialog_offers_an_iframe_of_the_current_view(client):
    from components.pages.dashboard import share_codes
    from components.state import parse_query

    state = parse_query("indicator=road_deaths&view=overlay&lang=fr")
    with server.test_request_context("/", base_url="https://villes.example"):
        code = share_codes(state)[0]["overlay light"]
        pinned = share_codes(state, pinned=True)[0]["overlay light"]
    src = re.search(r'src="([^"]+)"', code)[1]
    assert src.startswith("https://villes.example/embed/road_deaths?view=overlay")
    assert 'title="Personnes tuées sur la route par an' in code
    assert "embed-host.js" in code and "data-sistercities-embed" in code
    pin = re.search(r"pin=([0-9a-f]{16})", unescape(pinned))[1]
    add_sf_road_deaths_2026(31)  # the pinned snippet keeps showing what was shared
    text = page_text(
        client.get(
            unescape(re.search(r'src="https://villes.example([^"]+)"', pinned)[1])
        )
    )
    assert "31 deaths" not in text and pin in text


# --- the stage mode ---------------------------------------------------------------------


def test_decks_name_only_known_indicators():
    for deck in DECKS:
        assert deck.slides and set(deck.slides) <= set(INDICATORS_BY_ID), deck.id


def test_the_stage_page_has_one_slide_per_indicator_with_qr_and_values(client):
    response = client.get("/present?slides=no2,road_deaths&interval=5&lang=en")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.count('aria-roledescription="slide"') == 2
    assert body.count('<svg viewBox="0 0') == 2  # one QR code a slide
    config = json.loads(re.search(r'id="deck-data">(.*?)</script>', body)[1])
    assert config["interval"] == 5 and len(config["figures"]) == 2
    labelled = [t for t in config["figures"][0]["data"] if "text" in t["mode"]]
    assert len(labelled) == 2  # both cities' values written on the chart
    urls = re.findall(r'data-url="([^"]+)"', body)
    assert [unescape(u).split("indicator=")[1] for u in urls] == ["no2", "road_deaths"]
    assert all(u.startswith("http://localhost/?") for u in urls)


def test_stage_parameters_fall_back_to_the_default_deck():
    available = set(INDICATORS_BY_ID)
    request = parse_present_query(
        {"slides": "nope,<b>", "interval": "-3", "idle": "1e9", "lang": "de"}, available
    )
    assert request.deck == "futur-en-seine" and request.slides
    assert request.interval == 20 and request.idle == 300 and request.langs == ("fr",)
    assert parse_present_query({"deck": "air"}, available).slides[0] == "no2"
    assert parse_present_query({"interval": "0"}, available).interval == 0


def test_latest_values_api_gives_each_citys_live_value(client):
    body = client.get("/api/latest").get_json()
    bikes = next(tile for tile in body if tile["kind"] == "bikes")
    assert bikes["cities"]["paris"]["value"] == 18066
    assert bikes["cities"]["sf"]["time"] == "2023-07-19T19:06:56Z"


def test_without_npm_embeds_and_stage_use_the_plotly_python_package_bundle(
    client, monkeypatch, tmp_path
):
    """`pip install -e . && python app.py` alone (no npm): charts still draw."""
    from components.pages import embed, stage
    from components.web import serving

    monkeypatch.setattr(serving, "PLOTLY_BASIC", tmp_path / "not-installed.js")
    monkeypatch.setitem(serving.BUNDLES, "plotly-basic", tmp_path / "not-installed.js")
    embed.embed_page.cache_clear()
    stage.present_page.cache_clear()
    for path in ("/embed/no2", "/present?slides=no2"):
        body = client.get(path).get_data(as_text=True)
        src = re.search(r'<script src="(/vendor/[^"]+)"', body)[1]
        assert src.startswith("/vendor/plotly."), path
        script = client.get(src)
        assert script.status_code == 200 and b"plotly" in script.data[:2000]
    embed.embed_page.cache_clear()
    stage.present_page.cache_clear()


# ------------------------------------------------------------------ the first paint


def test_an_embed_comes_drawn_by_the_server_once_its_images_exist(client):
    """The first visit loads plotly.js at once (the images are being drawn in the
    background); after that the page carries the chart as SVG, at a desktop and a phone
    size in each theme it may show, and plotly.js only as an address to load later."""
    first = client.get("/embed/no2?theme=auto").get_data(as_text=True)
    assert re.search(r'<script src="/vendor/plotly[^"]*" defer>', first)
    assert "first-paint" not in first and "<noscript>" in first

    def drawn():
        page = client.get("/embed/no2?theme=auto").get_data(as_text=True)
        return page if "first-paint" in page else None

    page = until(drawn, timeout=3 * WAIT_SECONDS)
    paints = re.findall(
        r'<div class="first-paint" data-theme="(\w+)" data-size="(\w+)" '
        r'aria-hidden="true"><svg',
        page,
    )
    assert sorted(paints) == [
        ("dark", "narrow"),
        ("dark", "wide"),
        ("light", "narrow"),
        ("light", "wide"),
    ]
    assert not re.search(r"<script src=\"/vendor/plotly", page)
    assert re.search(r'<div id="chart" data-plotly="/vendor/plotly[^"]*\.js"', page)
    assert "<noscript>" not in page  # the drawing needs no script
    # the phone drawing is the stacked one: Paris above San Francisco
    narrow = page.split('data-theme="light" data-size="narrow"')[1].split("</svg>")[0]
    assert narrow.index(">Paris<") < narrow.index(">San Francisco<")


def test_the_phone_drawing_is_made_below_the_width_where_panels_stack():
    from components.pages.embed import FIRST_PAINT_SIZES

    panels = (REPO / "assets" / "panels.js").read_text()
    css = (REPO / "assets" / "standalone" / "embed.css").read_text()
    narrow = int(re.search(r"var NARROW = (\d+);", panels)[1])
    breakpoint = float(re.search(r"@media \(max-width: ([\d.]+)px\)", css)[1])
    assert narrow - 1 < breakpoint < narrow
    sizes = {name: width for name, width, _height, _stacked in FIRST_PAINT_SIZES}
    assert sizes["narrow"] < narrow <= sizes["wide"]
