"""The translation catalogs: what a translator opens is what the app shows.

English lives in the code (components/i18n.MESSAGES, which gathers the model's own
messages too: its refusals and the words of a target's status); every other language is a gettext
catalog under components/locale/. These tests fail when a message is left untranslated,
when a translation drops or renames a placeholder (the page would fail to format it),
when the code's English changed but the catalog still translates the old text, and when
the template a translator updates from (messages.pot) is behind the code.
"""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from components import i18n
from data_sources.model.registries import LANGUAGES

TRANSLATED = [lang for lang in LANGUAGES if lang != i18n.DEFAULT_LANG]
TEMPLATE = i18n.CATALOGS / "messages.pot"
REPO = Path(__file__).resolve().parents[2]
README = REPO / "README.md"


def catalog(lang: str):
    path = i18n.CATALOGS / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as file:
        return read_po(file, locale=lang)


def entries(cat) -> dict[str, object]:
    return {entry.context: entry for entry in cat if entry.id}


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def test_every_language_has_a_catalog():
    assert TRANSLATED == ["fr"]
    for lang in TRANSLATED:
        assert set(entries(catalog(lang))) == set(i18n.MESSAGES)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_is_translated(lang):
    untranslated = [
        key
        for key, entry in entries(catalog(lang)).items()
        if not entry.string or entry.fuzzy
    ]
    assert untranslated == []


@pytest.mark.parametrize("lang", TRANSLATED)
def test_each_translation_is_of_the_english_the_code_has(lang):
    stale = {
        key: (entry.id, i18n.MESSAGES[key])
        for key, entry in entries(catalog(lang)).items()
        if entry.id != i18n.MESSAGES[key]
    }
    assert stale == {}


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_keep_their_placeholders(lang):
    broken = {
        key: (sorted(placeholders(entry.id)), sorted(placeholders(entry.string)))
        for key, entry in entries(catalog(lang)).items()
        if placeholders(entry.id) != placeholders(entry.string)
    }
    assert broken == {}


def test_the_template_is_what_pybabel_extracts_from_the_code():
    # The extraction the README tells a translator to run (-k message:1c,2), over the
    # files it names: the interface's table and the model's own messages.
    assert " ".join(i18n.SOURCE_FILES) in README.read_text(encoding="utf-8")
    extracted = {
        context: english
        for path in i18n.SOURCE_FILES
        for _, english, _, context in extract_from_file(
            "python", REPO / path, keywords={"message": ((1, "c"), 2)}
        )
    }
    with TEMPLATE.open("rb") as file:
        template = {entry.context: entry.id for entry in read_po(file) if entry.id}
    assert template == extracted == i18n.MESSAGES


def test_pages_read_their_words_from_the_catalog():
    french = entries(catalog("fr"))
    assert i18n.t("title", "fr") == french["title"].string == "Villes sœurs"
    assert i18n.t("title", "en") == "Sister Cities"
    assert i18n.unit_label("deaths", "fr") == french["unit:deaths"].string == "tués"
    # A symbol reads the same in every language and has no message.
    assert i18n.unit_label("µg/m³", "fr") == "µg/m³"
