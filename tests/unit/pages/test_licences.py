"""Licences as verified facts (issue 27, item 6): what a reader is told about re-use
comes from the publishers' own words in ../shared/data/LICENCES.md, never a note to
ourselves, and says plainly whether a newspaper may republish a chart."""

from __future__ import annotations

import io
import json
import re
import zipfile
from html import unescape

import pytest

import data_sources
from app import server
from data_sources.model.registries import INDICATORS, SOURCES, SOURCES_BY_ID
from data_sources.snapshot_build.licences import read_licences

client = server.test_client()
NOTES_TO_OURSELVES = re.compile(r"verify|likely|vérifier", re.IGNORECASE)
SHOWN = sorted(
    i.id
    for i in INDICATORS
    if i.domain != "context" and i.id in data_sources.available_indicators()
)


def body(path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def visible(path: str) -> str:
    text = re.sub(r"<script.*?</script>", " ", body(path), flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", text)).split())


def test_no_note_to_ourselves_reaches_a_reader():
    paths = [
        "/?lang=en",
        "/?lang=fr",
        "/present?lang=en",
        "/present?lang=fr",
        "/api/sources",
        "/api/indicators",
        "/api/datapackage.json",
        "/api/openapi.json",
    ]
    paths += [f"/embed/{i}?lang={lang}" for i in SHOWN for lang in ("en", "fr")]
    for path in paths:
        found = NOTES_TO_OURSELVES.findall(unescape(body(path)))
        assert not found, (path, found)
    archive = zipfile.ZipFile(io.BytesIO(client.get("/api/datapackage.zip").data))
    for name in archive.namelist():
        text = archive.read(name).decode("utf-8")
        assert not NOTES_TO_OURSELVES.search(text), name


def test_every_source_carries_its_publishers_words():
    facts = read_licences("../shared/data")
    sources = {s["id"]: s for s in client.get("/api/sources").get_json()}
    assert set(sources) == {s.id for s in SOURCES}
    for source_id, row in sources.items():
        terms = row["licence_terms"]
        assert terms["commercial"] == facts[source_id]["commercial"], source_id
        assert terms["line"] == facts[source_id]["line"], source_id
        if terms["status"] == "not found":
            assert row["licence"] == "licence to be confirmed with the publisher"
            assert "confirm" in terms["line"]["en"], source_id
        elif terms["status"] in ("verified", "partial"):
            assert row["licence"] and terms["quote"], source_id
    # The examples of LICENCES.md, read as the file says them.
    assert sources["airparif"]["licence_terms"]["commercial"] == "no"
    assert sources["sf_vision_zero"]["licence"].startswith("ODC PDDL 1.0")
    assert sources["eea_aqd"]["licence"] == "EEA standard re-use policy"


def test_waqi_is_not_shipped():
    # Its terms: "The data can not be redistributed as cached or archived data."
    assert "waqi" not in SOURCES_BY_ID
    package = client.get("/api/datapackage.json").get_json()
    assert "waqi" not in json.dumps(package).lower()


@pytest.mark.parametrize(
    "indicator_id, verdict",
    [
        ("road_deaths", "Commercial republication is not confirmed"),
        (
            "no2",
            "Not for a newspaper as it stands: commercial republication needs the "
            "publisher's permission for Data: Airparif, ODbL licence.",
        ),
    ],
)
def test_each_embed_says_whether_a_newspaper_may_republish_it(indicator_id, verdict):
    text = visible(f"/embed/{indicator_id}?lang=en")
    assert f"May I republish this? {verdict}" in text
    assert "Credit: Data:" in text


def test_a_french_embed_shows_the_french_licence_lines_only():
    for indicator_id in ("no2", "road_deaths", "electricity_consumption"):
        english = visible(f"/embed/{indicator_id}?lang=en")
        french = visible(f"/embed/{indicator_id}?lang=fr")
        for source in SOURCES:
            en, fr = source.terms.lines["en"], source.terms.lines["fr"]
            if en in english and en != fr:
                assert en not in french and fr in french, (indicator_id, source.id)
        assert "Puis-je le republier ?" in french
        # The sources it names are named in French too (the citation, below it,
        # still names the registry's publishers as they are written: English).
        verdict = french.split("Puis-je le republier ?")[1].split("Citer")[0]
        assert "Figures quoted on public web pages" not in verdict


def test_a_french_slide_credits_its_sources_in_french():
    french = visible("/present?slides=road_deaths&lang=fr")
    assert "Source : chiffres cités de pages web publiques" in french
    assert "Figures quoted on public web pages" not in french
    assert "licence to be confirmed" not in french
