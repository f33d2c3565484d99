"""What the sources and the store are doing: each source's status for /api/sources (ok,
stale, failing, no live source and why) and the readiness behind /health?deep=1."""

from __future__ import annotations

import pandas as pd

from data_sources import get_store, is_out_of_date, is_stale, parse_fetched
from data_sources.model.observations import period_end
from data_sources.model.registries import INDICATORS_BY_ID, SOURCES
from data_sources.settings import Settings
from data_sources.store.files import (
    StoreUnavailable as StoreUnavailable,  # for the web app
)
from data_sources.store.files import problems as store_problems
from data_sources.store.series import SeriesStore


def source_status(settings: Settings | None = None) -> list[dict]:
    """Per source: publisher, licence, status, what it feeds and how new its data are.

    Status: `disabled` (needs an API key that is not set), `error` (a stored file of it
    is damaged, or the live store cannot be reached: `message` says which and what is
    served instead), `unavailable` (no data at all), `archive` (a snapshot-only source:
    its shipped data are all there is and will not be refreshed, however old), `stale`
    (a live source whose last refresh failed, that was not fetched within its update
    interval, or whose newest observation is older than its indicator's cadence and
    publication lag allow), `ok` (a live source, fresh). `feeds`: the (indicator,
    city) series it gives, stored or that a refresh writes, and for a snapshot-only
    source `feeds_without_live_source` (those no live source refreshes) with
    `no_live_source` (why); `newest_observation`: the UTC start of the newest period
    it has delivered; `storage`: the live store's state.
    Keys themselves are never reported.
    """
    settings = settings or Settings.from_env()
    store = get_store(settings)
    store.verify_live()
    stored = store.series()
    statuses = store.statuses()
    damage = store_problems()
    storage = {**store.state(), "problems": damage.get("*", [])}
    live_faults = storage["problems"] or (
        [] if storage["ok"] else [f"live store: {storage['message']}"]
    )
    now = pd.Timestamp.now(tz="UTC")
    rows = []
    for source in SOURCES:
        mine = [s.provenance for s in stored if s.provenance["source"] == source.id]
        fetched_at = max((p.get("fetched_at", "") for p in mine), default=None)
        last = statuses.get(source.id, {})
        faults = damage.get(source.id, []) + (live_faults if source.live else [])
        status = source_state(source, settings, faults, bool(mine))
        behind = data_behind(mine, now) if source.live else None
        if status == "ok" and not source.live:
            status = "archive"  # what was shipped is all there is: never refreshed
        elif status == "ok" and (
            is_stale(source.id, fetched_at or "", statuses, now) or behind
        ):
            status = "stale"
        rows.append(
            {
                "id": source.id,
                "publisher": source.publisher,
                "dataset": source.dataset,
                "url": source.url,
                "licence": source.licence,
                "licence_url": source.licence_url,
                # The publisher's own words (../shared/data/LICENCES.md): whether
                # they were found, what they say, whom to credit, and whether a
                # commercial outlet may republish a chart (yes / no / unclear).
                "licence_terms": {
                    "status": source.terms.status,
                    "quote": source.terms.quote,
                    "credit": source.terms.credit,
                    "commercial": source.terms.commercial,
                    "commercial_note": source.terms.commercial_note,
                    "line": source.terms.lines,
                },
                "live": source.live,
                "status": status,
                "fetched_at": fetched_at,
                "last_attempt": last.get("attempted_at"),
                "message": "; ".join(faults)
                if faults
                else last.get("message") or (behind if status == "stale" else None),
                "storage": storage,
                "series": len(mine),
                "update_every_seconds": source.update_every,
                "feeds": feeds_of(source, mine),
                "feeds_without_live_source": without_live_source(source, mine),
                "no_live_source": None if source.live else source.no_live_source,
                "newest_observation": max(
                    (p.get("last", "") for p in mine), default=None
                )
                or None,
            }
        )
    return rows


def data_behind(provenance: list[dict], now: pd.Timestamp) -> str | None:
    """Which series is behind, when one's newest observation (shipped or refreshed) is
    older than its indicator's cadence plus publication lag allow; None: none is."""
    newest: dict[tuple[str, str], str] = {}
    for meta in provenance:
        key = (meta.get("indicator"), meta.get("city"))
        if meta.get("last"):
            newest[key] = max(newest.get(key, ""), meta["last"])
    for (indicator_id, city_id), last in sorted(newest.items()):
        indicator = INDICATORS_BY_ID.get(indicator_id)
        if indicator is None:
            continue
        if is_out_of_date(
            indicator, period_end(pd.Timestamp(last), indicator.freq), now
        ):
            return f"{indicator_id} ({city_id}): newest observation {last[:10]}, older than its cadence allows"
    return None


def source_state(source, settings: Settings, faults: list[str], stored: bool) -> str:
    """disabled, error, unavailable or ok (source_status adds stale)."""
    if source.api_key_env and source.id not in settings.api_keys:
        return "disabled"
    if faults:
        return "error"
    return "ok" if stored else "unavailable"


def readiness(settings: Settings | None = None) -> dict:
    """The deep health check: can this instance serve live data?

    `store`: the live store answers (Redis ping; the data folder takes a file);
    `refresher`: the newest successful refresh is recent enough (a deployment where no
    refresher has run serves the snapshot, and is ready). `ready` is false, and
    `reasons` says why, when either fails."""
    settings = settings or Settings.current()
    store = get_store(settings)
    store.verify_live()  # finds a live store emptied or damaged since the last look
    checks = {"store": store.state(), "refresher": refresher_state(store, settings)}
    reasons = [f"{name}: {c['message']}" for name, c in checks.items() if not c["ok"]]
    if checks["store"]["ok"]:  # (else the problems say the same again)
        reasons += [f"store: {message}" for message in store_problems().get("*", [])]
    return {
        "status": "degraded" if reasons else "ok",
        "ready": not reasons,
        "reasons": reasons,
        "checks": checks,
    }


def refresher_state(store: SeriesStore, settings: Settings) -> dict:
    statuses = store.statuses()
    if not statuses:
        return {"ok": True, "message": "no refresher has run: the snapshot serves"}
    succeeded = [
        s.get("attempted_at", "") for s in statuses.values() if s.get("status") == "ok"
    ]
    newest = parse_fetched(max(succeeded)) if succeeded else None
    allowed = pd.Timedelta(seconds=settings.refresh_overdue_seconds)
    if newest is None:
        return {
            "ok": False,
            "message": "no refresh has succeeded",
            "last_success": None,
        }
    age = pd.Timestamp.now(tz="UTC") - newest
    last = newest.strftime("%Y-%m-%dT%H:%M:%SZ")
    if age > allowed:
        return {
            "ok": False,
            "message": f"last successful refresh {last}, over "
            f"{settings.refresh_overdue_seconds:g} s ago",
            "last_success": last,
        }
    return {"ok": True, "message": "", "last_success": last}


# (city, indicator) pairs some live source's refresh writes.
REFRESHED = {tuple(f.split(":")) for s in SOURCES if s.live for f in s.feeds}


def without_live_source(source, stored: list[dict]) -> list[dict]:
    """The (indicator, city) pairs a snapshot-only source gives that no live source
    refreshes: the shipped data are all there is (the source's `no_live_source` says
    why, where known). Empty for a live source."""
    if source.live:
        return []
    return [
        feed
        for feed in feeds_of(source, stored)
        if (feed["city"], feed["indicator"]) not in REFRESHED
    ]


def feeds_of(source, stored: list[dict]) -> list[dict]:
    """The (indicator, city) pairs a source gives: its stored series, and for a live
    source what its refresh writes."""
    pairs = {(p["indicator"], p["city"]) for p in stored}
    for feed in source.feeds:
        city_id, indicator_id = feed.split(":")
        pairs.add((indicator_id, city_id))
    return [{"indicator": i, "city": c} for i, c in sorted(pairs)]
