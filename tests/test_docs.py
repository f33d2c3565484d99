"""Things that must stay documented, and copies that must stay equal."""

import re
from pathlib import Path

import pytest

from data_sources.model.registries import CITIES, INDICATORS, SOURCES
from data_sources.settings import SETTINGS_DOC

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", [name for name, _default, _help in SETTINGS_DOC])
def test_every_setting_is_in_the_readme(name):
    assert f"`{name}`" in README


@pytest.mark.parametrize("indicator", INDICATORS, ids=lambda i: i.id)
def test_every_indicator_is_in_the_readme(indicator):
    assert f"`{indicator.id}`" in README


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.id)
def test_every_source_is_in_the_readme(source):
    assert f"`{source.id}`" in README


def test_css_city_colours_equal_the_registry():
    css = (REPO / "assets" / "style.css").read_text(encoding="utf-8")
    declared = dict(re.findall(r"--city-([a-z]+):\s*(#[0-9A-Fa-f]{6})", css))
    assert declared == {city.id: city.colour for city in CITIES}


def test_css_palettes_equal_theme_py():
    from components.charts.theme import PALETTES

    css = (REPO / "assets" / "style.css").read_text(encoding="utf-8")
    light, dark = css.split(".theme-dark", 1)
    for name, block in (("light", light), ("dark", dark.split("}", 1)[0])):
        declared = dict(re.findall(r"--(ink|muted|paper):\s*(#[0-9a-fA-F]{6})", block))
        expected = {
            k: v for k, v in PALETTES[name].items() if k in ("ink", "muted", "paper")
        }
        assert declared == expected, name
