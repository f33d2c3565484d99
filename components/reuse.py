"""What a reader takes away of a view, shared by the dashboard, the embed, the stage
and oEmbed; pure, no request:

- an embed's address and what is pasted to show it: the embed query (parsed and
  canonical), its path from a dashboard view, the iframe snippet, and the link-preview
  and oEmbed discovery tags;
- "Cite this": the view's citation as text, BibTeX and CSL-JSON. It names the sources
  behind the view (their publishers, from the registry), the address of the view, the
  day it was read and — when the data are pinned — the pin, so a report can point to
  exactly the numbers it showed (a pinned embed never changes).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from html import escape
from urllib.parse import urlencode, urlsplit

from components import ids
from components.i18n import fmt_date, pair_title, parse_langs, pick_lang, t
from components.state import ViewState, parse_query
from data_sources import PIN_PATTERN
from data_sources.model.registries import (
    INDICATORS_BY_ID,
    SOURCES_BY_ID,
    Indicator,
)

EMBED_VIEWS = ("side", "overlay", "gap")
EMBED_THEMES = ("light", "dark", "auto")
EMBED_PRESETS = ("all", "10y", "5y", "1y")
YEAR_SPAN = re.compile(r"(\d{4})-(\d{4})")
OG_SIZE = (1200, 630)


@dataclass(frozen=True)
class EmbedRequest:
    state: ViewState  # state.lang is the chart's language: the first one asked for
    langs: tuple[str, ...]  # ("fr",), ("en",) or two for bilingual captions
    theme: str  # light, dark or auto (the host's prefers-color-scheme)
    pin: str | None  # a data version (16 hex), or None for live data


def parse_embed_query(
    indicator_id: str, args: Mapping[str, str], accept_language: str | None = None
) -> EmbedRequest:
    """Query parameters → a request; anything unknown or malformed → its default."""
    langs = parse_langs(args.get("lang"), pick_lang(None, accept_language))
    query = {"indicator": indicator_id, "lang": langs[0]}
    for name in ("norm", "unit", "clock", "events"):
        if isinstance(args.get(name), str):
            query[name] = args[name]
    view = args.get("view")
    query["view"] = view if view in EMBED_VIEWS else "side"
    span = YEAR_SPAN.fullmatch(args.get("range") or "")
    if span:
        query.update({"range": "custom", "from": span[1], "to": span[2]})
    elif args.get("range") in EMBED_PRESETS:
        query["range"] = args["range"]
    theme = args.get("theme")
    pin = args.get("pin")
    return EmbedRequest(
        state=parse_query(urlencode(query), langs[0]),
        langs=langs,
        theme=theme if theme in EMBED_THEMES else "light",
        pin=pin if PIN_PATTERN.fullmatch(pin or "") else None,
    )


def embed_query(request: EmbedRequest, **changes) -> str:
    """The canonical query string of a request (for links, images and snippets)."""
    state = replace(request.state, **changes.pop("state", {}))
    params = {"view": state.view}
    if state.range == "custom" and state.start and state.end:
        params["range"] = f"{state.start}-{state.end}"
    elif state.range != "all":
        params["range"] = state.range
    for name in ("norm", "unit"):
        if getattr(state, name) not in ("", "absolute"):
            params[name] = getattr(state, name)
    if state.clock != "local":
        params["clock"] = state.clock
    if not state.events:
        params["events"] = "0"
    params["lang"] = "+".join(request.langs)
    theme = changes.get("theme", request.theme)
    if theme != "light":
        params["theme"] = theme
    pin = changes.get("pin", request.pin)
    if pin:
        params["pin"] = pin
    return urlencode(params, safe="+")


def embed_request(state: ViewState, pin: str | None = None) -> EmbedRequest:
    """The embed of a dashboard view: its language and theme; ratio shows side by side."""
    view = state.view if state.view in EMBED_VIEWS else "side"
    return EmbedRequest(replace(state, view=view), (state.lang,), state.theme, pin)


def embed_path(state: ViewState, pin: str | None = None) -> str:
    """The embed of a dashboard view (its language, theme and data version)."""
    return f"/embed/{state.indicator}?" + embed_query(embed_request(state, pin))


def snippet(
    src: str,
    title: str,
    height: int = 560,
    width: int | str = "100%",
    resizer: bool = True,
) -> str:
    """The iframe a host pastes; with `resizer`, the script that sizes it to its
    content (oEmbed consumers strip scripts: theirs comes with fixed pixels)."""
    origin = src.split("/embed/", 1)[0]
    iframe = (
        f'<iframe src="{escape(src)}" title="{escape(title)}" width="{width}" '
        f'height="{height}" style="border:0" loading="lazy" data-sistercities-embed>'
        "</iframe>"
    )
    if not resizer:
        return iframe
    return (
        f'{iframe}\n<script src="{escape(origin)}/assets/standalone/embed-host.js" '
        "async></script>"
    )


def meta_tags(title: str, description: str, url: str, image: str) -> str:
    """Link-preview tags (Open Graph and Twitter), every value escaped."""
    pairs = (
        ("og:type", "website"),
        ("og:title", title),
        ("og:description", description),
        ("og:url", url),
        ("og:image", image),
        ("og:image:width", str(OG_SIZE[0])),
        ("og:image:height", str(OG_SIZE[1])),
    )
    return '<meta name="twitter:card" content="summary_large_image">' + "".join(
        f'<meta property="{name}" content="{escape(value)}">' for name, value in pairs
    )


def discovery_link(page_url: str, title: str) -> str:
    """The tag that tells an oEmbed consumer (WordPress, Ghost, Medium) where this
    page's embed is described (components/pages/oembed.py)."""
    parts = urlsplit(page_url)
    href = f"{parts.scheme}://{parts.netloc}/oembed?" + urlencode(
        {"url": page_url, "format": "json"}
    )
    return (
        '<link rel="alternate" type="application/json+oembed" '
        f'href="{escape(href)}" title="{escape(title)}">'
    )


def dashboard_meta(state: ViewState, base: str, query: str) -> str:
    """A shared dashboard link previews the chart it points to, and says where its
    oEmbed is."""
    request = embed_request(state)
    label = INDICATORS_BY_ID[state.indicator].label(state.lang)
    title = f"{label} — {pair_title(state.lang)}"
    url = f"{base}/{query}"
    return meta_tags(
        title,
        t("tagline", state.lang),
        url,
        f"{base}/embed/{state.indicator}.png?{embed_query(request)}",
    ) + discovery_link(url, title)


def image_theme(theme: str) -> str:
    """Images have no reader preference to follow: auto draws light."""
    return "dark" if theme == "dark" else "light"


# "Cite this".
FORMATS = tuple(ids.CITE)  # text, BibTeX, CSL-JSON: one id each
# BibTeX's special characters, each escaped as LaTeX reads it.
BIBTEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


@dataclass(frozen=True)
class Citation:
    text: str
    bibtex: str
    csl: str  # CSL-JSON: a list of one item, as reference managers import it

    def as_dict(self) -> dict[str, str]:
        return {f: getattr(self, f) for f in FORMATS}


def sources_of(provenance: list[dict]) -> list:
    """The registry's sources behind some series (their provenance sidecars), each
    once, in the order they feed them."""
    ids = dict.fromkeys(meta.get("source") for meta in provenance)
    return [SOURCES_BY_ID[i] for i in ids if i in SOURCES_BY_ID]


def publishers(provenance: list[dict]) -> list[str]:
    """The publishers of the series shown, each once, in the order they feed it."""
    return list(dict.fromkeys(source.publisher for source in sources_of(provenance)))


def credit_lines(provenance: list[dict], lang: str) -> list[str]:
    """Each source's credit line as its licence asks (LICENCES.md), each once."""
    return list(dict.fromkeys(s.terms.line(lang) for s in sources_of(provenance)))


def republication(provenance: list[dict], lang: str) -> str:
    """Whether a newspaper may republish the chart as it stands, and whom to credit,
    on the publishers' own words: yes only if every source says yes. The sources are
    named by their credit lines, in the page's language."""
    sources = sources_of(provenance)
    if not sources:
        return ""
    credits = " · ".join(credit_lines(provenance, lang))

    def lines(answer: str) -> str:
        return " · ".join(
            dict.fromkeys(
                s.terms.line(lang) for s in sources if s.terms.commercial == answer
            )
        )

    if lines("no"):
        return t("reuse.no", lang, sources=lines("no"), credits=credits)
    if lines("unclear"):
        return t("reuse.unclear", lang, sources=lines("unclear"), credits=credits)
    return t("reuse.yes", lang, credits=credits)


def bibtex_escape(text: str) -> str:
    return "".join(BIBTEX_ESCAPES.get(char, char) for char in text)


def bibtex_entry(key: str, fields: dict[str, str]) -> str:
    """A @misc entry; the author (a body), the address and the URL kept verbatim."""
    verbatim = ("author", "howpublished", "url")
    lines = ",\n".join(
        f"  {name} = {{{value if name in verbatim else bibtex_escape(value)}}}"
        for name, value in fields.items()
    )
    return f"@misc{{{key},\n{lines}\n}}\n"


def citation(
    indicator: Indicator,
    provenance: list[dict],
    url: str,
    accessed: dt.date,
    lang: str,
    pin: str | None = None,
) -> Citation:
    """How to cite a view of `indicator` at `url`, read on `accessed`."""
    app = t("title", lang)
    title = t("cite_title", lang, label=indicator.label(lang))
    data = ", ".join(publishers(provenance))
    version = t("cite_version", lang, pin=pin) if pin else ""
    text = t(
        "cite_text",
        lang,
        app=app,
        year=accessed.year,
        title=title,
        data=data,
        url=url,
        date=fmt_date(accessed, lang),
        version=version,
    )
    key = re.sub(r"[^a-z0-9]+", "_", f"sistercities {indicator.id} {accessed:%Y%m%d}")
    note = t("cite_note", lang, data=data, date=accessed.isoformat(), version=version)
    fields = {
        "title": title,
        "author": "{" + app + "}",  # a body, not a person: kept whole
        "year": str(accessed.year),
        "howpublished": "\\url{" + url + "}",
        "url": url,
        "urldate": accessed.isoformat(),
        "note": note,
        "language": "french" if lang == "fr" else "english",
    }
    if pin:
        fields["version"] = pin
    bibtex = bibtex_entry(key, fields)
    item = {
        "id": key,
        "type": "dataset",
        "title": title,
        "author": [{"literal": app}],
        "publisher": app,
        "issued": {"date-parts": [[accessed.year]]},
        "accessed": {"date-parts": [[accessed.year, accessed.month, accessed.day]]},
        "URL": url,
        "note": note,
        "language": lang,
    }
    if pin:
        item["version"] = pin
    return Citation(text, bibtex, json.dumps([item], ensure_ascii=False, indent=2))
