"""Refresh: fetch every live source in parallel, validate, and write the store atomically.

A failing source never takes the others down, and never touches the last good data it
left in the store: it is reported (summary, log, /api/sources) and its data go stale.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field

import pandas as pd
from tqdm import tqdm

from data_sources import get_store, is_out_of_date, newest_end
from data_sources.adapters import (
    baac,
    cdp_opendata,
    dot_ntd,
    eea_aqd,
    eia,
    epa_airdata,
    gbfs,
    odre,
    open_meteo_air,
    openaq,
    ore,
    paris_opendata,
    ratp,
    sf_opendata,
)
from data_sources.adapters.http import (
    Client,
    SourceError,
    SourceUnavailable,
    make_session,
)
from data_sources.model.observations import SchemaError, validate
from data_sources.model.registries import INDICATORS_BY_ID, SOURCES, SOURCES_BY_ID
from data_sources.settings import Settings
from data_sources.store.files import StoreUnavailable, cannot_write
from data_sources.store.series import SeriesStore

log = logging.getLogger(__name__)

Fetch = Callable[[Client, str], pd.DataFrame]
ADAPTERS: dict[str, Fetch] = {
    "open_meteo_air": open_meteo_air.fetch,
    "gbfs_paris": gbfs.fetch,
    "gbfs_sf": gbfs.fetch,
    "paris_opendata": paris_opendata.fetch,
    "odre": odre.fetch,
    "sf_opendata": sf_opendata.fetch,
    "eia": eia.fetch,
    "openaq": openaq.fetch,
    "ore_datafair": ore.fetch,
    "dot_ntd": dot_ntd.fetch,
    "epa_airdata": epa_airdata.fetch,
    "eea_aqd": eea_aqd.fetch,
    "baac": baac.fetch,
    "ratp_opendata": ratp.fetch,
    "cdp_opendata": cdp_opendata.fetch,
}
MAX_WORKERS = 4


@dataclass
class Outcome:
    """What one source's refresh did, for the summary, the log and /api/sources."""

    source: str
    status: str  # ok | unavailable | error | disabled
    rows: int = 0
    rejected: int = 0
    first: str = ""
    last: str = ""
    message: str = ""
    seconds: float = 0.0
    series: list[str] = field(default_factory=list)
    # The fetch worked but the store could not be written (disk full, read-only, Redis
    # down): the operator's problem, not the upstream's.
    storage_fault: bool = False


def check_rows(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Keep the plausible rows; say why the others were rejected."""
    frame = validate(frame)
    reasons = []
    keep = pd.Series(True, index=frame.index)
    for indicator_id, rows in frame.groupby("indicator"):
        indicator = INDICATORS_BY_ID.get(indicator_id)
        if indicator is None:
            raise SchemaError(f"adapter produced unknown indicator '{indicator_id}'")
        low, high = indicator.valid_range
        bad = rows[(rows["value"] < low) | (rows["value"] > high)]
        for row in bad.itertuples():
            reasons.append(
                f"{indicator_id} {row.city} {row.time:%Y-%m-%d %H:%M}: {row.value:g} "
                f"outside [{low:g}, {high:g}] {indicator.unit}"
            )
        keep[bad.index] = False
    return frame[keep], reasons


def old_data_warning(frame: pd.DataFrame, now: pd.Timestamp) -> str | None:
    """'upstream serves old data: newest observation 2020-10-26 10:00 UTC' when the
    newest row is older than its indicator's cadence allows (the feed may be frozen)."""
    newest = None
    for indicator_id, rows in frame.groupby("indicator"):
        indicator = INDICATORS_BY_ID[indicator_id]
        end = newest_end(rows, indicator.freq)
        if not is_out_of_date(indicator, end, now):
            return None  # something is current: the feed is alive
        newest = max(newest or rows["time"].max(), rows["time"].max())
    if newest is None:
        return None
    return f"upstream serves old data: newest observation {newest:%Y-%m-%d %H:%M} UTC"


def store_frame(
    store: SeriesStore,
    frame: pd.DataFrame,
    source_id: str,
    fetched_at: str,
    urls: list[str] | None = None,
) -> list[str]:
    """Merge the new rows into each live series (history accumulates) and write it.

    `urls`: what the adapter actually fetched (recorded in each sidecar)."""
    try:
        # One writer at a time: another refresher's point is read before this one is
        # added (a cron overlap, or hosts sharing a volume).
        with store.locked():
            return _merge_and_write(store, frame, source_id, fetched_at, urls)
    except OSError as error:
        raise cannot_write(error, store.live_dir) from None


def _merge_and_write(
    store: SeriesStore,
    frame: pd.DataFrame,
    source_id: str,
    fetched_at: str,
    urls: list[str] | None,
) -> list[str]:
    source = SOURCES_BY_ID[source_id]
    written = []
    for (indicator_id, city_id), rows in frame.groupby(["indicator", "city"]):
        _, merged = store.merged_live(indicator_id, city_id, source_id, rows)
        store.write_live(
            merged,
            {
                **source.attribution(),
                "fetched_at": fetched_at,
                "status": "ok",
                "derivation": f"Live refresh from {source.id}; rows accumulate across refreshes.",
                "inputs": list(urls or [source.base_url or ""]),
            },
        )
        written.append(f"{indicator_id}/{city_id}")
    return written


def refresh_source(store: SeriesStore, client: Client, source_id: str) -> Outcome:
    source = SOURCES_BY_ID[source_id]
    started = time.monotonic()
    attempted_at = pd.Timestamp.now(tz="UTC").strftime("%Y-%m-%dT%H:%M:%SZ")
    if source.api_key_env and source_id not in client.settings.api_keys:
        outcome = Outcome(
            source_id, "disabled", message=f"{source.api_key_env} is not set"
        )
    else:
        try:
            fetched = ADAPTERS[source_id](client, source_id)
            notes = list(fetched.attrs.get("warnings", []))
            urls = fetched.attrs.get("urls")
            frame, reasons = check_rows(fetched)
            for reason in reasons:
                log.warning("%s: rejected %s", source_id, reason)
            if frame.empty:
                raise SourceError("no usable rows in the response")
            old = old_data_warning(frame, pd.Timestamp.now(tz="UTC"))
            notes += [old] if old else []
            notes += [f"{len(reasons)} rows rejected"] if reasons else []
            for note in notes:
                log.warning("%s: %s", source_id, note)
            written = store_frame(store, frame, source_id, attempted_at, urls)
            outcome = Outcome(
                source_id,
                "ok",
                rows=len(frame),
                rejected=len(reasons),
                first=f"{frame['time'].min():%Y-%m-%d %H:%M}",
                last=f"{frame['time'].max():%Y-%m-%d %H:%M}",
                message="; ".join(notes),
                series=written,
            )
        except StoreUnavailable as error:
            outcome = Outcome(
                source_id, "error", message=str(error), storage_fault=True
            )
        except SourceUnavailable as error:
            outcome = Outcome(source_id, "unavailable", message=str(error))
        except (SourceError, SchemaError) as error:
            outcome = Outcome(source_id, "error", message=str(error))
        except Exception as error:  # an adapter bug must not stop the other sources
            log.exception("%s: unexpected failure", source_id)
            outcome = Outcome(source_id, "error", message=f"unexpected: {error!r}")
    outcome.seconds = time.monotonic() - started
    if outcome.status not in ("ok", "disabled"):
        log.warning("%s: %s — %s", source_id, outcome.status, outcome.message)
    if outcome.status != "disabled":
        record_status(store, outcome, attempted_at)
    return outcome


def record_status(store: SeriesStore, outcome: Outcome, attempted_at: str) -> None:
    """Keep the outcome for /api/sources; a store that cannot take it is said once
    (the summary and the exit code carry it)."""
    try:
        store.write_status(
            outcome.source,
            {
                "status": outcome.status,
                "message": outcome.message,
                "rows": outcome.rows,
                "attempted_at": attempted_at,
            },
        )
    except StoreUnavailable as error:
        outcome.storage_fault = True
        log.warning("%s: status not recorded: %s", outcome.source, error)


def refresh(
    source_ids: Iterable[str] | None = None,
    settings: Settings | None = None,
    progress: bool = True,
) -> list[Outcome]:
    """Refresh the given live sources (all by default) in parallel."""
    settings = settings or Settings.from_env()
    ids = list(source_ids or [s.id for s in SOURCES if s.live])
    store = get_store(settings)
    client = Client(make_session(settings), settings)
    outcomes = []
    with (
        ThreadPoolExecutor(max_workers=MAX_WORKERS) as pool,
        tqdm(
            total=len(ids),
            desc="refresh",
            unit="source",
            file=sys.stderr,
            disable=not (progress and sys.stderr.isatty()),
        ) as bar,
    ):
        futures = {pool.submit(refresh_source, store, client, i): i for i in ids}
        for future in as_completed(futures):
            outcome = future.result()
            bar.set_postfix_str(f"{outcome.source}: {outcome.status}")
            bar.update()
            outcomes.append(outcome)
    order = {source_id: n for n, source_id in enumerate(ids)}
    return sorted(outcomes, key=lambda o: order[o.source])


def summary(outcomes: list[Outcome]) -> str:
    """A plain table: one line per source."""
    lines = [f"{'source':<16} {'status':<12} {'rows':>7} {'span (UTC)':<35} message"]
    for o in outcomes:
        span = f"{o.first} → {o.last}" if o.rows else ""
        lines.append(
            f"{o.source:<16} {o.status:<12} {o.rows:>7} {span:<35} {o.message}"
        )
    return "\n".join(lines)
