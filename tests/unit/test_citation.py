"""Cite this: a view's citation names its sources, the day it was read and, when the
data are frozen, the pin — in text, BibTeX and CSL-JSON, on the dashboard and embeds."""

from __future__ import annotations

import datetime as dt
import json
import re
from html import unescape

import pytest

import data_sources
from app import server
from components.pages.dashboard import share_codes
from components.reuse import bibtex_escape, citation
from components.state import parse_query
from data_sources.model.registries import INDICATORS_BY_ID


@pytest.fixture
def client():
    return server.test_client()


def balanced(text: str) -> bool:
    depth = 0
    for char in re.sub(r"\\[{}]", "", text):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def test_a_pinned_citation_names_the_pin_in_every_format():
    found = citation(
        INDICATORS_BY_ID["road_deaths"],
        data_sources.series_provenance("road_deaths"),
        "https://example.org/embed/road_deaths?pin=0123456789abcdef",
        dt.date(2026, 12, 1),
        "en",
        "0123456789abcdef",
    )
    assert "data version 0123456789abcdef" in found.text
    assert "accessed Dec 1, 2026" in found.text
    assert "ONISR" in found.text and "DataSF" in found.text  # the publishers
    assert found.bibtex.startswith("@misc{sistercities_road_deaths_20261201,")
    assert "version = {0123456789abcdef}" in found.bibtex
    assert "urldate = {2026-12-01}" in found.bibtex and balanced(found.bibtex)
    [item] = json.loads(found.csl)
    assert item["type"] == "dataset" and item["version"] == "0123456789abcdef"
    assert item["accessed"] == {"date-parts": [[2026, 12, 1]]}
    assert item["URL"].endswith("pin=0123456789abcdef")


def test_bibtex_escapes_what_latex_would_read_as_commands():
    assert bibtex_escape("50% & #1_{x}") == r"50\% \& \#1\_\{x\}"


def test_the_dashboard_cites_the_view_and_a_frozen_view_by_its_pin():
    state = parse_query("?indicator=no2&lang=fr")
    with server.test_request_context("/"):
        _, live = share_codes(state)
        _, frozen = share_codes(state, pinned=True)
    assert "Villes sœurs" in live["text"] and "consulté le" in live["text"]
    assert "/?" in live["text"] and "version des données" not in live["text"]
    pin = re.search(r"pin=([0-9a-f]{16})", frozen["text"])[1]
    assert f"version des données {pin}" in frozen["text"]
    assert json.loads(frozen["csl"])[0]["version"] == pin


def test_an_embed_offers_its_citation_with_its_pin(client):
    pin = data_sources.pin_version("no2")
    body = unescape(client.get(f"/embed/no2?lang=en&pin={pin}").get_data(as_text=True))
    assert 'class="embed-cite"' in body
    today = dt.datetime.now(dt.UTC).date().isoformat()
    assert f"urldate = {{{today}}}" in body
    assert f"data version {pin}" in body and f'"version": "{pin}"' in body
