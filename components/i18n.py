"""Interface strings in both languages, and number/date formats through babel."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date
from babel.numbers import format_decimal

from data_sources.registries import LANGUAGES

DEFAULT_LANG = "en"
LOCALES = {"en": "en_US", "fr": "fr_FR"}

STRINGS: dict[str, dict[str, str]] = {
    "title": {"en": "Sister Cities", "fr": "Villes sœurs"},
    "tagline": {
        "en": "Paris and San Francisco, digital sister cities since 2006, side by side.",
        "fr": "Paris et San Francisco, villes sœurs numériques depuis 2006, côte à côte.",
    },
    "domain.air": {"en": "Air pollution", "fr": "Pollution de l'air"},
    "domain.mobility": {"en": "Mobility", "fr": "Mobilité"},
    "domain.energy": {"en": "Energy", "fr": "Énergie"},
    "domain.waste": {"en": "Waste", "fr": "Déchets"},
    "domain.traffic": {"en": "Traffic", "fr": "Circulation"},
    "licence": {"en": "licence", "fr": "licence"},
    "accessed": {"en": "accessed", "fr": "consulté le"},
    "comparability_label": {"en": "Comparability: ", "fr": "Comparabilité : "},
    "sources_label": {"en": "Sources: ", "fr": "Sources : "},
    "what_is_measured": {"en": "What is measured", "fr": "Ce qui est mesuré"},
    "no_data": {"en": "No data for this city", "fr": "Pas de données pour cette ville"},
    "data_unavailable": {
        "en": "These data cannot be read right now",
        "fr": "Ces données sont illisibles pour le moment",
    },
    "no_data_chart": {"en": "No data available", "fr": "Aucune donnée disponible"},
    "download_csv": {"en": "Download CSV", "fr": "Télécharger le CSV"},
    "span": {
        "en": "{first} to {last}, {count} values",
        "fr": "{first} à {last}, {count} valeurs",
    },
    "single": {"en": "{period} only", "fr": "{period} seulement"},
    "local_time": {"en": "{time} local time", "fr": "{time} heure locale"},
    "latest": {"en": "latest", "fr": "dernière valeur"},
    "stale": {
        "en": "stale: not confirmed by the latest refresh",
        "fr": "périmé : non confirmé par la dernière actualisation",
    },
    "language": {"en": "Langue : français", "fr": "Language: English"},
    "footer": {
        "en": "Real data only: every number traces to its publisher. Contains "
        "information from Paris open data licensed under the Open Database License "
        "(ODbL).",
        "fr": "Uniquement des données réelles : chaque chiffre renvoie à son éditeur. "
        "Contient des informations issues de Paris open data, sous licence Open "
        "Database License (ODbL).",
    },
    "api_link": {"en": "Data API", "fr": "API de données"},
}

# Display names of units; symbols (µg/m³, GWh, %) read the same in both languages.
UNIT_LABELS: dict[str, dict[str, str]] = {
    "deaths": {"en": "deaths", "fr": "tués"},
    "bikes": {"en": "bikes", "fr": "vélos"},
    "bicycles": {"en": "bicycles", "fr": "vélos"},
    "docks": {"en": "docks", "fr": "bornes"},
    "trips": {"en": "trips", "fr": "trajets"},
    "persons": {"en": "inhabitants", "fr": "habitants"},
    "hours per driver": {"en": "hours per driver", "fr": "heures par conducteur"},
    "index": {"en": "index", "fr": "indice"},
    "t": {"en": "tonnes", "fr": "tonnes"},
    "short ton": {"en": "short tons", "fr": "tonnes courtes"},
    "stations": {"en": "stations", "fr": "stations"},
    "vehicles per hour": {"en": "vehicles per hour", "fr": "véhicules par heure"},
}


def unit_label(unit: str, lang: str) -> str:
    return UNIT_LABELS.get(unit, {}).get(lang, unit)


def pick_lang(requested: str | None, accept_language: str | None = None) -> str:
    """?lang= wins; then the browser's Accept-Language; then English."""
    if requested in LANGUAGES:
        return requested
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return DEFAULT_LANG


def t(key: str, lang: str, **values: object) -> str:
    text = STRINGS[key][lang]
    return text.format(**values) if values else text


def fmt_number(value: float, lang: str, digits: int = 1) -> str:
    """1234.5 → '1,234.5' (en) or '1 234,5' (fr)."""
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=LOCALES[lang])


def fmt_date(day: dt.date, lang: str) -> str:
    """25 Nov 2026 → 'Nov 25, 2026' (en) or '25 nov. 2026' (fr)."""
    return format_date(day, format="medium", locale=LOCALES[lang])
