"""Pure builders of the page's pieces: they take registry records and data, return components."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from dash import dcc, html

from data_sources.registries import CITIES_BY_ID, Indicator

from . import ids
from .figures import comparison_figure, empty_figure
from .i18n import fmt_date, fmt_number, t, unit_label


def header(lang: str) -> html.Header:
    other = "fr" if lang == "en" else "en"
    return html.Header(
        className="site-header",
        children=[
            html.Div(
                [
                    html.H1(t("title", lang)),
                    html.P(t("tagline", lang), className="tagline"),
                ]
            ),
            html.Nav(
                [
                    html.A(
                        t("language", lang),
                        href=f"/?lang={other}",
                        lang=other,
                        className="lang-switch",
                    ),
                    html.A(t("api_link", lang), href="/api/indicators"),
                ]
            ),
        ],
    )


def city_span(
    frame: pd.DataFrame, city_id: str, indicator: Indicator, unit: str, lang: str
) -> html.Li:
    """One line per city: its name, coverage and latest value, or 'no data'."""
    city = CITIES_BY_ID[city_id]
    rows = frame[frame["city"] == city_id]
    swatch = html.Span(className=f"swatch city-{city_id}", **{"aria-hidden": "true"})
    definition = indicator.cities.get(city_id)
    text = definition.definitions[lang] if definition else t("no_data", lang)
    if rows.empty:
        summary = t("no_data", lang)
    else:
        periods = rows["period"].str.replace("T", " ")
        if indicator.freq == "instant":
            periods = periods.map(lambda time: t("local_time", lang, time=time))
        last = rows.iloc[-1]
        coverage = (
            t("single", lang, period=periods.iloc[0])
            if len(rows) == 1
            else t(
                "span",
                lang,
                first=periods.iloc[0],
                last=periods.iloc[-1],
                count=fmt_number(len(rows), lang, 0),
            )
        )
        summary = (
            f"{coverage} · {t('latest', lang)} {fmt_number(last['value'], lang)} {unit}"
        )
        if bool(last["stale"]):
            summary += f" ({t('stale', lang)})"
    return html.Li(
        [
            swatch,
            html.Strong(city.name(lang)),
            f" — {summary}. ",
            html.Span(text, className="definition"),
        ],
        className="city-line",
    )


def source_line(provenance: list[dict], lang: str) -> html.P:
    """Publisher, licence and access date of every stored series behind a chart."""
    seen: dict[str, dict] = {}
    for meta in provenance:
        seen.setdefault(meta["source"], meta)
    parts: list = [html.Strong(t("sources_label", lang))]
    for index, meta in enumerate(seen.values()):
        if index:
            parts.append(" · ")
        accessed = fmt_date(dt.date.fromisoformat(meta["fetched_at"][:10]), lang)
        link = (
            html.A(meta["publisher"], href=meta["url"])
            if meta.get("url")
            else meta["publisher"]
        )
        parts += [
            link,
            f" ({t('licence', lang)}: {meta['licence']}; "
            f"{t('accessed', lang)} {accessed})",
        ]
    return html.P(parts, className="source-line")


def section_heading(indicator: Indicator, lang: str) -> list:
    """The domain (small caps) and the indicator's name."""
    return [
        html.H2(t(f"domain.{indicator.domain}", lang)),
        html.H3(indicator.label(lang)),
    ]


def indicator_section(
    indicator: Indicator,
    frame: pd.DataFrame,
    unit: str,
    provenance: list[dict],
    city_ids: tuple[str, ...],
    lang: str,
) -> html.Section:
    """One domain's headline indicator: chart, per-city coverage, note, sources."""
    unit = unit_label(unit, lang)
    figure = comparison_figure(frame, indicator, unit, lang, city_ids)
    return html.Section(
        id=ids.section(indicator.domain),
        className="domain",
        children=[
            *section_heading(indicator, lang),
            html.P(indicator.descriptions[lang], className="description"),
            dcc.Graph(
                id=ids.chart(indicator.id),
                figure=figure,
                config={"displaylogo": False, "responsive": True},
                className="chart",
            ),
            html.Ul(
                [city_span(frame, c, indicator, unit, lang) for c in city_ids],
                className="city-lines",
            ),
            html.P(
                [
                    html.Strong(t("comparability_label", lang)),
                    indicator.comparability[lang],
                ],
                className="comparability",
            ),
            source_line(provenance, lang),
            html.A(
                t("download_csv", lang),
                href=f"/api/series/{indicator.id}.csv",
                className="download",
            ),
        ],
    )


def unavailable_section(indicator: Indicator, lang: str) -> html.Section:
    """Stands in for a section whose data could not be read."""
    return html.Section(
        id=ids.section(indicator.domain),
        className="domain",
        children=[
            *section_heading(indicator, lang),
            dcc.Graph(
                id=ids.chart(indicator.id),
                className="chart",
                figure=empty_figure(t("data_unavailable", lang)),
            ),
        ],
    )


def footer(lang: str) -> html.Footer:
    return html.Footer(
        [
            html.P(t("footer", lang)),
            html.P(html.A("/api/sources", href="/api/sources")),
        ],
        className="site-footer",
    )


def page(lang: str, sections: list[html.Section]) -> html.Div:
    return html.Div(
        [
            dcc.Store(id=ids.LANG_STORE, data=lang),
            header(lang),
            html.Main(sections),
            footer(lang),
        ],
        id=ids.PAGE,
        lang=lang,
    )
