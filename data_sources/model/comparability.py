"""What the pair allows: every number that compares the two cities comes from here.

The rules read the indicator's comparability model (registry/indicators.toml: level,
breaks, partial periods, coverage) and the shown rows, and answer:

- which views may be drawn (gap and ratio only where levels compare);
- which normalisations make sense (per inhabitant needs the population the figure covers;
  an index needs a complete base year; no index across survey editions);
- the ratio of the two cities ("N× the other city", `ratios`): same period, same
  edition, no partial period, totals per inhabitant (`totals`); a dense series (daily,
  hourly) as a mean over a stated common window, never one day against another;
- each city's change over the shown years: never across a series break (it starts
  after the latest one and says so), never from a partial period, dense series as the
  latest 12 months against the same months of an earlier year.

Answers are data (dataclasses with local period labels); the components word them in
either language (a refusal carries its reason as a key). Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data_sources.model import ratios, totals
from data_sources.model.comparisons import (
    AGGREGATE,
    MIN_COVERAGE,
    SCALES_DIFFER,
    WINDOW,
    Assessment,
    Change,
    Refusal,
    ShownBreak,
    Span,
)
from data_sources.model.observations import (
    DENSE,
    PERIOD_LENGTH,
    label_start,
    label_year,
)
from data_sources.model.registries import PAIR, Indicator, SeriesBreak

# ------------------------------------------------------------------ rows


def breaks_of(indicator: Indicator, city_id: str) -> tuple[SeriesBreak, ...]:
    return tuple(b for b in indicator.comparability.breaks if b.city == city_id)


def partial_periods(indicator: Indicator, city_id: str) -> dict[str, object]:
    return {p.period: p for p in indicator.comparability.partial if p.city == city_id}


def segments(rows: pd.DataFrame, indicator: Indicator, city_id: str) -> pd.Series:
    """Per row of one city (in time order), how many of its breaks lie before it."""
    starts = label_start(rows["period"])
    count = pd.Series(0, index=rows.index)
    for rule in breaks_of(indicator, city_id):
        if rule.date is not None:
            after = starts >= pd.Timestamp(rule.date)
        else:
            from_source = (rows["source"] == rule.source).to_numpy()
            if not from_source.any():
                continue
            after = pd.Series(np.arange(len(rows)) >= from_source.argmax(), rows.index)
        count += after.astype(int)
    return count


def shown_breaks(frame: pd.DataFrame, indicator: Indicator) -> tuple[ShownBreak, ...]:
    """The breaks that fall between two shown rows of a city."""
    found = []
    for city_id, rows in frame.groupby("city", sort=False):
        rows = rows.sort_values("time")
        starts = label_start(rows["period"])
        for rule in breaks_of(indicator, city_id):
            if rule.date is not None:
                after = (starts >= pd.Timestamp(rule.date)).to_numpy()
            else:
                after = (rows["source"] == rule.source).to_numpy()
            if after.any() and not after[0]:
                found.append(
                    ShownBreak(city_id, rows["period"].iloc[after.argmax()], rule)
                )
    return tuple(sorted(found, key=lambda b: (b.period, b.city)))


def annotate(
    frame: pd.DataFrame,
    indicator: Indicator,
    lang: str,
    facts: dict[tuple[str, str, str], dict] | None = None,
) -> pd.DataFrame:
    """The frame with `edition`, `partial`, `period_status`, `segment` and `note`
    columns (`period_status`: complete, partial or provisional; `partial` is True for
    both of the last two: neither is a headline's period).

    `facts`: (city, source, period) → what a row's provenance says of it: the survey
    `edition` it comes from (else a figure is its period's own edition), and a
    `partial` period ({"en", "fr"} reason), beside those the registry lists.
    The note: each city's first row gives its coverage; the first row after a series
    break gives the break; a partial period says why.
    """
    out = frame.copy()
    facts = facts or {}
    keys = list(zip(out["city"], out["source"], out["period"], strict=True))
    out["edition"] = [facts.get(k, {}).get("edition", k[2][:4]) for k in keys]
    row_partial = {
        k: facts[k]["partial"][lang] for k in keys if "partial" in facts.get(k, {})
    }
    out["partial"] = False
    out["segment"] = 0
    notes = pd.Series("", index=out.index, dtype=object)
    comparability = indicator.comparability
    out["period_status"] = "complete"
    for city_id, rows in out.groupby("city", sort=False):
        listed = {
            p: r.reasons[lang] for p, r in partial_periods(indicator, city_id).items()
        }
        provisional = {
            p.period: p.reasons[lang]
            for p in comparability.provisional
            if p.city == city_id
        }
        reasons, statuses = [], []
        for source, period in zip(rows["source"], rows["period"], strict=True):
            partial = listed.get(period) or row_partial.get((city_id, source, period))
            reasons.append(partial or provisional.get(period))
            statuses.append(
                "partial" if partial else "provisional" if reasons[-1] else "complete"
            )
        # Neither a partial nor a provisional figure starts a change or is paired.
        out.loc[rows.index, "partial"] = [r is not None for r in reasons]
        out.loc[rows.index, "period_status"] = statuses
        out.loc[rows.index, "segment"] = segments(rows, indicator, city_id)
        parts: dict = {index: [] for index in rows.index}
        coverage = comparability.coverage.get(city_id)
        if coverage is not None:
            parts[rows.index[0]].append(coverage.labels[lang])
        for shown in shown_breaks(rows, indicator):
            first = rows.index[(rows["period"] == shown.period).to_numpy().argmax()]
            parts[first].append(shown.rule.reasons[lang])
        for index, reason in zip(rows.index, reasons, strict=True):
            if reason is not None:
                parts[index].append(reason)
        for index, texts in parts.items():
            notes[index] = " | ".join(texts)
    out["note"] = notes
    return out


# ------------------------------------------------------------------ what is allowed


def view_refusals(
    indicator: Indicator, norm: str, city_ids: tuple[str, ...] = PAIR
) -> dict[str, Refusal | None]:
    """Per view, None where it may be drawn, else why not. Totals pair (gap, ratio)
    only per inhabitant: never drawn from the totals themselves."""
    level = indicator.comparability.level
    paired: Refusal | None = None
    if level == "none":
        paired = Refusal("level.none")
    elif level == "trends" and norm != "index":
        paired = Refusal("level.trends")
    elif level == "within_edition" and norm == "index":
        paired = Refusal("level.within_edition")
    elif totals.is_total(indicator) and norm == "absolute":
        coverage = totals.coverage_refusal(indicator, "per_capita", city_ids)
        paired = Refusal(
            "totals.absolute" if coverage is None else "ratio.totals_coverage",
            {} if coverage is None else coverage.params,
        )
    return {
        "side": None,
        "overlay": Refusal("level.none") if level == "none" else None,
        "gap": paired,
        "ratio": paired,
    }


def norm_refusal(
    indicator: Indicator, norm: str, city_ids: tuple[str, ...]
) -> Refusal | None:
    """Why a normalisation cannot be applied here (None: it can)."""
    if norm == "index" and indicator.comparability.level == "within_edition":
        return Refusal("index.editions")
    if norm in ("per_capita", "per_km2"):
        scaling = indicator.per_capita if norm == "per_capita" else indicator.per_km2
        if scaling is None:
            # A total with the other scaling defined is extensive, just not offered so.
            other = indicator.per_km2 if norm == "per_capita" else indicator.per_capita
            reason = "undefined" if other is not None else "intensive"
            return Refusal(f"{norm}.{reason}", {"unit": indicator.unit})
        return totals.coverage_refusal(indicator, norm, city_ids)
    return None


# ------------------------------------------------------------------ change over time


def _percent(start: float, end: float) -> float | None:
    return None if start == 0 else (end - start) / abs(start) * 100


def window_change(rows: pd.DataFrame, freq: str) -> Change | Refusal | None:
    """The latest window's mean against the same window a year earlier (dense
    series); never reaching further back: where the year before is not covered
    enough, a Refusal says so. None: the latest window itself is too thin."""
    starts = label_start(rows["period"])
    values = pd.Series(rows["value"].to_numpy(), index=starts.to_numpy())
    end = starts.max()
    length = WINDOW[freq]
    step = pd.Timedelta(days=1) if freq == "daily" else pd.Timedelta(hours=1)
    expected = length / step

    def mean_over(last: pd.Timestamp):
        inside = values[(values.index > last - length) & (values.index <= last)]
        if len(inside) < MIN_COVERAGE * expected:
            return None
        return inside

    latest = mean_over(end)
    if latest is None:
        return None
    earlier = mean_over(end - pd.DateOffset(years=1))
    if earlier is None:
        return Refusal("change.no_year_before", {"periods": freq})
    percent = _percent(float(earlier.mean()), float(latest.mean()))
    if percent is None:
        return None
    return Change(
        percent,
        _span(rows, earlier.index),
        _span(rows, latest.index),
        float(earlier.mean()),
        float(latest.mean()),
        window=True,
    )


def _span(rows: pd.DataFrame, starts) -> Span:
    periods = rows["period"].to_numpy()[
        np.isin(label_start(rows["period"]).to_numpy(), np.asarray(starts))
    ]
    return Span(str(periods[0]), str(periods[-1]), len(periods))


def monthly_change(rows: pd.DataFrame) -> Change | None:
    """12 complete months against the same 12 months of the earliest earlier year;
    with fewer months, the latest month against the same month of an earlier year."""
    by_month = pd.Series(rows["value"].to_numpy(), index=rows["period"].to_numpy())

    def months_to(last: str) -> list[str]:
        end = pd.Period(last, freq="M")
        return [str(end - k) for k in range(11, -1, -1)]

    last = str(by_month.index[-1])
    latest = months_to(last)
    if all(m in by_month.index for m in latest):
        year = int(last[:4])
        for earlier_year in range(label_year(by_month.index[0]), year):
            back = year - earlier_year
            shifted = [str(pd.Period(m, freq="M") - 12 * back) for m in latest]
            if all(m in by_month.index for m in shifted):
                start_value = float(by_month[shifted].sum())
                end_value = float(by_month[latest].sum())
                percent = _percent(start_value, end_value)
                if percent is None:
                    return None
                return Change(
                    percent,
                    Span(shifted[0], shifted[-1], 12),
                    Span(latest[0], latest[-1], 12),
                    start_value,
                    end_value,
                    window=True,
                )
    same_month = [m for m in by_month.index if m[5:] == last[5:] and m != last]
    if not same_month:
        return None
    first = same_month[0]
    percent = _percent(float(by_month[first]), float(by_month[last]))
    if percent is None:
        return None
    return Change(
        percent,
        Span(first, first),
        Span(last, last),
        float(by_month[first]),
        float(by_month[last]),
        window=False,
    )


def change_of(
    frame: pd.DataFrame, indicator: Indicator, city_id: str
) -> Change | Refusal | None:
    """One city's change over the shown rows, as the model allows it."""
    if indicator.freq == "instant":
        return None
    if indicator.comparability.level == "within_edition":
        return Refusal("change.editions")
    rows = frame[frame["city"] == city_id].sort_values("time")
    kept = ratios.latest_segment(rows)
    if len(kept) < 2:
        return None
    after = None
    if kept["segment"].iloc[0] > 0:
        shown = [b for b in shown_breaks(rows, indicator) if b.city == city_id]
        after = shown[-1].rule if shown else None
    if indicator.freq in DENSE:
        found = window_change(kept, indicator.freq)
    elif indicator.freq == "monthly":
        found = monthly_change(kept)
    else:
        first, last = kept.iloc[0], kept.iloc[-1]
        percent = _percent(float(first["value"]), float(last["value"]))
        found = (
            None
            if percent is None
            else Change(
                percent,
                Span(first["period"], first["period"]),
                Span(last["period"], last["period"]),
                float(first["value"]),
                float(last["value"]),
                window=False,
            )
        )
    if found is None or isinstance(found, Refusal):
        return found
    return Change(**{**found.__dict__, "after_break": after})


# ------------------------------------------------------------------ before and after an event

# How many periods on each side of an event a window compares (the period the event
# falls in belongs to neither side), and the fewest it needs.
EVENT_WINDOW = {"annual": 3, "monthly": 12, "daily": 90, "hourly": 7 * 24}


@dataclass(frozen=True)
class EventWindow:
    """One city's mean over the periods just before an event and as many just after."""

    before: Span
    after: Span
    before_mean: float
    after_mean: float
    percent: float | None  # None when the before mean is 0


def event_window(
    frame: pd.DataFrame, indicator: Indicator, city_id: str, moment: pd.Timestamp
) -> EventWindow | Refusal | None:
    """The same number of whole periods before and after `moment` (local time), in one
    series segment, no partial period, one survey edition: never across a break.
    None where the indicator has no periods to compare (instant readings)."""
    wanted = EVENT_WINDOW.get(indicator.freq)
    if wanted is None:
        return None
    if indicator.comparability.level == "within_edition":
        return Refusal("change.editions")
    rows = frame[(frame["city"] == city_id) & ~frame["partial"].astype(bool)]
    rows = rows.sort_values("time")
    starts = label_start(rows["period"])
    length = PERIOD_LENGTH[indicator.freq]
    ends = starts + length
    # Only periods within `wanted` periods of the event's own: a gap in the data does
    # not reach further back (or ahead) for values.
    reach = length * (wanted + 1)
    before = rows[((ends <= moment) & (starts >= moment - reach)).to_numpy()]
    after = rows[((starts > moment) & (ends <= moment + reach)).to_numpy()]
    before, after = before.tail(wanted), after.head(wanted)
    count = min(len(before), len(after))
    if count < max(1, wanted // 2):
        return Refusal("window.too_few", {"count": count, "wanted": wanted})
    before, after = before.tail(count), after.head(count)
    both = pd.concat([before, after])
    if both["segment"].nunique() > 1:
        shown = [b for b in shown_breaks(rows, indicator) if b.city == city_id]
        inside = [
            b
            for b in shown
            if before["period"].iloc[0] < b.period <= after["period"].iloc[-1]
        ]
        kind = inside[0].rule.kind if inside else "definition"
        return Refusal("window.break", {"break_kind": kind})
    before_mean, after_mean = (
        float(before["value"].mean()),
        float(after["value"].mean()),
    )
    return EventWindow(
        Span(before["period"].iloc[0], before["period"].iloc[-1], count),
        Span(after["period"].iloc[0], after["period"].iloc[-1], count),
        before_mean,
        after_mean,
        _percent(before_mean, after_mean),
    )


# ------------------------------------------------------------------ pairs for the gap and ratio views


def pairs(
    frame: pd.DataFrame,
    indicator: Indicator,
    city_ids: tuple[str, ...],
    key: str = "period",
    aggregate: bool = True,
) -> tuple[pd.DataFrame, str | None]:
    """Moments where both cities have a comparable value: columns period, a, b (in
    city order), and the aggregation used (None, 'monthly' or 'daily').

    key="period" pairs each city's own calendar (8 a.m. in Paris with 8 a.m. in San
    Francisco); key="time" pairs the same instant (UTC). Partial periods are left out;
    survey figures pair only within one edition; a dense series pairs means of the
    periods both cities have (monthly means of common days, daily means of common hours).
    """
    a_id, b_id = city_ids[:2]
    columns = [key, "value", "edition", "partial"]
    a = frame.loc[frame["city"] == a_id, columns]
    b = frame.loc[frame["city"] == b_id, columns]
    on = (
        [key, "edition"] if indicator.comparability.level == "within_edition" else [key]
    )
    both = pd.merge(a, b, on=on, suffixes=("_a", "_b"))
    both = both[~(both["partial_a"] | both["partial_b"])]
    both = both.rename(columns={key: "period", "value_a": "a", "value_b": "b"})
    both = both.sort_values("period")[["period", "a", "b"]].reset_index(drop=True)
    means = AGGREGATE.get(indicator.freq) if aggregate else None
    if means is None or both.empty:
        return both, None
    name, fmt, needed = means
    moments = (
        pd.to_datetime(both["period"], utc=True).dt.tz_localize(None)
        if key == "time"
        else label_start(both["period"])
    )
    both["bucket"] = moments.dt.strftime(fmt).to_numpy()
    grouped = both.groupby("bucket").agg(
        a=("a", "mean"), b=("b", "mean"), n=("a", "size")
    )
    grouped = grouped[grouped["n"] >= needed]
    out = grouped.reset_index().rename(columns={"bucket": "period"})
    return out[["period", "a", "b"]], name


# ------------------------------------------------------------------ all at once


def scales_differ(frame: pd.DataFrame, city_ids: tuple[str, ...]) -> bool:
    """True when one city's values would fill less than a quarter of a shared axis."""
    spans = []
    for city_id in city_ids[:2]:
        values = frame.loc[frame["city"] == city_id, "value"]
        if values.empty:
            return False
        spans.append(float(values.max()))
    top = max(spans)
    return top > 0 and min(spans) < SCALES_DIFFER * top


def latest_common(
    frame: pd.DataFrame, indicator: Indicator, city_ids: tuple[str, ...]
) -> str | None:
    """The newest period both cities have that the model lets them be compared in (the
    same edition, no partial period); None where nothing compares (level "none")."""
    if indicator.comparability.level == "none":
        return None
    both, _ = pairs(frame, indicator, city_ids, aggregate=False)
    return None if both.empty else str(both["period"].iloc[-1])


def assess(
    frame: pd.DataFrame,
    indicator: Indicator,
    norm: str,
    city_ids: tuple[str, ...],
    populations: pd.DataFrame | None = None,
) -> Assessment:
    """The model applied to an annotated frame (see `annotate`); `populations` (rows
    with their local `year`) for a ratio of totals, which is per inhabitant."""
    a_id, b_id = city_ids[:2]
    return Assessment(
        level=indicator.comparability.level,
        views=view_refusals(indicator, norm, city_ids),
        ratio=ratios.ratio_of(frame, indicator, norm, a_id, b_id, populations),
        changes={c: change_of(frame, indicator, c) for c in city_ids},
        breaks=shown_breaks(frame, indicator),
        scales_differ=scales_differ(frame, city_ids),
        latest_common=latest_common(frame, indicator, city_ids),
    )
