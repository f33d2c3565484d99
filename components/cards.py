"""Builders of the per-city pieces (KPI card, freshness) and of the facts about a chart
(the summary sentence, the data table). Pure: they take the shown frame, return text or
components. One builder per piece, called once per city.
"""

from __future__ import annotations

import pandas as pd
from dash import html

from data_sources.registries import CITIES_BY_ID, Indicator

from .figures import paired, period_x
from .i18n import fmt_number, fmt_period, mid_sentence, t

TABLE_ROWS = 400


def _period_text(period: str, indicator: Indicator, lang: str) -> str:
    return fmt_period(period_x(pd.Series([period])).iloc[0], indicator.freq, lang)


def ratio_text(
    frame: pd.DataFrame, city_id: str, other_id: str, indicator: Indicator, lang: str
) -> str | None:
    """'Paris: 2.3× San Francisco (2016)' at the latest period both cities share."""
    both = paired(frame, (city_id, other_id))
    both = both[both["b"] != 0]
    if both.empty:
        return None
    last = both.iloc[-1]
    return t(
        "ratio",
        lang,
        city=CITIES_BY_ID[city_id].name(lang),
        ratio=fmt_number(last["a"] / last["b"], lang, 1),
        other=CITIES_BY_ID[other_id].name(lang),
        period=_period_text(last["period"], indicator, lang),
    )


def kpi_card(
    frame: pd.DataFrame,
    city_id: str,
    other_id: str,
    indicator: Indicator,
    unit: str,
    lang: str,
) -> html.Div:
    """Latest value and its date, change over the shown period, ratio to the other city."""
    city = CITIES_BY_ID[city_id]
    rows = frame[frame["city"] == city_id]
    children: list = [html.H3(city.name(lang), className="kpi-city")]
    if rows.empty:
        children.append(html.P(t("no_data_period", lang), className="kpi-missing"))
    else:
        first, last = rows.iloc[0], rows.iloc[-1]
        children += [
            html.P(
                [
                    html.Span(fmt_number(last["value"], lang), className="kpi-value"),
                    f" {unit}",
                ]
            ),
            html.P(_period_text(last["period"], indicator, lang), className="kpi-date"),
        ]
        if len(rows) > 1 and first["value"] != 0:
            change = (last["value"] - first["value"]) / abs(first["value"]) * 100
            children.append(
                html.P(
                    t(
                        "change",
                        lang,
                        sign="+" if change > 0 else "",
                        change=fmt_number(change, lang, 0),
                        since=_period_text(first["period"], indicator, lang),
                    ),
                    className="kpi-change",
                )
            )
        ratio = ratio_text(frame, city_id, other_id, indicator, lang)
        if ratio:
            children.append(html.P(ratio, className="kpi-ratio"))
    return html.Div(
        children,
        className=f"kpi-card city-{city_id}",
        id={"type": "kpi-card", "city": city_id},
    )


def kpi_cards(
    frame: pd.DataFrame,
    indicator: Indicator,
    unit: str,
    lang: str,
    city_ids: tuple[str, ...],
) -> html.Div:
    """The pair's two cards, each compared with the other city."""
    a, b = city_ids[:2]
    return html.Div(
        [
            kpi_card(frame, a, b, indicator, unit, lang),
            kpi_card(frame, b, a, indicator, unit, lang),
        ],
        className="kpis",
    )


def freshness(
    frame: pd.DataFrame, city_id: str, indicator: Indicator, lang: str
) -> html.Span:
    """'Paris: as of Oct 18, 2025 11:09 · stale' (the latest shown value's period)."""
    rows = frame[frame["city"] == city_id]
    name = CITIES_BY_ID[city_id].name(lang)
    if rows.empty:
        return html.Span(f"{name}: {t('no_data_period', lang)}", className="fresh")
    last = rows.iloc[-1]
    text = t(
        "freshness", lang, city=name, when=_period_text(last["period"], indicator, lang)
    )
    if indicator.freq in ("hourly", "instant"):
        text += f" ({t('local_time_short', lang)})"
    stale = bool(last["stale"])
    return html.Span(
        [text, html.Strong(f" · {t('stale_short', lang)}") if stale else ""],
        className="fresh stale" if stale else "fresh",
    )


def summary_sentence(
    frame: pd.DataFrame,
    indicator: Indicator,
    unit: str,
    lang: str,
    city_ids: tuple[str, ...],
) -> str:
    """One factual sentence computed from the shown data, in the page's language."""
    a_id, b_id = city_ids[:2]
    a_name, b_name = (CITIES_BY_ID[c].name(lang) for c in (a_id, b_id))
    label = indicator.label(lang)
    present = [c for c in (a_id, b_id) if not frame[frame["city"] == c].empty]
    if not present:
        return t("summary_none", lang, label=label)

    def span(city_id: str) -> str:
        rows = frame[frame["city"] == city_id]
        first = _period_text(rows["period"].iloc[0], indicator, lang)
        last = _period_text(rows["period"].iloc[-1], indicator, lang)
        return first if first == last else f"{first}–{last}"

    if len(present) == 1:
        city_id = present[0]
        return t(
            "summary_one",
            lang,
            label=label,
            city=CITIES_BY_ID[city_id].name(lang),
            span=span(city_id),
        )
    both = paired(frame, (a_id, b_id))
    if indicator.freq == "instant" or both.empty:
        if indicator.freq == "instant":
            latest = {c: frame[frame["city"] == c].iloc[-1] for c in (a_id, b_id)}
            return t(
                "summary_latest",
                lang,
                label=label,
                a=a_name,
                a_value=fmt_number(latest[a_id]["value"], lang),
                unit=unit,
                a_when=_period_text(latest[a_id]["period"], indicator, lang),
                b=b_name,
                b_value=fmt_number(latest[b_id]["value"], lang),
                b_when=_period_text(latest[b_id]["period"], indicator, lang),
            )
        return t(
            "summary_no_overlap",
            lang,
            label=label,
            a=a_name,
            a_span=span(a_id),
            b=b_name,
            b_span=span(b_id),
        )
    last = both.iloc[-1]
    when = t(
        f"when.{indicator.freq}",
        lang,
        period=_period_text(last["period"], indicator, lang),
    )
    facts = {
        "when": when,
        "label": mid_sentence(label),
        "a": a_name,
        "a_value": fmt_number(last["a"], lang),
        "unit": unit,
        "b": b_name,
        "b_value": fmt_number(last["b"], lang),
    }
    if last["b"] == 0:  # no ratio to a zero: both values, side by side
        return t("summary_pair", lang, **facts)
    ratio = fmt_number(last["a"] / last["b"], lang, 1)
    return t("summary_ratio", lang, ratio=ratio, **facts)


def data_table(
    frame: pd.DataFrame,
    indicator: Indicator,
    unit: str,
    lang: str,
    city_ids: tuple[str, ...],
) -> html.Div:
    """The chart's data as a table: one row per period, one column per city."""
    wide = frame.pivot_table(
        index="period", columns="city", values="value", aggfunc="first"
    )
    wide = wide.reindex(columns=list(city_ids))
    total = len(wide)
    shown = wide.iloc[-TABLE_ROWS:]
    header = html.Tr(
        [html.Th(t("period", lang), scope="col")]
        + [
            html.Th(f"{CITIES_BY_ID[c].name(lang)} ({unit})", scope="col")
            for c in city_ids
        ]
    )
    body = [
        html.Tr(
            [html.Th(_period_text(period, indicator, lang), scope="row")]
            + [html.Td("–" if pd.isna(v) else fmt_number(v, lang)) for v in values]
        )
        for period, values in zip(shown.index, shown.to_numpy(), strict=True)
    ]
    note = (
        html.P(t("table_truncated", lang, shown=TABLE_ROWS, total=total))
        if total > TABLE_ROWS
        else None
    )
    return html.Div(
        [
            note,
            html.Table([html.Thead(header), html.Tbody(body)], className="data-table"),
        ],
        className="table-wrap",
        # Scrollable, so it must take keyboard focus to be scrolled without a mouse.
        tabIndex="0",
        role="region",
        **{"aria-label": t("table_label", lang)},
    )
