"""The pages: thin shells that ask the data façade and hand the result to builders."""

from __future__ import annotations

import logging

import dash
import flask
from dash import html

import data_sources
from data_sources.registries import DOMAINS, PAIR, headline_indicator

from .i18n import pick_lang
from .layout import indicator_section, page, unavailable_section

log = logging.getLogger(__name__)


def _request_language(lang: str | None) -> str:
    accept = (
        flask.request.headers.get("Accept-Language")
        if flask.has_request_context()
        else None
    )
    return pick_lang(lang, accept)


def home(lang: str | None = None, **_unknown_query: object) -> html.Div:
    """`/`: one section per domain with its headline indicator for the pair."""
    lang = _request_language(lang if isinstance(lang, str) else None)
    sections = []
    for domain in DOMAINS:
        indicator = headline_indicator(domain)
        try:
            result = data_sources.load_series(indicator.id, PAIR, lang=lang)
            provenance = data_sources.series_provenance(indicator.id)
        except Exception:
            # One unreadable series must not take the whole page down with a traceback.
            log.exception("section %s could not be loaded", indicator.id)
            sections.append(unavailable_section(indicator, lang))
            continue
        sections.append(
            indicator_section(
                indicator, result.frame, result.unit, provenance, PAIR, lang
            )
        )
    return page(lang, sections)


def register() -> None:
    dash.register_page(
        "home", path="/", layout=home, title="Sister Cities — Paris ↔ San Francisco"
    )
