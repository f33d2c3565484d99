"""Each view has its own page title, in the page's language (issue 27, item 7): tabs,
bookmarks and search results tell the views apart."""

from __future__ import annotations

import re
from html import unescape

from app import server
from data_sources.model.registries import INDICATORS_BY_ID

client = server.test_client()


def title_of(path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    (title,) = re.findall(r"<title>(.*?)</title>", page)
    return unescape(title)


def test_every_view_names_its_indicator_in_the_pages_language():
    seen = set()
    for indicator_id in ("pm25", "no2", "road_deaths", "electricity_consumption"):
        for lang in ("en", "fr"):
            title = title_of(f"/?indicator={indicator_id}&lang={lang}")
            label = INDICATORS_BY_ID[indicator_id].label(lang)
            assert title == f"{label} — Paris ↔ San Francisco", title
            seen.add(title)
    assert len(seen) == 8
    assert (
        title_of("/?indicator=no2&lang=fr")
        == "NO₂, moyenne annuelle — Paris ↔ San Francisco"
    )
    # A theme's URL opens its headline indicator, and says which.
    assert title_of("/?domain=energy&lang=en").startswith("Electricity consumption")
