"""Build the shipped snapshot from the real files in ../shared/data.

`python -m data_sources build-snapshot ../shared/data` rewrites data_sources/snapshot/.
Each theme's builder (one module per theme) reads one or more published files, keeps
what fits an indicator honestly, and says how in `derivation`. Every value comes from a
file; nothing is typed in.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

from data_sources.model.context import check_context, copy_context
from data_sources.model.registries import SNAPSHOT_DIR, SOURCES, Licence, licence_from
from data_sources.snapshot_build.air import build_air, build_air_since_2017
from data_sources.snapshot_build.climate import build_climate
from data_sources.snapshot_build.common import Series
from data_sources.snapshot_build.energy import build_energy, build_energy_by_city
from data_sources.snapshot_build.licences import read_licences, write_licences
from data_sources.snapshot_build.mobility import build_mobility
from data_sources.snapshot_build.population import build_population
from data_sources.snapshot_build.traffic import build_traffic
from data_sources.snapshot_build.transit import build_transit
from data_sources.snapshot_build.waste import build_waste
from data_sources.store.files import write_series

BUILDERS: tuple[Callable[[Path], Iterator[Series]], ...] = (
    build_air,
    build_air_since_2017,
    build_energy_by_city,
    build_climate,
    build_transit,
    build_mobility,
    build_energy,
    build_waste,
    build_traffic,
    build_population,
)


def with_licence(provenance: dict, terms: Licence) -> dict:
    return {**provenance, **terms.attribution(provenance["url"])}


def build_all(data_dir: Path) -> list[Series]:
    return [series for build in BUILDERS for series in build(Path(data_dir))]


def write_snapshot(data_dir: Path, out_dir: Path = SNAPSHOT_DIR) -> list[Path]:
    """Rebuild the snapshot folder from scratch; return the sidecar paths written."""
    all_series = build_all(data_dir)  # read everything before touching the output
    check_context(data_dir)
    empty = [f"{s.indicator}/{s.city}/{s.source}" for s in all_series if s.frame.empty]
    if empty:
        raise ValueError(f"no rows for {', '.join(empty)}: the inputs changed shape?")
    # Every row and sidecar made before the folder is touched, and written to a
    # sibling folder that replaces it at the end: a failure leaves the old snapshot.
    # Each sidecar's licence from the publisher's own words (LICENCES.md), not from
    # the registry this process started with.
    terms = {k: licence_from(v) for k, v in read_licences(data_dir).items()}
    prepared = [
        (s.tidy(), with_licence(s.provenance(), terms[s.source])) for s in all_series
    ]
    out_dir = Path(out_dir)
    fresh = out_dir.with_name(out_dir.name + ".new")
    if fresh.exists():
        shutil.rmtree(fresh)
    written = [write_series(fresh, rows, meta) for rows, meta in prepared]
    copy_context(data_dir, fresh)  # targets and events, with their checksums
    # Every source's licence as its publisher states it (none shown unchecked).
    write_licences(data_dir, fresh, [source.id for source in SOURCES])
    if out_dir.exists():
        shutil.rmtree(out_dir)
    fresh.rename(out_dir)
    return [out_dir / path.relative_to(fresh) for path in written]
