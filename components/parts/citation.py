"""Cite this: a view's citation as text, BibTeX and CSL-JSON.

It names the sources behind the view (their publishers, from the registry), the address
of the view, the day it was read and — when the data are pinned — the pin, so a report
can point to exactly the numbers it showed (a pinned embed never changes).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

from components import ids
from components.i18n import fmt_date, t
from data_sources.model.registries import SOURCES_BY_ID, Indicator

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
