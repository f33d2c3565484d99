"""CDP Open Data Portal (data.cdp.net, Socrata): what Paris and San Francisco reported
to CDP of their city-wide greenhouse gas emissions — CONTRACTS.md §11.1.

CDP publishes **one dataset per reporting cycle**, each with its own column names
(2016 "Total Scope 1 Emissions (metric tonnes CO2e)", 2020 "Direct emissions (metric
tonnes CO2e) for Total emissions (excluding generation of grid-supplied energy)", …),
so columns are found by what they say, not by a fixed name. The cycles' ids known
from CONTRACTS.md are read, and Socrata's catalog (`/api/catalog/v1`) is asked for
newer "City-wide Emissions" datasets, so a new cycle is read when CDP publishes it.
Each dataset is read as its CSV export (`/api/views/<id>/rows.csv`, display-name
headers); only the two cities' accounts are kept.

One figure is comparable from cycle to cycle: **scope 1 + scope 2** (from the 2020
questionnaire: direct emissions excluding the generation of grid-supplied energy +
indirect emissions from grid-supplied energy). Cycles before 2016 report only a total
under other protocols (Bilan Carbone, ICLEI) and give none; a cycle missing either
figure gives none. Each inventory year takes the newest cycle's figure (cities
re-report a year, sometimes revised). Feeds `ghg_cdp` (both cities, annual).
"""

from __future__ import annotations

import io
import re

import pandas as pd

from data_sources.adapters.http import Client, SourceError
from data_sources.model.observations import annual_rows

SOURCE_ID = "cdp_opendata"
DOMAIN = "data.cdp.net"  # the catalog is asked about this domain, wherever it is served
ACCOUNTS = {"31175": "paris", "31182": "sf"}
# Reporting cycle → dataset id (CONTRACTS.md §11.1); earlier cycles have no scopes.
KNOWN_DATASETS = {
    2016: "dfed-thx7",
    2017: "kyi6-dk5h",
    2018: "wii4-buw5",
    2019: "542d-zyj8",
    2020: "p43t-fbkj",
    2021: "tmta-7i7p",
}
CATALOG_QUERY = {
    "domains": DOMAIN,
    "only": "dataset",
    "q": "City-wide Emissions",
    "limit": 100,
}
CITY_WIDE = re.compile(r"^\s*(20\d\d)\b.*\bcity[\s-]?wide\s+emissions\b", re.IGNORECASE)

# What each needed column says (headers lower-cased, zero-width and non-breaking
# spaces removed); the first header matching wins.
COLUMNS = {
    "account": r"^account number$",
    "cycle": r"^(year reported to cdp|reporting year)$",
    "inventory_year": r"^(accounting year|measurement year)$",
    "scope1": r"^total scope 1 emissions",
    "scope2": r"^total scope 2 emissions",
    "direct": r"^direct emissions.*for total emissions \(excluding generation of grid",
    "indirect": r"^indirect emissions from use of grid.*for total emissions \(excluding",
}
REQUIRED = ("account", "cycle", "inventory_year")


def number(text) -> float | None:
    """A figure of the export ('3359242', '4335772.32', '' for none)."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return None
    cleaned = str(text).strip().replace(",", "")
    if not cleaned:
        return None
    try:
        return float(cleaned)
    except ValueError:
        raise SourceError(f"not a number of tonnes: {text!r}") from None


def scope_1_2(scope1, scope2, direct, indirect) -> float | None:
    """Scope 1 + scope 2 as the cycle reports them, or None when it does not give both
    (the 2016-2019 questionnaires' totals first, then the 2020 questionnaire's direct
    emissions excluding grid-energy generation + indirect grid-energy emissions)."""
    for first, second in ((scope1, scope2), (direct, indirect)):
        a, b = number(first), number(second)
        if a is not None and b is not None:
            return a + b
    return None


def year_in(text) -> int | None:
    """The first year a cell names: an inventory year ('2014-01-01 - 2014-12-31',
    '12/31/2014 12:00:00 AM', '2016-01-01 - 2017-01-01': the year it starts, '2009')
    or a reporting cycle ('2021')."""
    found = re.search(r"(19|20)\d\d", str(text or ""))
    return int(found.group()) if found else None


def normalised(header: str) -> str:
    return re.sub(r"[\u200b\xa0]", " ", header).strip().lower()


def find_columns(headers: list[str], name: str) -> dict[str, str | None]:
    """Our name → the dataset's header for it (None when the cycle has no such column);
    a dataset without the account, cycle or inventory-year columns is refused."""
    found = {}
    for key, pattern in COLUMNS.items():
        found[key] = next(
            (h for h in headers if re.search(pattern, normalised(h))), None
        )
    missing = [k for k in REQUIRED if found[k] is None]
    if missing:
        raise SourceError(f"{name}: no column for {', '.join(missing)}")
    return found


def read_export(text: str, name: str) -> pd.DataFrame:
    """One dataset's CSV export → (city, cycle, year, value) of the two cities' rows
    that give scope 1 + 2."""
    if text.lstrip().startswith(("<", "{", "[")):
        raise SourceError(f"{name}: expected the dataset's CSV export")
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise SourceError(f"{name}: not a CSV export ({error})") from None
    columns = find_columns(list(frame.columns), name)

    def cell(row, key):
        return row[columns[key]] if columns[key] else None

    out = []
    for _, row in frame.iterrows():
        city = ACCOUNTS.get(str(row[columns["account"]]).strip())
        if city is None:
            continue
        value = scope_1_2(
            cell(row, "scope1"),
            cell(row, "scope2"),
            cell(row, "direct"),
            cell(row, "indirect"),
        )
        year = year_in(row[columns["inventory_year"]])
        cycle = year_in(row[columns["cycle"]])
        if value is not None and year is not None and cycle is not None:
            out.append({"city": city, "cycle": cycle, "year": year, "value": value})
    return pd.DataFrame(out, columns=["city", "cycle", "year", "value"])


def parse(exports: dict[str, str]) -> pd.DataFrame:
    """{dataset id: CSV export text} → `ghg_cdp` rows: per city and inventory year,
    the newest reporting cycle's scope 1 + 2."""
    found = pd.concat(
        [read_export(text, dataset) for dataset, text in exports.items()],
        ignore_index=True,
    )
    if found.empty or set(found["city"]) != set(ACCOUNTS.values()):
        lacking = sorted(set(ACCOUNTS.values()) - set(found["city"]))
        raise SourceError(
            f"no scope 1 + 2 figure of {', '.join(lacking)} in "
            f"{', '.join(sorted(exports))} (accounts {', '.join(ACCOUNTS)})"
        )
    return pd.concat(
        [
            annual_rows(
                dict(zip(rows["year"], rows["value"], strict=True)),
                city=city,
                indicator="ghg_cdp",
                source=SOURCE_ID,
            )
            for city, rows in newest_figures(found).groupby("city")
        ],
        ignore_index=True,
    )


def newest_figures(found: pd.DataFrame) -> pd.DataFrame:
    """Reported figures (city, cycle, year, value) → one per city and inventory year,
    the newest cycle's (a year reported twice in one cycle: the last row), in year
    order. The shipped snapshot is built by the same rule."""
    newest = found.sort_values("cycle", kind="stable").drop_duplicates(
        ["city", "year"], keep="last"
    )
    return newest.sort_values(["city", "year"], ignore_index=True)


def newer_datasets(catalog) -> dict[int, str]:
    """Cycles after the known ones that the catalog lists as "<year> … City-wide
    Emissions" datasets: {cycle: dataset id}."""
    results = catalog.get("results") if isinstance(catalog, dict) else None
    if not isinstance(results, list):
        raise SourceError("catalog: expected an object with a 'results' list")
    out = {}
    for result in results:
        resource = result.get("resource", {}) if isinstance(result, dict) else {}
        match = CITY_WIDE.match(str(resource.get("name", "")))
        if match and int(match.group(1)) > max(KNOWN_DATASETS) and resource.get("id"):
            out[int(match.group(1))] = str(resource["id"])
    return out


def fetch(client: Client, source_id: str = SOURCE_ID) -> pd.DataFrame:
    base = client.settings.base_urls[source_id].rstrip("/")
    catalog = client.get_json(f"{base}/api/catalog/v1", params=CATALOG_QUERY)
    datasets = {**KNOWN_DATASETS, **newer_datasets(catalog)}
    exports, urls = {}, []
    for cycle in sorted(datasets):
        url = f"{base}/api/views/{datasets[cycle]}/rows.csv?accessType=DOWNLOAD"
        payload = client.get_bytes(url, missing_ok=True)
        if payload is not None:  # (a withdrawn dataset answers 404: skipped)
            exports[datasets[cycle]] = payload.decode("utf-8-sig", errors="replace")
            urls.append(url)
    if not exports:
        raise SourceError(f"no City-wide Emissions dataset answered under {base}")
    frame = parse(exports)
    frame.attrs["urls"] = urls
    return frame
