"""The data façade: what the web app and the API import, and nothing else.

`load_series` resolves the registries, reads the store (snapshot + live), filters by each
city's local calendar, converts units and normalises. Bad requests raise `BadRequest`
(or its subclass `NotFound`) with a message fit to show a user.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass
from functools import lru_cache, partial

import pandas as pd

from data_sources.model import comparability, context
from data_sources.model.normalisation import NORMALISATIONS, normalise
from data_sources.model.observations import (
    UnitError,
    convert,
    local_times,
    period_end,
    period_labels,
    spreadsheet_safe_frame,
    year_of,
)
from data_sources.model.registries import (
    CITIES_BY_ID,
    INDICATORS_BY_ID,
    PAIR,
    SOURCES_BY_ID,
    Indicator,
)
from data_sources.settings import Settings
from data_sources.store.cache import give_way
from data_sources.store.files import StoreError, pin_frame, pin_payload
from data_sources.store.files import (
    StoreUnavailable as StoreUnavailable,  # for the web app
)
from data_sources.store.files import problems as store_problems
from data_sources.store.series import LiveFiles, SeriesStore

STALENESS_GRAIN_SECONDS = 300
API_COLUMNS = (
    "city",
    "time",
    "value",
    "unit",
    "source",
    "origin",
    "stale",
    "period",
    "period_status",
    "note",
)


# A period of a whole year, month or day on the city's calendar: '1999', '1999-03',
# '1999-03-14' (an hour or an instant carries its time: '2025-10-18T11:09').
CALENDAR_PERIOD = r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$"
TIME_CONVENTION = (
    "For a year, month or day: the date the period starts on the city's own calendar "
    "(1999-01-01 for 1999), so a spreadsheet files the row in its own period; for an "
    "hour or an instant: the UTC instant (ISO 8601)."
)


def api_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows as the data API publishes them: its columns, in its order, `time` as
    TIME_CONVENTION says (the rows inside the app keep their UTC instants: a year of
    Paris starts at 23:00 UTC the day before, which a spreadsheet files in the wrong
    year)."""
    rows = frame.loc[:, list(API_COLUMNS)]
    periods = rows["period"].astype(str)
    calendar = periods.str.match(CALENDAR_PERIOD)
    if calendar.any():
        starts = (periods[calendar] + "-01-01").str[:10]  # '1999' → '1999-01-01'
        rows = rows.assign(time=rows["time"].where(~calendar, starts))
    return rows


def api_csv(frame: pd.DataFrame) -> str:
    """Rows as the data API's CSV serves them (/api/series, the data package), every
    text cell safe to open in a spreadsheet (schema.spreadsheet_safe)."""
    rows = spreadsheet_safe_frame(api_rows(frame))
    return rows.to_csv(index=False, lineterminator="\n")


# Kept beside the API columns for the comparability rules (not published row by row).
RULE_COLUMNS = ("edition", "partial", "segment")


class BadRequest(ValueError):
    """A request the data layer cannot answer as asked; the message says why."""


class NotFound(BadRequest):
    """An unknown indicator or city."""


@dataclass(frozen=True)
class SeriesResult:
    indicator: Indicator
    frame: pd.DataFrame  # API_COLUMNS
    unit: str
    notes: tuple[str, ...]


@lru_cache(maxsize=8)
def _store_for(live_dir: str, redis_url: str | None) -> SeriesStore:
    if redis_url:
        from data_sources.store.redis_live import (
            RedisSeriesStore,  # only deployments with Redis need it
        )

        return RedisSeriesStore(redis_url, held_dir=live_dir)
    # A full disk takes the caches beside the live series first (see cache.give_way).
    return SeriesStore(live=LiveFiles(live_dir, make_room=partial(give_way, live_dir)))


def get_store(settings: Settings | None = None) -> SeriesStore:
    """The live store in files, or in Redis when SISTERCITIES_REDIS_URL is set."""
    settings = settings or Settings.from_env()
    return _store_for(str(settings.data_dir), settings.redis_url)


def live_store_problem() -> str | None:
    """Why live data cannot be read right now (the live store unreachable or emptied),
    or None: pages show it as a notice while they serve the snapshot and what they
    hold. Cheap: it only reads what the store has already found."""
    found = store_problems().get("*")
    return "; ".join(found) if found else None


def get_indicator(indicator_id: str) -> Indicator:
    try:
        return INDICATORS_BY_ID[indicator_id]
    except KeyError:
        raise NotFound(f"unknown indicator '{indicator_id}'") from None


def parse_cities(text: str | None) -> tuple[str, ...]:
    """'paris,sf' → ('paris', 'sf'); absent → the configured pair. An empty value or an
    empty item ('paris,') is a 400: the API's contract lists city ids, nothing else."""
    if text is None:
        return PAIR
    parts = [part.strip() for part in text.split(",")]
    if not all(parts):
        raise BadRequest(f"cities must be city ids separated by commas, not '{text}'")
    ids = tuple(dict.fromkeys(parts))
    unknown = [city_id for city_id in ids if city_id not in CITIES_BY_ID]
    if unknown:
        known = ", ".join(CITIES_BY_ID)
        raise NotFound(f"unknown city '{unknown[0]}' (known: {known})")
    return ids


ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(text: str | None, name: str) -> dt.date | None:
    """An ISO calendar date (YYYY-MM-DD, as the API's contract says), or None when the
    parameter is absent; anything else, an empty value included, is a 400."""
    if text is None:
        return None
    try:
        if not ISO_DAY.fullmatch(text):
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise BadRequest(
            f"{name} must be an ISO date like 2016-01-31, not '{text}'"
        ) from None


def parse_base_year(text: str | None) -> int | None:
    if text is None:
        return None
    year = year_of(text, 1900, 2100)
    if year is None:
        raise BadRequest(f"base must be a year like 2017, not '{text}'")
    return year


def parse_fetched(text: str) -> pd.Timestamp | None:
    try:
        return (
            pd.Timestamp(text).tz_localize("UTC")
            if len(text) == 10
            else pd.Timestamp(text)
        )
    except ValueError:
        return None


def is_stale(
    source_id: str, fetched_at: str, statuses: dict, now: pd.Timestamp
) -> bool:
    """A live source is stale in /api/sources when its last refresh failed or it has
    not been fetched for longer than its update interval (an operator's view; the
    data's own freshness is `stale_cities`)."""
    source = SOURCES_BY_ID.get(source_id)
    if source is None or not source.live or source.update_every is None:
        return False
    if statuses.get(source_id, {}).get("status") not in (None, "ok"):
        return True
    fetched = parse_fetched(fetched_at)
    return fetched is None or now - fetched > pd.Timedelta(seconds=source.update_every)


def newest_end(rows: pd.DataFrame, freq: str) -> pd.Timestamp | None:
    """When the newest observation's period is over (UTC)."""
    if rows.empty:
        return None
    return period_end(rows["time"].max(), freq)


def is_out_of_date(
    indicator: Indicator, newest: pd.Timestamp | None, now: pd.Timestamp
) -> bool:
    """Data are stale when their newest observation is older than the indicator's
    cadence plus its publication lag, whatever the time they were fetched."""
    if indicator.cadence is None or newest is None:
        return False
    allowed = pd.Timedelta(seconds=indicator.cadence + indicator.publication_lag)
    return now - newest > allowed


def stale_cities(
    frame: pd.DataFrame,
    indicator: Indicator,
    statuses: dict | None = None,
    now: pd.Timestamp | None = None,
) -> set[str]:
    """The cities whose data are stale: their newest stored observation is out of date
    (see is_out_of_date), or the live source that gave it failed its last refresh (the
    last good data stay, marked stale)."""
    now = now or pd.Timestamp.now(tz="UTC")
    statuses = statuses or {}
    stale = set()
    for city_id, rows in frame.groupby("city"):
        newest = rows.loc[rows["time"].idxmax()]
        failed = statuses.get(newest["source"], {}).get("status") not in (None, "ok")
        live = newest.get("origin") == "live"
        if (failed and live) or is_out_of_date(
            indicator, newest_end(rows, indicator.freq), now
        ):
            stale.add(city_id)
    return stale


def row_facts(indicator_id: str, settings: Settings | None = None) -> dict:
    """(city, source, period) → what the provenance sidecars say of a stored row: the
    survey `edition` it comes from and whether its period is `partial` (a whole
    series' edition is keyed with period "*")."""
    found: dict = {}
    for stored in get_store(settings).series(indicator_id):
        meta = stored.provenance
        for row in meta.get("row_sources", []):
            fact = {k: row[k] for k in ("edition", "partial") if row.get(k)}
            if fact:
                key = (meta["city"], meta["source"], str(row["period"]))
                found.setdefault(key, {}).update(fact)
        if meta.get("edition"):
            found[(meta["city"], meta["source"], "*")] = {"edition": meta["edition"]}
    return found


def check_norm_and_unit(
    indicator: Indicator, norm: str | None, unit: str | None
) -> str:
    """The normalisation asked for (absent: absolute), refused when malformed; an
    empty value is not an absent one (the contract lists what each may be)."""
    if unit == "":
        offered = ", ".join(indicator.units)
        raise BadRequest(f"unit must be one of {offered}, not ''")
    norm = "absolute" if norm is None else norm
    if norm not in NORMALISATIONS:
        raise BadRequest(
            f"norm must be one of {', '.join(NORMALISATIONS)}, not '{norm}'"
        )
    if norm != "absolute" and unit and unit != indicator.unit:
        raise BadRequest("a unit can be chosen only with norm=absolute")
    return norm


def stored_rows(
    store: SeriesStore,
    indicator: Indicator,
    city_ids: tuple[str, ...],
    pin: str | None,
    settings: Settings | None,
) -> pd.DataFrame:
    """The rows as stored now, marked stale per city (or a pinned version: never
    stale, it never changes)."""
    if pin is not None:
        frame = pinned_rows(indicator.id, pin, settings)
        return frame[frame["city"].isin(city_ids)].assign(stale=False)
    frame = store.read(indicator.id, city_ids)
    stale = stale_cities(frame, indicator, store.statuses())
    return frame.assign(stale=frame["city"].isin(stale))


def on_calendars(
    frame: pd.DataFrame, start: dt.date | None, end: dt.date | None
) -> pd.DataFrame:
    """The rows between two dates of each city's own calendar, with their local `year`
    and `period` label."""
    local = local_times(frame)
    keep = pd.Series(True, index=frame.index)
    if start:
        keep &= local >= pd.Timestamp(start)
    if end:
        keep &= local < pd.Timestamp(end) + pd.Timedelta(days=1)
    return frame[keep].assign(
        year=local[keep].dt.year, period=period_labels(frame[keep], local[keep])
    )


def scaled(
    frame: pd.DataFrame,
    indicator: Indicator,
    norm: str,
    unit: str | None,
    base: str | None,
    lang: str,
    store: SeriesStore,
) -> tuple[pd.DataFrame, str, tuple[str, ...]]:
    """Values in the unit asked for, or normalised: (frame, unit shown, notes)."""
    try:
        if norm == "absolute":
            shown_unit = unit or indicator.unit
            converted = convert(frame["value"], indicator, shown_unit)
            return frame.assign(value=converted), shown_unit, ()
        city_ids = tuple(sorted(set(frame["city"])))
        populations = store.read("population", city_ids)
        populations["year"] = local_times(populations).dt.year
        normalised = normalise(
            frame,
            indicator,
            norm,
            populations=populations,
            areas_km2={c: CITIES_BY_ID[c].area_km2.value for c in city_ids},
            base_year=parse_base_year(base),
            lang=lang,
        )
    except UnitError as error:
        raise BadRequest(str(error)) from None
    notes = normalised.notes + index_break_notes(frame, indicator, norm, lang)
    return normalised.frame, normalised.unit, notes


def api_frame(frame: pd.DataFrame, unit: str) -> pd.DataFrame:
    """The published columns (and the comparability columns the rules read)."""
    return pd.DataFrame(
        {
            "city": frame["city"],
            "time": frame["time"].dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "value": frame["value"].round(6),
            "unit": unit,
            "source": frame["source"],
            "origin": frame["origin"],
            "stale": frame["stale"].astype(bool),
            "period": frame["period"],
            "period_status": frame["period_status"],
            "note": frame["note"],
            **{column: frame[column] for column in RULE_COLUMNS},
        },
        columns=[*API_COLUMNS, *RULE_COLUMNS],
    ).reset_index(drop=True)


def load_series(
    indicator_id: str,
    cities: str | tuple[str, ...] | None = None,
    *,
    start: str | None = None,
    end: str | None = None,
    norm: str | None = None,
    unit: str | None = None,
    base: str | None = None,
    lang: str = "en",
    pin: str | None = None,
    settings: Settings | None = None,
) -> SeriesResult:
    """One indicator for some cities, filtered, converted and normalised.

    With `pin`, the rows are those of a version saved by `pin_version` (they never
    change, and are never stale); otherwise the store's current rows.

    Raises:
        BadRequest: a parameter is malformed or asks for something meaningless
            (NotFound for an unknown indicator or city).
    """
    indicator = get_indicator(indicator_id)
    city_ids = cities if isinstance(cities, tuple) else parse_cities(cities)
    start_date, end_date = parse_date(start, "start"), parse_date(end, "end")
    parse_base_year(base)  # a malformed base is said even when norm is not index
    if start_date and end_date and start_date > end_date:
        raise BadRequest("start must not be after end")
    norm = check_norm_and_unit(indicator, norm, unit)
    store = get_store(settings)
    frame = on_calendars(
        stored_rows(store, indicator, city_ids, pin, settings), start_date, end_date
    )
    facts = for_each_row(row_facts(indicator.id, settings), frame)
    frame = comparability.annotate(frame, indicator, lang, facts)
    frame, shown_unit, notes = scaled(frame, indicator, norm, unit, base, lang, store)
    return SeriesResult(indicator, api_frame(frame, shown_unit), shown_unit, notes)


INDEX_BREAK_NOTE = {
    "en": "{city}: the index spans a series break in {period} ({reason})",
    "fr": "{city} : l'indice franchit une rupture de série en {period} ({reason})",
}


def index_break_notes(
    frame: pd.DataFrame, indicator: Indicator, norm: str, lang: str
) -> tuple[str, ...]:
    """An index that spans a series break says so (a change across it is not a
    change of the same thing)."""
    if norm != "index":
        return ()
    return tuple(
        INDEX_BREAK_NOTE[lang].format(
            city=CITIES_BY_ID[b.city].name(lang),
            period=b.period,
            reason=b.rule.reasons[lang],
        )
        for b in comparability.shown_breaks(frame, indicator)
    )


def for_each_row(found: dict, frame: pd.DataFrame) -> dict:
    """Expand the facts of a whole series (period "*") to each of its shown rows."""
    out = {key: value for key, value in found.items() if key[2] != "*"}
    for (city_id, source_id, period), fact in found.items():
        if period != "*":
            continue
        rows = frame[(frame["city"] == city_id) & (frame["source"] == source_id)]
        for each in rows["period"]:
            out.setdefault((city_id, source_id, each), {}).update(
                {
                    k: v
                    for k, v in fact.items()
                    if k not in out.get((city_id, source_id, each), {})
                }
            )
    return out


def latest_common_period(
    indicator_id: str, settings: Settings | None = None
) -> str | None:
    """The newest period the pair can be compared in, over all stored rows."""
    return _latest_common(
        indicator_id, data_version(indicator_id, settings=settings), settings
    )


@lru_cache(maxsize=128)
def _latest_common(indicator_id: str, _version: str, settings) -> str | None:
    result = load_series(indicator_id, PAIR, settings=settings)
    return comparability.latest_common(result.frame, result.indicator, PAIR)


def target_statuses(settings: Settings | None = None) -> tuple:
    """Every target with its status computed from the stored rows ((Target, Status)
    pairs, in the published order), once per data version."""
    measured = sorted({t.indicator for t in context.targets() if t.indicator})
    return _target_statuses(data_version(*measured, settings=settings), settings)


@lru_cache(maxsize=4)
def _target_statuses(_version: str, settings) -> tuple:
    frames: dict[tuple[str, str], pd.DataFrame] = {}
    found = []
    for target in context.targets():
        rows = None
        if target.indicator is not None:
            key = (target.indicator, target.city)
            if key not in frames:
                frames[key] = load_series(key[0], (key[1],), settings=settings).frame
            rows = frames[key]
        found.append((target, context.target_status(target, rows)))
    return tuple(found)


def context_records(name: str, settings: Settings | None = None) -> list[dict]:
    """Every target (with its status) or every policy event, as the API gives them."""
    if name == "targets":
        return [context.target_record(t, s) for t, s in target_statuses(settings)]
    return [context.event_record(event) for event in context.events()]


def populations(settings: Settings | None = None) -> pd.DataFrame:
    """The cities' population rows with their local `year` (a ratio of totals is per
    inhabitant: it divides by them), read once per stored version."""
    return _populations(rows_version(settings=settings), settings)


@lru_cache(maxsize=4)
def _populations(_version: str, settings) -> pd.DataFrame:
    rows = get_store(settings).read("population")
    return rows.assign(year=local_times(rows).dt.year)


def rows_version(*indicator_ids: str, settings: Settings | None = None) -> str:
    """A key that changes when these indicators' stored rows (or refresh statuses) do;
    unlike data_version, not with the clock (for pages that show no staleness)."""
    return get_store(settings).version((*indicator_ids, "population"))


def data_version(*indicator_ids: str, settings: Settings | None = None) -> str:
    """A key that changes when these indicators' data (or their staleness) may have.

    Staleness also moves with the clock, so the key changes every 5 minutes as well.
    """
    stamp = rows_version(*indicator_ids, settings=settings)
    return f"{stamp}:{int(time.time() // STALENESS_GRAIN_SECONDS)}"


PIN_PATTERN = re.compile(r"[0-9a-f]{16}")


def pin_version(indicator_id: str, settings: Settings | None = None) -> str:
    """Save the indicator's current rows for good; returns the pin that names them."""
    store = get_store(settings)
    pin, payload = pin_payload(store.read(get_indicator(indicator_id).id))
    store.save_pin(indicator_id, payload, pin)
    return pin


def pinned_rows(
    indicator_id: str, pin: str, settings: Settings | None = None
) -> pd.DataFrame:
    if not PIN_PATTERN.fullmatch(pin or ""):
        raise BadRequest("pin must be 16 hexadecimal characters")
    payload = get_store(settings).read_pin(indicator_id, pin)
    try:
        if payload is None:
            raise StoreError("missing")
        return pin_frame(payload, pin)
    except StoreError:
        raise NotFound(f"data version '{pin}' is not available") from None


def available_indicators(settings: Settings | None = None) -> set[str]:
    """Ids of the indicators with at least one stored series (snapshot or live)."""
    return {s.provenance["indicator"] for s in get_store(settings).series()}


def series_provenance(
    indicator_id: str, settings: Settings | None = None
) -> list[dict]:
    """The provenance sidecars of every stored series of one indicator."""
    get_indicator(indicator_id)
    return [s.provenance for s in get_store(settings).series(indicator_id)]
