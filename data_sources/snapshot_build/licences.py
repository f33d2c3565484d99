"""Every source's licence as its publisher states it, from ../shared/data/LICENCES.md.

That file is the team's record of what each publisher's own text says (quoted, with
its address): the licence, the credit it asks for, whether a commercial outlet (a
newspaper) may republish a chart, and a line to show in French and English. The build
reads its table into `_licences/licences.json` in the snapshot (with the file's
checksum), so a page never shows a licence nobody checked. A row that says "as row N"
takes row N's words.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

LICENCES_FILE = "LICENCES.md"
OUT_FOLDER = "_licences"
OUT_FILE = "licences.json"
COLUMNS = (
    "row",
    "source",
    "publisher",
    "dataset",
    "status",
    "licence",
    "quote",
    "page",
    "credit",
    "commercial",
    "line",
)
SAME_AS = re.compile(r"^(?:as|same as) row (\d+)\b", re.IGNORECASE)
# The chart line: « French » / "English" (a row with two editions gives two pairs; the
# first pair is the one that covers the most, the rest is said in the quote).
LINE = re.compile(r"«\s*(.+?)\s*»\s*/\s*\"(.+?)\"")
# What a reader is told where no publisher's text was found.
TO_CONFIRM = {
    "en": "licence to be confirmed with the publisher",
    "fr": "licence à confirmer auprès de l'éditeur",
}
# Figures quoted from web pages credit the page each row names (LICENCES.md row 23).
PAGE_FIGURES = {
    "en": "Source: figures quoted from public web pages (each row names its page)",
    "fr": "Source : chiffres cités de pages web publiques (chaque ligne nomme sa page)",
}
STATUSES = ("verified", "partial", "not found", "not applicable")


def plain(text: str) -> str:
    """A cell without its Markdown emphasis and code marks."""
    return re.sub(r"\*\*|`", "", text).strip()


def table_rows(markdown: str) -> list[dict[str, str]]:
    """The rows of the first table (one per source id of sources.toml)."""
    section = markdown.split("## Sources in sources.toml", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if len(cells) != len(COLUMNS) or not cells[0].isdigit():
            continue
        rows.append(dict(zip(COLUMNS, cells, strict=True)))
    return rows


def resolved(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Each "as row N" cell replaced by row N's cell."""
    by_number = {r["row"]: r for r in rows}
    out = []
    for row in rows:
        filled = dict(row)
        for column in COLUMNS[4:]:
            seen = set()
            while (found := SAME_AS.match(filled[column])) and found[1] not in seen:
                seen.add(found[1])
                filled[column] = by_number[found[1]][column]
        out.append(filled)
    return out


def commercial_of(cell: str) -> str:
    """'yes', 'no' or 'unclear', from the cell's first word (the rest is the why)."""
    words = plain(cell).lower()
    for answer in ("yes", "no", "unclear"):
        if words.startswith(answer) or words.startswith(f"2021: {answer}"):
            return answer
    return "unclear"


def status_of(cell: str) -> str:
    words = plain(cell).lower()
    return next((s for s in STATUSES if words.startswith(s)), "not found")


def record(row: dict[str, str]) -> dict:
    status = status_of(row["status"])
    line = LINE.search(row["line"])
    if line is None:
        raise ValueError(f'LICENCES.md row {row["row"]}: no « fr » / "en" line')
    found = status in ("verified", "partial")
    fr, en = line[1], line[2]
    if (
        "[" in en
    ):  # page_figures: "Source: [page cited]", a placeholder for each row's page
        fr, en = PAGE_FIGURES["fr"], PAGE_FIGURES["en"]
    if status == "not found" and "confirm" not in en:
        fr, en = f"{fr} — {TO_CONFIRM['fr']}", f"{en} — {TO_CONFIRM['en']}"
    pages = re.findall(r"https?://[^\s;,)]+", row["page"])
    return {
        "source": row["source"],
        "status": status,
        # The licence's standard name, only where the publisher's text names it.
        "licence": re.split(r" \(|;| \+ ", plain(row["licence"]))[0] if found else "",
        "quote": plain(row["quote"]) if row["quote"] not in ("—", "") else "",
        "page": pages[0] if pages else "",
        "credit": plain(row["credit"]) if row["credit"] not in ("—", "") else "",
        "commercial": commercial_of(row["commercial"]),
        "commercial_note": plain(row["commercial"]),
        "line": {"fr": fr, "en": en},
    }


def read_licences(data_dir: Path) -> dict[str, dict]:
    text = (Path(data_dir) / LICENCES_FILE).read_text(encoding="utf-8")
    return {r["source"]: record(r) for r in resolved(table_rows(text))}


def write_licences(data_dir: Path, out_dir: Path, source_ids: list[str]) -> dict:
    """The licence facts of every source id, into the snapshot folder; a ValueError
    names a source the file does not cover (before anything is shown without one)."""
    facts = read_licences(data_dir)
    missing = sorted(set(source_ids) - set(facts))
    if missing:
        raise ValueError(f"{LICENCES_FILE} has no row for {', '.join(missing)}")
    data = (Path(data_dir) / LICENCES_FILE).read_bytes()
    payload = {
        "input": f"../shared/data/{LICENCES_FILE}",
        "sha256": hashlib.sha256(data).hexdigest(),
        "sources": {s: facts[s] for s in sorted(source_ids)},
    }
    folder = Path(out_dir) / OUT_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    text = json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False)
    (folder / OUT_FILE).write_text(text + "\n", encoding="utf-8")
    return payload
