"""Text Python calls digits is not a year or a size (issue 30, item 1).

`str.isdigit()` accepts `²` and `³`, which `int()` refuses: such a `from=`, `to=`, `base=`
or `maxwidth=` answered 500 with a traceback in the log. A year is four ASCII digits and a
size any run of ASCII digits; anything else (superscripts, fullwidth or Arabic-Indic digits, signs,
spaces, underscores, exponents) is refused with a clear 400 where the API asks for it,
and falls back to the default where a page's URL carries it.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest

from app import server

DIGIT_LIKE = [
    "²",
    "2²",
    "201³",
    "２０１７",
    "٢٠١٧",
    "+2017",
    " 2017",
    "2_017",
    "2e3",
    "-2017",
]
PYTHON_WORDS = ("invalid literal", "Traceback", "ValueError")


@pytest.fixture
def client():
    return server.test_client()


def assert_said_plainly(response, *, status: int | None = None):
    body = response.get_data(as_text=True)
    assert response.status_code < 500, body[:300]
    assert not any(word in body for word in PYTHON_WORDS), body[:300]
    if status is not None:
        assert response.status_code == status, body[:300]


@pytest.mark.parametrize("text", DIGIT_LIKE)
def test_a_page_url_falls_back_to_its_defaults(client, text):
    query = f"indicator=no2&range=custom&from={quote(text)}&to=2020"
    assert_said_plainly(client.get(f"/?{query}"))
    assert_said_plainly(client.get(f"/embed/no2?{query}"))
    layout = client.get(
        "/_dash-layout", headers={"Referer": f"http://localhost/?{query}"}
    )
    assert_said_plainly(layout)


@pytest.mark.parametrize("text", DIGIT_LIKE)
def test_an_index_base_year_is_four_ascii_digits(client, text):
    response = client.get(f"/api/series/no2.json?norm=index&base={quote(text)}")
    assert_said_plainly(response, status=400)
    assert "base must be a year like 2017" in response.get_json()["error"]


@pytest.mark.parametrize("text", DIGIT_LIKE)
def test_oembed_sizes_and_links_are_refused_or_read_plainly(client, text):
    link = quote(f"http://localhost/embed/no2?range=custom&from={text}&to=2020")
    assert_said_plainly(client.get(f"/oembed?url={link}"))
    embed = quote("http://localhost/embed/no2")
    sized = client.get(f"/oembed?url={embed}&maxwidth={quote(text)}")
    assert_said_plainly(sized, status=400)
    assert "maxwidth must be a positive number of pixels" in sized.get_json()["error"]


def test_plain_years_and_sizes_still_work(client):
    assert client.get("/api/series/no2.json?norm=index&base=2010").status_code == 200
    embed = quote("http://localhost/embed/no2")
    answer = client.get(f"/oembed?url={embed}&maxwidth=400").get_json()
    assert answer["width"] <= 400
