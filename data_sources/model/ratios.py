"""The ratio of the two cities ("N× the other city"), as the comparability model
allows it: same period, same edition, no partial period, totals per inhabitant; a dense
series (daily, hourly) as a mean over a stated common window, never one day against
another; instant readings only when taken at the same moment. Pure: no I/O."""

from __future__ import annotations

import pandas as pd

from data_sources.model import totals
from data_sources.model.comparisons import (
    MIN_COVERAGE,
    SAME_MOMENT,
    WINDOW,
    Ratio,
    Refusal,
    Span,
)
from data_sources.model.observations import DENSE, label_start
from data_sources.model.registries import Indicator


def latest_segment(rows: pd.DataFrame) -> pd.DataFrame:
    """One city's rows after its latest break, partial periods left out."""
    if rows.empty:
        return rows
    kept = rows[rows["segment"] == rows["segment"].max()]
    return kept[~kept["partial"]]


def common_window(
    a: pd.DataFrame, b: pd.DataFrame, freq: str
) -> tuple[pd.Series, pd.Series, Span] | Refusal:
    """Both cities' values on their common periods of the latest window (dense)."""
    both = pd.merge(
        a[["period", "value"]],
        b[["period", "value"]],
        on="period",
        suffixes=("_a", "_b"),
    )
    if both.empty:
        return Refusal("no_common_period")
    starts = label_start(both["period"])
    end = starts.max()
    inside = starts > end - WINDOW[freq]
    expected = WINDOW[freq] / (
        pd.Timedelta(days=1) if freq == "daily" else pd.Timedelta(hours=1)
    )
    if inside.sum() < MIN_COVERAGE * expected:
        return Refusal(
            "window_coverage",
            {"days": int(WINDOW[freq].days), "count": int(inside.sum())},
        )
    window = both[inside.to_numpy()]
    span = Span(window["period"].iloc[0], window["period"].iloc[-1], len(window))
    return window["value_a"], window["value_b"], span


def window_ratio(
    a: pd.DataFrame, b: pd.DataFrame, freq: str, cities: tuple[str, str]
) -> Ratio | Refusal:
    """Dense series: the ratio of the means over the latest common window."""
    found = common_window(a, b, freq)
    if isinstance(found, Refusal):
        return found
    a_values, b_values, span = found
    a_mean, b_mean = float(a_values.mean()), float(b_values.mean())
    if b_mean == 0:
        return Refusal("ratio.zero")
    return Ratio(cities, a_mean / b_mean, a_mean, b_mean, span, window=True)


def moment_ratio(
    a: pd.DataFrame, b: pd.DataFrame, cities: tuple[str, str]
) -> Ratio | Refusal:
    """Instant readings: the latest of each, when taken at the same moment."""
    last_a, last_b = a.iloc[-1], b.iloc[-1]
    if abs(pd.Timestamp(last_a["time"]) - pd.Timestamp(last_b["time"])) > SAME_MOMENT:
        return Refusal("ratio.moment")
    if last_b["value"] == 0:
        return Refusal("ratio.zero")
    return Ratio(
        cities,
        float(last_a["value"] / last_b["value"]),
        float(last_a["value"]),
        float(last_b["value"]),
        Span(last_a["period"], last_a["period"]),
        window=False,
    )


def ratio_of(
    frame: pd.DataFrame,
    indicator: Indicator,
    norm: str,
    a_id: str,
    b_id: str,
    populations: pd.DataFrame | None = None,
) -> Ratio | Refusal | None:
    """a ÷ b as the model allows it; None when a city has no row at all. Totals are
    set against each other per inhabitant (`populations`: population rows with their
    local `year`), never raw."""
    level = indicator.comparability.level
    if level in ("trends", "none"):
        return Refusal(f"level.{level}")
    if norm == "index":
        return Refusal("ratio.index")
    per_head = norm == "absolute" and totals.is_total(indicator)
    if per_head:
        refusal = totals.coverage_refusal(indicator, "per_capita", (a_id, b_id))
        if refusal is not None:
            return Refusal("ratio.totals_coverage", refusal.params)
    rows = {c: frame[frame["city"] == c].sort_values("time") for c in (a_id, b_id)}
    if any(r.empty for r in rows.values()):
        return None
    a, b = (latest_segment(rows[c]) for c in (a_id, b_id))
    if a.empty or b.empty:
        return Refusal("no_common_period")
    if not per_head:
        return _ratio_of_rows(a, b, indicator, (a_id, b_id))
    divided = [totals.per_inhabitant_rows(r, indicator, populations) for r in (a, b)]
    refused = next((d for d in divided if isinstance(d, Refusal)), None)
    if refused is not None:
        return refused
    ratio = _ratio_of_rows(*divided, indicator, (a_id, b_id))
    if isinstance(ratio, Ratio):
        return totals.with_people(ratio, {a_id: a, b_id: b}, populations)
    return ratio


def _ratio_of_rows(
    a: pd.DataFrame, b: pd.DataFrame, indicator: Indicator, ids: tuple[str, str]
) -> Ratio | Refusal:
    level = indicator.comparability.level
    a_id, b_id = ids
    if indicator.freq in DENSE:
        return window_ratio(a, b, indicator.freq, (a_id, b_id))
    if indicator.freq == "instant":
        return moment_ratio(a, b, (a_id, b_id))
    both = pd.merge(
        a[["period", "value", "edition"]],
        b[["period", "value", "edition"]],
        on=["period", "edition"] if level == "within_edition" else "period",
        suffixes=("_a", "_b"),
    )
    both = both[both["value_b"] != 0]
    if both.empty:
        return Refusal(
            "ratio.editions" if level == "within_edition" else "no_common_period"
        )
    last = both.sort_values("period").iloc[-1]
    return Ratio(
        (a_id, b_id),
        float(last["value_a"] / last["value_b"]),
        float(last["value_a"]),
        float(last["value_b"]),
        Span(last["period"], last["period"]),
        window=False,
        edition=str(last["edition"]) if level == "within_edition" else "",
    )
