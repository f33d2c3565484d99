"""oEmbed: a link to a view or an embed of this site becomes the embedded chart — asked
by a real consumer library (micawber) of the app served by gunicorn on a real socket,
and case by case of the Flask app."""

from __future__ import annotations

import os
import re
import signal
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import micawber
import pytest

from app import server
from tests.helpers import WAIT_SECONDS, free_port, start_gunicorn

REPO = Path(__file__).resolve().parents[3]
DISCOVERY = re.compile(
    r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"'
)


def oembed(**args):
    return server.test_client().get("/oembed", query_string=args)


def iframe_src(answer: dict) -> str:
    return unescape(re.search(r'<iframe src="([^"]+)"', answer["html"])[1])


def test_a_dashboard_link_becomes_its_chart_in_the_links_language():
    answer = oembed(url="http://localhost/?indicator=road_deaths&view=gap&lang=fr").json
    assert answer["version"] == "1.0" and answer["type"] == "rich"
    assert answer["title"].startswith("Personnes tuées sur la route par an")
    assert iframe_src(answer) == ("http://localhost/embed/road_deaths?view=gap&lang=fr")
    assert (answer["width"], answer["height"]) == (720, 560)
    assert 'width="720" height="560"' in answer["html"]
    assert "<script" not in answer["html"]  # consumers strip scripts: none is relied on
    assert answer["provider_name"] == "Villes sœurs"  # the link's language: fr
    assert answer["thumbnail_url"] == (
        "http://localhost/embed/road_deaths.png?view=gap&lang=fr"
    )
    assert (answer["thumbnail_width"], answer["thumbnail_height"]) == (1200, 630)
    assert answer["cache_age"] > 0


def test_an_embed_link_keeps_its_view_and_the_limits_are_respected():
    answer = oembed(
        url="http://localhost/embed/no2?view=overlay&lang=en&theme=dark",
        maxwidth="400",
        maxheight="300",
    ).json
    assert iframe_src(answer) == (
        "http://localhost/embed/no2?view=overlay&lang=en&theme=dark"
    )
    assert (answer["width"], answer["height"]) == (400, 300)
    assert answer["title"].startswith("NO₂, annual mean")
    # The 1200 × 630 picture would break the limits: it is left out, as the spec says.
    assert "thumbnail_url" not in answer


def test_what_is_not_a_view_of_this_site_is_refused_with_the_specs_codes():
    assert oembed(url="https://example.org/?indicator=no2").status_code == 404
    assert oembed(url="http://localhost/api/sources").status_code == 404
    assert oembed(url="http://localhost/embed/unknown_thing").status_code == 404
    # The overview is many rows, not one chart to embed.
    assert oembed(url="http://localhost/?lang=fr").status_code == 404
    assert oembed(url="http://localhost/", format="xml").status_code == 501
    missing = oembed()
    assert missing.status_code == 400 and "url is required" in missing.json["error"]
    bad = oembed(url="http://localhost/", maxwidth="wide")
    assert bad.status_code == 400 and "maxwidth" in bad.json["error"]


@pytest.mark.parametrize(
    "path", ["/?indicator=no2&lang=fr", "/embed/no2?lang=en&view=gap"]
)
def test_every_embeddable_page_says_where_its_oembed_is(path):
    page = server.test_client().get(path).get_data(as_text=True)
    [href] = DISCOVERY.findall(page)
    href = unescape(href)
    asked = parse_qs(urlsplit(href).query)["url"][0]
    assert urlsplit(asked).path == urlsplit(path).path
    answer = server.test_client().get(href.removeprefix("http://localhost")).json
    assert answer["type"] == "rich"


@pytest.fixture(scope="module")
def served_app(tmp_path_factory):
    port = free_port()
    env = {**os.environ, "SISTERCITIES_DATA_DIR": str(tmp_path_factory.mktemp("d"))}
    process = start_gunicorn(env, port, REPO)
    yield f"http://127.0.0.1:{port}"
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=WAIT_SECONDS)


def test_a_consumer_library_gets_a_rich_embed_for_a_dashboard_link(served_app):
    providers = micawber.ProviderRegistry()
    providers.register(
        re.escape(served_app) + r"/.*", micawber.Provider(f"{served_app}/oembed")
    )
    url = f"{served_app}/?indicator=electricity_consumption&lang=en"
    answer = providers.request(url)
    assert answer["type"] == "rich"
    assert iframe_src(answer).startswith(f"{served_app}/embed/electricity_consumption?")
    # What a blog's editor does with a pasted link: the chart's iframe in the post.
    post = micawber.parse_text(f"Our energy use:\n\n{url}\n", providers)
    assert f'<iframe src="{served_app}/embed/electricity_consumption?' in post
