"""Paris road deaths from the national road-accident files (BAAC, ONISR) on data.gouv.fr.

CONTRACTS.md §12. `GET <base>/api/1/datasets/<id>/` lists the dataset's resources inline;
each year has a `caracteristiques` file (one row per accident, its `dep`artement) and a
`usagers` file (one row per person, `grav` 2 = killed within 30 days). Paris's deaths of
a year are the persons killed in accidents of département 75 — the figure ONISR
publishes for the département, which the snapshot holds for 2017-2021.

The files change with the years, so nothing is assumed but what CONTRACTS.md records:
names (`caracteristiques_2016`, `carcteristiques-2021`, `caract-2023`), separators
(`,` until 2018 — a TAB in 2009 —, then `;` with quotes), encodings (Latin-1, then UTF-8,
sometimes with a BOM), the key (`Num_Acc`, `Accident_Id` in 2022's caracteristiques),
Paris's code (`750` until 2018, `75` after) and blanks around codes (`" -1"`).
The newest YEARS years are read; older years are the snapshot's.
"""

from __future__ import annotations

import io
import re

import pandas as pd

from data_sources.adapters.http import Client, SourceError
from data_sources.model.observations import annual_rows

SOURCE_ID = "baac"
DATASET = "53698f4ca3a729239d2036df"  # its slug changes with each release; the id not
YEARS = 3
KILLED = "2"
KINDS = {
    "caract": "caracteristiques",
    "carct": "caracteristiques",
    "usagers": "usagers",
}
YEAR_IN_NAME = re.compile(r"(?<!\d)(20\d\d)(?!\d)")


def paris_code(year: int) -> str:
    return "750" if year <= 2018 else "75"


def yearly_files(dataset: object) -> dict[int, dict[str, str]]:
    """The dataset object → {year: {"caracteristiques": url, "usagers": url}} for the
    years that have both."""
    resources = dataset.get("resources") if isinstance(dataset, dict) else None
    if not isinstance(resources, list):
        raise SourceError("expected a dataset with a list of resources")
    years: dict[int, dict[str, str]] = {}
    for resource in resources:
        url = resource.get("latest") or resource.get("url") or ""
        name = (resource.get("url") or resource.get("title") or "").rsplit("/", 1)[-1]
        name = name.lower()
        kind = next((k for p, k in KINDS.items() if name.startswith(p)), None)
        year = YEAR_IN_NAME.search(name)
        if kind and year and "immatricul" not in name:
            years.setdefault(int(year.group(1)), {})[kind] = url
    return {y: f for y, f in years.items() if len(f) == 2}


def read_table(payload: bytes, name: str) -> pd.DataFrame:
    """One BAAC CSV, every column as text with its blanks stripped, whatever its year's
    separator and encoding."""
    try:
        text = payload.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = payload.decode("latin-1")
    header = text.split("\n", 1)[0]
    sep = ";" if ";" in header else "\t" if "\t" in header else ","
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=sep, dtype=str, keep_default_na=False
        )
    except (pd.errors.ParserError, ValueError) as error:
        raise SourceError(f"{name}: unreadable CSV ({error})") from None
    frame.columns = [c.strip().strip('"') for c in frame.columns]
    frame = frame.rename(columns={"Accident_Id": "Num_Acc"})
    return frame.apply(lambda column: column.str.strip())


def require(frame: pd.DataFrame, columns: tuple[str, ...], name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise SourceError(f"{name}: columns missing: {', '.join(missing)}")


def deaths_in_paris(accidents: pd.DataFrame, persons: pd.DataFrame, year: int) -> int:
    """Persons killed (`grav` 2) in the year's accidents of département 75."""
    names = (f"caracteristiques {year}", f"usagers {year}")
    require(accidents, ("Num_Acc", "dep"), names[0])
    require(persons, ("Num_Acc", "grav"), names[1])
    paris = set(accidents.loc[accidents["dep"] == paris_code(year), "Num_Acc"])
    if not paris:
        raise SourceError(
            f"{names[0]}: no accident in département 75 (dep {paris_code(year)!r})"
        )
    return int(((persons["grav"] == KILLED) & persons["Num_Acc"].isin(paris)).sum())


def parse(files: dict[int, tuple[bytes, bytes]]) -> pd.DataFrame:
    """{year: (caracteristiques bytes, usagers bytes)} → Paris's deaths per year."""
    deaths = {
        year: deaths_in_paris(
            read_table(accidents, f"caracteristiques {year}"),
            read_table(persons, f"usagers {year}"),
            year,
        )
        for year, (accidents, persons) in sorted(files.items())
    }
    return annual_rows(deaths, city="paris", indicator="road_deaths", source=SOURCE_ID)


def fetch(client: Client, source_id: str = SOURCE_ID) -> pd.DataFrame:
    base = client.settings.base_urls[source_id].rstrip("/")
    found = yearly_files(client.get_json(f"{base}/api/1/datasets/{DATASET}/"))
    if not found:
        raise SourceError(
            f"dataset {DATASET} lists no year with both caracteristiques and usagers"
        )
    newest = sorted(found)[-YEARS:]
    files, urls = {}, []
    for year in newest:
        pair = found[year]
        files[year] = tuple(
            client.get_bytes(pair[kind]) for kind in ("caracteristiques", "usagers")
        )
        urls += [pair["caracteristiques"], pair["usagers"]]
    frame = parse(files)
    frame.attrs["urls"] = urls
    return frame
