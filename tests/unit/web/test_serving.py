"""Production serving: the partial plotly bundle covers every figure, caches are faithful,
responses are compressed and fingerprinted assets are cached for a year."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import plotly
import pytest
import requests

import data_sources
from app import server
from components.charts.figures import data_only, figure_for
from components.charts.stage import stage_figure
from components.pages.dashboard import bundle_for, panel_for
from components.shown import shown_data
from components.state import VIEWS, parse_query
from components.web.serving import (
    BUNDLE_TRACE_TYPES,
    PLOTLY_BASIC,
    REGENERATOR,
    bundle_fingerprint,
    vendor_src,
)
from data_sources.model.registries import INDICATORS
from tests.helpers import (
    READY_DEADLINE_SECONDS,
    UNDER_CI,
    WAIT_SECONDS,
    free_port,
    until,
    wait_for_http,
)

REPO = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    "indicator", [i for i in INDICATORS if i.domain != "context"], ids=lambda i: i.id
)
def test_every_figure_uses_only_trace_types_the_partial_bundle_has(indicator):
    shown = shown_data(parse_query(f"?indicator={indicator.id}"))
    for view in VIEWS:
        figure = figure_for(view, shown, "en", "light", "local", True)
        assert {trace.type for trace in figure.data} <= BUNDLE_TRACE_TYPES, (
            indicator.id,
            view,
        )
    stage = stage_figure(shown, "en")
    assert {trace.type for trace in stage.data} <= BUNDLE_TRACE_TYPES, indicator.id


def test_a_cached_view_is_identical_to_a_fresh_one():
    state = parse_query(
        "?lang=fr&indicator=road_deaths&view=gap&norm=per_capita&table=1"
    )
    version = data_sources.data_version(state.indicator)
    cached = panel_for(state, version)
    again = panel_for(state, version)
    fresh = panel_for.__wrapped__(state, version)

    def encoded(parts):
        return json.dumps(
            [
                [c.to_plotly_json() if c is not None else None for c in children]
                for children in parts
            ],
            cls=plotly.utils.PlotlyJSONEncoder,
            sort_keys=True,
        )

    assert again is cached
    assert encoded(cached) == encoded(fresh)
    # The presentations the browser switches between, cached and built afresh.
    data = data_only(state)
    assert bundle_for(data, version) == bundle_for.__wrapped__(data, version)


def test_the_data_version_changes_when_a_live_series_arrives(empty_live_store):
    import pandas as pd

    before = data_sources.data_version("pm25")
    store = data_sources.get_store()
    store.write_live(
        pd.DataFrame(
            {
                "city": ["paris"],
                "indicator": ["pm25"],
                "time": [pd.Timestamp("2026-11-20", tz="UTC")],
                "freq": ["daily"],
                "value": [12.0],
                "source": ["open_meteo_air"],
            }
        ),
        {"fetched_at": "2026-11-25T00:00:00Z"},
    )
    assert data_sources.data_version("pm25") != before
    assert (
        data_sources.data_version("no2") != before
    )  # other indicators keep their own key


def test_responses_are_compressed_and_assets_cached_for_a_year():
    client = server.test_client()
    page = client.get("/", headers={"Accept-Encoding": "br"})
    assert page.headers["Content-Encoding"] == "br"
    css = client.get("/assets/style.css?m=1700000000")
    assert css.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def require_npm_file(path) -> None:
    """Files npm installs: required under CI (.ci/run runs npm install), else skipped."""
    if not path.is_file():
        if UNDER_CI:
            pytest.fail(f"{path} missing: .ci/run runs npm install")
        pytest.skip(f"run `npm install` for {path.name}")


def test_the_partial_bundle_is_served_fingerprinted_before_dash_components():
    require_npm_file(PLOTLY_BASIC)
    client = server.test_client()
    html = client.get("/?indicator=pm25").get_data(as_text=True)
    src = f"/vendor/plotly-basic.{bundle_fingerprint()}.min.js"
    assert html.index(src) < html.index('src="/_dash-component-suites/dash/dcc/')
    bundle = client.get(src)
    assert (
        bundle.status_code == 200
        and b"plotly.js (basic - minified) v4.1.1" in bundle.get_data()[:200]
    )
    assert "immutable" in bundle.headers["Cache-Control"]
    assert client.get("/vendor/plotly-basic.000000000000.min.js").status_code == 404


def test_dash_polyfill_gives_way_to_regenerator_runtime():
    """Dash's 99 kB @babel/polyfill is replaced by the one part its bundles use."""
    require_npm_file(REGENERATOR)
    client = server.test_client()
    html = client.get("/?indicator=pm25").get_data(as_text=True)
    src = vendor_src("regenerator-runtime")
    assert "polyfill@" not in html
    # Before React and Dash's bundles, where the polyfill was.
    assert html.index(src) < html.index("/deps/react@")
    runtime = client.get(src)
    assert runtime.status_code == 200 and b"regeneratorRuntime" in runtime.get_data()


def test_gunicorn_serves_the_app_with_the_documented_config(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "SISTERCITIES_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "SISTERCITIES_ACCESS_LOG": str(tmp_path / "access.log"),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "app:server"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        response = wait_for_http(f"http://127.0.0.1:{port}/health", process)
        assert response.json() == {"status": "ok"}
        page = requests.get(
            f"http://127.0.0.1:{port}/?indicator=pm25",
            headers={"Accept-Encoding": "gzip"},
            timeout=READY_DEADLINE_SECONDS,
        )
        assert page.headers["Content-Encoding"] == "gzip"
        # production: no dev tools UI, no prop checks, the minified renderer
        assert '"ui":false' in page.text and '"props_check":false' in page.text
        assert "dash_renderer" in page.text and ".dev.js" not in page.text
        # the access log is written after the response: wait for it, never a fixed nap
        until(lambda: "GET /health" in (tmp_path / "access.log").read_text())
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=WAIT_SECONDS)


def test_a_new_data_version_replaces_the_cached_view_instead_of_adding_one():
    """Worker memory stays flat while a refresher keeps changing the data version."""
    state = parse_query("indicator=no2")
    panel_for.cache_clear()
    first = panel_for(state, "version-1")
    assert panel_for(state, "version-1") is first
    second = panel_for(state, "version-2")
    assert second is not first and panel_for.cache_info().currsize == 1


def test_the_layout_follows_the_pages_url_from_its_referer_and_says_it_varies():
    """Dash asks for /_dash-layout without the page's query; the page's URL comes as the
    Referer (same origin: the Referrer-Policy keeps it whole). A shared cache must not
    give one reader's view to another: the answer varies with the Referer."""
    client = server.test_client()
    referer = "http://localhost/?indicator=road_deaths&lang=fr&view=overlay"
    response = client.get("/_dash-layout", headers={"Referer": referer})
    varies = {v.strip() for v in response.headers["Vary"].split(",")}
    assert {"Referer", "Accept-Language"} <= varies  # (+ Accept-Encoding: compression)
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    layout = response.get_json()
    text = json.dumps(layout, ensure_ascii=False)
    assert "Personnes tuées sur la route par an" in text and '"lang": "fr"' in text
    plain = client.get("/_dash-layout").get_json()
    assert "Personnes tuées" not in json.dumps(plain, ensure_ascii=False)


def test_the_page_html_is_made_in_one_place():
    """serving.page_html, from Dash's interpolate_index: language and theme on <html>,
    the static head before the scripts, link previews, no second contentinfo."""
    body = (
        server.test_client()
        .get("/?lang=fr&theme=dark&indicator=no2")
        .get_data(as_text=True)
    )
    assert body.startswith('<!DOCTYPE html>\n<html lang="fr" data-theme="dark">')
    assert 'class="_dash-loading static-shell"' in body and "Chargement" in body
    assert '<meta property="og:image"' in body and "/embed/no2.png?" in body
    assert "<footer>" not in body


def test_a_request_naming_two_languages_is_in_one_of_them_throughout():
    """`?lang=fr&lang=en`: the shell, the link previews and the layout all read the
    first value, as every other parameter is read (it was a French shell around an
    English layout)."""
    client = server.test_client()
    url = "/?indicator=road_deaths&lang=fr&lang=en"
    page = client.get(url).get_data(as_text=True)
    assert page.startswith('<!DOCTYPE html>\n<html lang="fr"') and "Chargement" in page
    layout = client.get("/_dash-layout", headers={"Referer": "http://localhost" + url})
    text = json.dumps(layout.get_json(), ensure_ascii=False)
    assert "Personnes tuées sur la route par an" in text and '"lang": "fr"' in text


@pytest.mark.parametrize(
    "path",
    [
        "/embed/no2",
        "/present",
        "/?indicator=no2",
        "/oembed?url=http://localhost/embed/no2",
        "/api/datapackage.json",
    ],
)
def test_no_link_is_built_from_the_origin_header(path):
    """Pages a shared cache keeps for a minute carry absolute links (share, citation,
    oEmbed discovery, preview image): built from the address the server answers on,
    never from a request's Origin, which no cache keys on (an attacker's Origin would
    have reached every reader of the cached page)."""
    client = server.test_client()
    body = client.get(path, headers={"Origin": "https://evil.example"}).get_data(
        as_text=True
    )
    assert "evil.example" not in body
    assert "http://localhost" in body
