"""Embeds inside a host page and the stage mode on a projector-sized window, in headless
Chromium against the real app on a local server."""

from __future__ import annotations

import io
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
import zxingcpp
from PIL import Image
from selenium.webdriver.common.keys import Keys

from tests.helpers import (
    WAIT_SECONDS,
    embed_first_paint_drawn,
    reach_for_the_chart,
    start_dash,
    until,
)

pytestmark = pytest.mark.browser

HOST_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>A news article</title></head><body style="margin:0">
<h1>A news article</h1>
<iframe id="embed" src="{src}" title="NO2 in Paris and San Francisco" width="{width}"
 height="300" style="border:0" data-sistercities-embed></iframe>
<script src="{origin}/assets/standalone/embed-host.js" async></script>
<p>After the chart.</p></body></html>"""


@pytest.fixture
def app_server(dash_duo):
    from app import app

    start_dash(dash_duo, app)
    return dash_duo


@pytest.fixture
def host_page(tmp_path):
    """A news page on another origin (its own port) that embeds a chart."""
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def make(origin: str, src: str, width: str = "600") -> str:
        html = HOST_PAGE.format(origin=origin, src=origin + src, width=width)
        (tmp_path / "article.html").write_text(html, encoding="utf-8")
        return f"http://127.0.0.1:{server.server_address[1]}/article.html"

    yield make
    server.shutdown()


def severe_logs(duo) -> list[str]:
    return [
        entry["message"]
        for entry in duo.driver.get_log("browser")
        if entry["level"] == "SEVERE" and "favicon" not in entry["message"]
    ]


# --- embeds ---------------------------------------------------------------------------


def test_an_embed_in_a_600px_iframe_sizes_itself_to_its_content(app_server, host_page):
    driver = app_server.driver
    driver.get(host_page(app_server.server_url, "/embed/no2?lang=fr%2Ben"))
    frame = driver.find_element("id", "embed")
    # the host script sets the iframe to the embed's height: no inner scroll bar
    until(lambda: frame.size["height"] > 500)
    driver.switch_to.frame(frame)
    until(lambda: driver.find_element("css selector", "#chart .main-svg"))

    def content_height():
        return driver.execute_script(
            "return document.documentElement.getBoundingClientRect().height"
        )

    driver.switch_to.default_content()
    # once drawn, the frame is as tall as what it holds (no inner scroll bar)
    driver.switch_to.frame(frame)
    inner = content_height()
    driver.switch_to.default_content()
    until(lambda: abs(frame.size["height"] - inner) <= 2, timeout=WAIT_SECONDS)
    driver.switch_to.frame(frame)
    text = driver.find_element("tag name", "body").text
    assert "NO₂, moyenne annuelle" in text and "NO₂, annual mean" in text
    driver.switch_to.default_content()
    assert not severe_logs(app_server)


@pytest.mark.parametrize("width", [300, 1200])
def test_the_chart_reflows_to_the_iframe_width(app_server, host_page, width):
    driver = app_server.driver
    driver.set_window_size(1400, 1200)
    driver.get(host_page(app_server.server_url, "/embed/pm25", str(width)))
    driver.switch_to.frame(driver.find_element("id", "embed"))
    reach_for_the_chart(driver)
    svg = until(lambda: driver.find_element("css selector", "#chart .main-svg"))
    chart_width = float(svg.get_attribute("width"))
    assert width * 0.85 <= chart_width <= width
    overflow = driver.execute_script(
        "return document.documentElement.scrollWidth - window.innerWidth"
    )
    assert overflow <= 0  # nothing sticks out sideways


def test_theme_auto_follows_the_readers_dark_preference(app_server):
    driver = app_server.driver
    driver.execute_cdp_cmd(
        "Emulation.setEmulatedMedia",
        {"features": [{"name": "prefers-color-scheme", "value": "dark"}]},
    )
    driver.get(app_server.server_url + "/embed/no2?theme=auto")
    reach_for_the_chart(driver)
    assert (
        driver.execute_script("return document.documentElement.dataset.theme") == "dark"
    )
    background = driver.execute_script(
        "return getComputedStyle(document.body).backgroundColor"
    )
    assert background == "rgb(31, 41, 51)"
    assert driver.find_element("id", "chart").get_attribute("data-drawn") == "dark"


VISIBLE_FIRST_PAINT = """return [...document.querySelectorAll('#chart .first-paint')]
  .filter(e => e.getBoundingClientRect().width > 0)
  .map(e => [e.dataset.theme, e.dataset.size, Math.round(e.getBoundingClientRect().width)])"""


@pytest.mark.parametrize(
    ("width", "theme", "size"), [(1000, "light", "wide"), (390, "dark", "narrow")]
)
def test_an_embed_shows_its_chart_before_any_script_and_plotly_when_reached_for(
    app_server, width, theme, size
):
    """The server's drawing of the chart shows at once (the phone one stacked, in the
    reader's theme); plotly.js loads only when the reader points at the chart, then
    takes its place."""
    driver = app_server.driver
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600},
    )
    driver.execute_cdp_cmd(
        "Emulation.setEmulatedMedia",
        {"features": [{"name": "prefers-color-scheme", "value": theme}]},
    )
    embed_first_paint_drawn(driver, app_server.server_url + "/embed/no2?theme=auto")
    [(shown_theme, shown_size, shown_width)] = driver.execute_script(
        VISIBLE_FIRST_PAINT
    )
    assert (shown_theme, shown_size) == (theme, size)
    assert shown_width >= width * 0.85  # the drawing fills the width
    plotly = "return performance.getEntriesByType('resource').filter(e => e.name.includes('/vendor/plotly')).length"
    assert driver.execute_script(plotly) == 0
    assert not driver.execute_script("return !!window.Plotly")
    reach_for_the_chart(driver)
    assert driver.execute_script(plotly) == 1
    assert driver.find_element("id", "chart").get_attribute("data-drawn") == theme
    assert not driver.find_elements("css selector", "#chart .first-paint")
    # the interactive chart is as wide as the drawing was (within a scroll bar)
    svg = driver.find_element("css selector", "#chart .main-svg")
    assert abs(float(svg.get_attribute("width")) - shown_width) <= 0.03 * width
    assert not severe_logs(app_server)
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_pages_run_under_their_content_security_policy(app_server):
    """Dashboard, embed and stage draw their charts with no CSP violation or error."""
    driver = app_server.driver
    for path in ("/?indicator=no2", "/embed/no2?view=overlay", "/present"):
        driver.get(app_server.server_url + path)
        until(lambda: driver.find_element("css selector", ".main-svg"))
        assert not severe_logs(app_server), path


# --- the stage mode ---------------------------------------------------------------------


@pytest.fixture
def stage(app_server):
    app_server.driver.set_window_size(1920, 1080)
    return app_server


def counter(driver) -> str:
    return driver.find_element("id", "counter").text


def press(driver, key):
    driver.find_element("tag name", "body").send_keys(key)


def open_deck(duo, query: str):
    duo.driver.get(duo.server_url + "/present" + query)
    until(lambda: duo.driver.find_element("css selector", "#chart-0 .main-svg"))


def test_clicker_keys_move_through_the_deck(stage):
    driver = stage.driver
    open_deck(stage, "?slides=no2,road_deaths,bikes_available&interval=0")
    assert counter(driver) == "1 / 3"
    for key, expected in (
        (Keys.ARROW_RIGHT, "2 / 3"),
        (Keys.PAGE_DOWN, "3 / 3"),
        (Keys.ARROW_RIGHT, "1 / 3"),  # the deck loops
        (Keys.PAGE_UP, "3 / 3"),
        (Keys.ARROW_LEFT, "2 / 3"),
        (Keys.HOME, "1 / 3"),
        (Keys.END, "3 / 3"),
        (Keys.SPACE, "1 / 3"),
    ):
        press(driver, key)
        assert counter(driver) == expected
    visible = driver.find_elements("css selector", ".slide:not([hidden])")
    assert len(visible) == 1 and visible[0].get_attribute("id") == "slide-0"


def test_auto_advance_moves_on_and_p_pauses_it(stage):
    driver = stage.driver
    open_deck(stage, "?slides=no2,road_deaths&interval=1")
    until(lambda: counter(driver) == "2 / 2", timeout=WAIT_SECONDS)
    press(driver, "p")
    assert driver.find_element("id", "paused").is_displayed()
    paused_at = counter(driver)
    import time

    time.sleep(2.5)
    assert counter(driver) == paused_at
    press(driver, "p")
    until(lambda: counter(driver) != paused_at, timeout=WAIT_SECONDS)


def test_the_qr_code_on_a_slide_opens_the_same_view(stage):
    driver = stage.driver
    open_deck(stage, "?slides=road_deaths,no2&interval=0&lang=fr")
    press(driver, Keys.ARROW_RIGHT)
    slide = driver.find_element("id", "slide-1")
    picture = Image.open(
        io.BytesIO(slide.find_element("css selector", ".qr svg").screenshot_as_png)
    )
    decoded = [barcode.text for barcode in zxingcpp.read_barcodes(picture)]
    assert decoded == [slide.get_attribute("data-url")]
    assert decoded[0].startswith(stage.server_url + "/?")
    assert "indicator=no2" in decoded[0] and "lang=fr" in decoded[0]


def test_the_deck_keeps_working_when_the_server_is_gone(stage):
    driver = stage.driver
    open_deck(stage, "?slides=no2,road_deaths,bikes_available&interval=0&lang=en")
    # The shipped readings are months or years old: no "Now" strip on stage (it
    # yields its place to the chart), before the server goes and after.
    assert not driver.find_elements("id", "live-strip")
    stage.server.stop()
    gone = driver.execute_async_script(
        "var done = arguments[0];"
        "fetch('/health').then(function () { done(false); }, function () { done(true); });"
    )
    assert gone, "the server still answers"
    press(driver, Keys.ARROW_RIGHT)
    press(driver, Keys.ARROW_RIGHT)
    assert counter(driver) == "3 / 3"
    until(lambda: driver.find_element("css selector", "#chart-2 .main-svg"))
    assert "Bike-share bikes available" in driver.find_element("id", "slide-2").text
    assert not driver.find_elements("id", "live-strip")
    assert "error" not in driver.find_element("tag name", "body").text.lower()


# --- the stage at projector sizes -----------------------------------------------------

STAGE_BLOCKS = (
    ".deck-title",
    "#live-strip",
    ".counter",
    ".slide:not([hidden]) .slide-title",
    ".slide:not([hidden]) .kpi-card",
    ".slide:not([hidden]) .qr svg",
    ".slide:not([hidden]) .qr-figure figcaption",
    ".slide:not([hidden]) .slide-summary",
    ".slide:not([hidden]) .slide-note",
    ".slide:not([hidden]) .source-line",
    ".slide:not([hidden]) .legend",
    ".keys",
)
BOXES = """
var boxes = function (selector) {
  return Array.from(document.querySelectorAll(selector)).map(function (e) {
    var b = e.getBoundingClientRect();
    return {what: selector + ' ' + (e.textContent || '').slice(0, 30),
            text: (e.textContent || '').trim(),
            l: b.left, t: b.top, r: b.right, b: b.bottom};
  }).filter(function (b) { return b.r > b.l && b.b > b.t; });
};
var blocks = [];
arguments[0].forEach(function (s) { blocks = blocks.concat(boxes(s)); });
var labels = boxes('.slide:not([hidden]) .textpoint text, .slide:not([hidden]) .bartext')
  .filter(function (b) { return b.text; });
return {blocks: blocks, labels: labels, width: innerWidth, height: innerHeight};
"""


def overlapping(boxes: list[dict], others: list[dict] | None = None) -> list:
    """Pairs of boxes that share more than a pixel (others: against that list)."""
    found = []
    pairs = (
        [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :]]
        if others is None
        else [(a, b) for a in boxes for b in others]
    )
    for a, b in pairs:
        if min(a["r"], b["r"]) - max(a["l"], b["l"]) > 1 and (
            min(a["b"], b["b"]) - max(a["t"], b["t"]) > 1
        ):
            found.append((a["what"], b["what"]))
    return found


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080), (3840, 2160)])
def test_nothing_on_any_slide_overlaps_at_projector_sizes(stage, size):
    """Every value label and text block of every slide of the default deck: none over
    another, none cut off by the screen."""
    driver = stage.driver
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": size[0], "height": size[1], "deviceScaleFactor": 1, "mobile": False},
    )
    open_deck(stage, "?interval=0")
    slides = len(driver.find_elements("css selector", ".slide"))
    assert slides >= 5
    for index in range(slides):
        until(
            lambda i=index: driver.find_element("css selector", f"#chart-{i} .main-svg")
        )
        found = driver.execute_script(BOXES, list(STAGE_BLOCKS))
        blocks, labels = found["blocks"], found["labels"]
        where = (size, index)
        assert labels, where  # every chart writes values on itself
        assert overlapping(labels) == [], where
        assert overlapping(labels, blocks) == [], where
        blocks_apart = [b for b in blocks if ".kpi-card" not in b["what"]]
        assert overlapping(blocks_apart) == [], where
        # The cards are all shown: none cut off under the QR code.
        shelf = driver.execute_script(
            "return document.querySelector('.slide:not([hidden]) .kpis')"
            ".getBoundingClientRect().bottom"
        )
        cards = [b for b in blocks if ".kpi-card" in b["what"]]
        assert len(cards) == 2 and all(c["b"] <= shelf + 1 for c in cards), (
            where,
            shelf,
        )
        for box in blocks + labels:
            assert box["r"] <= size[0] + 1 and box["b"] <= size[1] + 1, (where, box)
            assert box["l"] >= -1 and box["t"] >= -1, (where, box)
        press(driver, Keys.ARROW_RIGHT)


def test_a_dense_series_is_drawn_as_monthly_means_and_says_so(stage):
    driver = stage.driver
    open_deck(stage, "?slides=pm25&interval=0&lang=en")
    points = driver.execute_script(
        "var g = document.getElementById('chart-0');return g.data.map(t => t.x.length);"
    )
    # Twelve years of days would be thousands of points a city.
    assert points and max(points) < 200, points
    assert (
        "monthly means of the daily values"
        in driver.find_element("css selector", "#slide-0 .slide-note").text
    )
    labels = [
        e.text for e in driver.find_elements("css selector", "#chart-0 .textpoint text")
    ]
    assert labels and not [x for x in labels if x.startswith(("-", "−"))], labels


@pytest.mark.parametrize("width", [320, 400])
def test_an_embed_on_a_phone_stacks_its_panels(app_server, width):
    driver = app_server.driver
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": False},
    )
    driver.get(app_server.server_url + "/embed/pm25?view=side")
    reach_for_the_chart(driver)  # plotly.js's own chart, however the page came
    until(lambda: len(driver.find_elements("css selector", "#chart .nsewdrag")) == 2)
    boxes = [e.rect for e in driver.find_elements("css selector", "#chart .nsewdrag")]
    first, second = sorted(boxes, key=lambda b: b["y"])
    assert second["y"] >= first["y"] + first["height"]
    assert first["width"] == second["width"] >= width * 0.6, boxes
    assert driver.execute_script("return document.documentElement.scrollWidth") <= width


def axe_findings(driver) -> dict:
    from tests.browser.test_dashboard_in_browser import AXE

    if not AXE.exists():
        pytest.fail("node_modules/axe-core missing: run npm install")
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    found = driver.execute_async_script(
        "var done = arguments[0];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done("
        "r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target).join(' '))));"
    )
    return found


def test_axe_finds_nothing_on_embeds_and_the_stage(app_server):
    driver = app_server.driver
    for path in (
        "/embed/no2",
        "/embed/road_deaths?view=gap&theme=dark&lang=fr",
        "/embed/pm25?view=overlay&lang=fr&theme=light",
        "/present?interval=0",
        "/present?interval=0&lang=en&slides=pm25,bikes_available",
    ):
        if path.startswith("/embed/"):
            # the server's drawing first, then the interactive chart
            embed_first_paint_drawn(driver, app_server.server_url + path)
            assert axe_findings(driver) == [], path
            reach_for_the_chart(driver)
        else:
            driver.get(app_server.server_url + path)
        until(lambda: driver.find_elements("css selector", ".main-svg"))
        assert axe_findings(driver) == [], path
