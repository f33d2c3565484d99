"""Dash html components → HTML text, for the pages served without Dash (embeds, stage).

The same builders (KPI cards, freshness, source line) make the dashboard and these
pages; this turns their output into markup. Every text and attribute value is escaped
here, in one place, so nothing a request carries reaches a page unescaped; JSON goes
into a page through `script_json` (no `<` can close its tag). Bilingual captions
(`fr+en`) are written here too.
"""

from __future__ import annotations

import json
import re
from html import escape

from dash import html
from dash.development.base_component import Component
from plotly.utils import PlotlyJSONEncoder

from components.i18n import t

VOID_TAGS = frozenset({"area", "br", "col", "hr", "img", "input", "link", "meta"})
ATTRIBUTE_NAMES = {"className": "class", "htmlFor": "for"}
# Dash's own bookkeeping props: not HTML attributes.
DASH_PROPS = frozenset(
    {"children", "n_clicks", "n_clicks_timestamp", "disable_n_clicks", "loading_state"}
)
SAFE_NAME = re.compile(r"[a-zA-Z][a-zA-Z0-9_:-]*")


def attributes(props: dict) -> str:
    parts = []
    for name, value in props.items():
        if name in DASH_PROPS or value is None or value is False:
            continue
        if name == "id" and not isinstance(value, str):
            continue  # pattern-matching ids exist for Dash callbacks only
        attribute = ATTRIBUTE_NAMES.get(name, name)
        if not SAFE_NAME.fullmatch(attribute) or isinstance(value, dict | list):
            raise TypeError(f"cannot write attribute {name!r} as HTML")
        if value is True:
            parts.append(f" {attribute}")
        else:
            parts.append(f' {attribute}="{escape(str(value), quote=True)}"')
    return "".join(parts)


def to_html(node) -> str:
    """A tree of html components, strings and numbers → escaped HTML."""
    if node is None or node is False:
        return ""
    if isinstance(node, list | tuple):
        return "".join(to_html(child) for child in node)
    if isinstance(node, str | int | float):
        return escape(str(node), quote=False)
    if not isinstance(node, Component) or node._namespace != "dash_html_components":
        raise TypeError(f"only html components become HTML, not {type(node).__name__}")
    props = node.to_plotly_json()["props"]
    tag = node._type.lower()
    if tag in VOID_TAGS:
        return f"<{tag}{attributes(props)}>"
    return f"<{tag}{attributes(props)}>{to_html(props.get('children'))}</{tag}>"


def script_json(data) -> str:
    """JSON safe inside <script type="application/json">: no '<' can close the tag."""
    text = json.dumps(data, cls=PlotlyJSONEncoder, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def in_languages(key_or_text, langs: tuple[str, ...], **values) -> list:
    """One span per language (the second marked with its own lang for screen readers)."""
    parts = []
    for index, lang in enumerate(langs):
        text = (
            key_or_text(lang)
            if callable(key_or_text)
            else t(key_or_text, lang, **values)
        )
        if index:
            parts.append(" / ")
        parts.append(html.Span(text, lang=lang) if index else text)
    return parts
