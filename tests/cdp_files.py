"""The CDP portal's real CSV exports (../shared/api, Paris and San Francisco rows of
each reporting cycle's City-wide Emissions dataset, byte-exact)."""

from __future__ import annotations

from pathlib import Path

from data_sources.adapters.cdp_opendata import KNOWN_DATASETS

FOLDER = "socrata_cdp_ntd_datasf"


def real_exports(shared_data: Path) -> dict[str, str]:
    """{dataset id: CSV export text} of the 2016-2021 cycles."""
    folder = shared_data.parent / "api" / FOLDER
    out = {}
    for cycle, dataset in KNOWN_DATASETS.items():
        [path] = folder.glob(f"cdp_citywide_emissions_{cycle}_{dataset}_*.csv")
        out[dataset] = path.read_text(encoding="utf-8-sig")
    return out
