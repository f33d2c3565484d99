"""Pure builders of the dashboard's pieces: registry records and data in, components out."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
from babel.dates import format_datetime, format_timedelta
from dash import dcc, html

from components import ids, reuse
from components.charts.figures import choices, snippet_key
from components.i18n import LOCALES, fmt_number, t, unit_label, view_title
from components.parts.cards import (
    data_table,
    freshness,
    kpi_cards,
    measures_panel,
    reuse_line,
    source_line,
    summary_sentence,
)
from components.parts.context_view import (
    events_section,
    targets_section,
    window_section,
)
from components.parts.controls import (
    checkbox,
    field,
    options,
    radio,
    refusals_note,
    tabs,
    toolbar,
)
from components.state import ViewState, to_query
from data_sources.model.registries import (
    CITIES_BY_ID,
    INDICATORS,
    PAIR,
    Indicator,
)


def pair_heading(lang: str) -> list:
    """'Paris ↔ San Francisco', each name in its city's colour (from the registry)."""
    parts: list = []
    for city_id in PAIR:
        if parts:
            parts.append(" ↔ ")
        parts.append(
            html.Span(
                CITIES_BY_ID[city_id].name(lang), className=f"city-{city_id}-text"
            )
        )
    return parts


def cite_block(codes: dict, lang: str) -> html.Div:
    """ "Cite this": the view's citation as text, BibTeX and CSL-JSON, each to copy."""
    parts: list = [
        html.P(html.Strong(t("cite", lang))),
        html.P(t("cite_hint", lang), className="hint"),
    ]
    for fmt in reuse.FORMATS:
        parts += [
            html.Label(t(f"cite_format.{fmt}", lang), htmlFor=ids.CITE[fmt]),
            dcc.Textarea(
                id=ids.CITE[fmt],
                value=codes.get(fmt, ""),
                readOnly=True,
                rows=3 if fmt == "text" else 6,
                className="share-url cite-code",
            ),
            dcc.Clipboard(
                target_id=ids.CITE[fmt],
                title=t("copy_citation", lang, format=t(f"cite_format.{fmt}", lang)),
                className="copy",
            ),
        ]
    return html.Div(parts, className="cite")


def share_panel(state: ViewState, share: tuple[dict, dict]) -> html.Details:
    """ "Share": the view's link, its embed snippet and its citation (pinned on
    demand), each with a copy button."""
    lang = state.lang
    embed, codes = share
    return html.Details(
        [
            html.Summary(t("share", lang), className="share-button"),
            html.Div(
                [
                    html.Label(t("share_link", lang), htmlFor=ids.SHARE_URL),
                    dcc.Input(
                        id=ids.SHARE_URL,
                        readOnly=True,
                        type="text",
                        className="share-url",
                    ),
                    dcc.Clipboard(
                        target_id=ids.SHARE_URL, title=t("copy", lang), className="copy"
                    ),
                    html.Label(t("embed_snippet", lang), htmlFor=ids.EMBED_SNIPPET),
                    dcc.Store(id=ids.EMBED_SNIPPETS, data=embed),
                    dcc.Textarea(
                        id=ids.EMBED_SNIPPET,
                        value=embed.get(snippet_key(state.view, state.theme)),
                        readOnly=True,
                        rows=4,
                        className="share-url embed-snippet",
                    ),
                    checkbox(ids.EMBED_PIN, t("embed_pin", lang), False),
                    dcc.Clipboard(
                        target_id=ids.EMBED_SNIPPET,
                        title=t("copy_snippet", lang),
                        className="copy",
                    ),
                    html.P(
                        codes.get("reuse", ""), id=ids.REUSE, className="reuse-line"
                    ),
                    cite_block(codes, lang),
                ],
                className="share-panel",
            ),
        ],
        className="share",
        role="group",
        **{"aria-label": t("share", lang)},
    )


def header(state: ViewState, share: tuple[dict, dict]) -> html.Header:
    """The pair's name, then the page tools: language, theme, share, data API."""
    lang = state.lang
    other = "fr" if lang == "en" else "en"
    tools = [
        html.A(
            t("overview_link", lang), href=f"/?lang={lang}", className="overview-link"
        ),
        html.A(
            t("language", lang),
            id=ids.LANG_LINK,
            lang=other,
            href=to_query(replace(state, lang=other)),
            className="lang-switch",
        ),
        field(
            t("theme_label", lang),
            radio(ids.THEME, state.theme, options(("light", "dark"), "theme", lang)),
            field_id="theme-field",
            className="field theme-switch",
        ),
        share_panel(state, share),
        html.A(t("api_link", lang), href="/api/indicators", className="api-link"),
    ]
    return html.Header(
        [
            html.Div(
                [
                    html.H1(pair_heading(lang)),
                    html.P(t("tagline", lang), className="tagline"),
                ]
            ),
            html.Nav(tools, **{"aria-label": t("page_tools", lang)}),
        ],
        className="site-header",
    )


def chart(figure: dict, bundle: dict) -> list:
    """The chart, and every other presentation of it for the browser to switch to."""
    return [
        dcc.Graph(
            id=ids.CHART,
            figure=figure,
            className="chart",
            config={
                "displaylogo": False,
                "responsive": True,
                "toImageButtonOptions": {
                    "filename": figure["layout"]["meta"]["filename"],
                    "format": "png",
                    "scale": 2,
                },
                "modeBarButtonsToAdd": ["toImage"],
            },
        ),
        dcc.Store(id=ids.FIGURES, data=bundle),
    ]


def panel_head(shown, lang: str) -> list:
    """Above the chart: the indicator as a title, the summary as its subtitle, and the
    two cities' cards in one row."""
    indicator = shown.indicator
    return [
        live_notice(shown, lang),
        html.H2(indicator.label(lang), id="indicator-title"),
        html.P(summary_sentence(shown, lang), id=ids.SUMMARY, className="summary"),
        # The summary, right above, says why the cities are not compared when not.
        kpi_cards(shown, lang, say_refusal=False),
    ]


def panel_body(state: ViewState, shown, chart_parts: list, csv_href: str) -> list:
    """The chart, then what it needs to be read right: freshness, what is not offered
    and why, how each city measures it, notes, sources, downloads, the table."""
    lang = state.lang
    indicator = shown.indicator
    return [
        chart_figure(chart_parts),
        html.P(
            [freshness(shown, c, lang) for c in shown.city_ids],
            className="freshness",
        ),
        window_section(
            shown, lang, "/" + to_query(replace(state, event="", range="all"))
        ),
        events_section(
            shown.events,
            lang,
            {
                e.id: "/"
                + to_query(
                    replace(state, event=e.id, range="all", start=None, end=None)
                )
                for e in shown.events
            },
        ),
        html.P(indicator.descriptions[lang], className="description"),
        refusals_note(indicator, shown.norm, lang),
        targets_section(shown.listed_targets, unit_label(indicator.unit, lang), lang),
        measures_panel(shown, lang),
        html.Ul([html.Li(note) for note in shown.notes], className="notes")
        if shown.notes
        else None,
        source_line(shown.provenance, lang),
        reuse_line(shown.provenance, lang),
        html.P(
            [
                html.A(t("download_csv", lang), href=csv_href, className="download"),
                html.A(
                    t("download_events", lang),
                    href=f"/api/events.csv?domain={indicator.domain}",
                    className="download",
                ),
                html.A(
                    t("download_targets", lang),
                    href=f"/api/targets.csv?indicator={indicator.id}",
                    className="download",
                )
                if shown.listed_targets
                else None,
                html.Button(
                    t("download_svg", lang), id=ids.SVG_BUTTON, className="link-button"
                ),
                html.Span(t("export_hint", lang), className="hint"),
            ],
            className="exports",
        ),
        data_table(shown, lang) if state.table else None,
    ]


def chart_figure(chart_parts: list) -> html.Figure:
    """The chart, named by the view's title and described by its summary."""
    return html.Figure(
        chart_parts,
        id=ids.CHART_AREA,
        tabIndex="-1",  # the skip link's target
        **{"aria-labelledby": "indicator-title", "aria-describedby": ids.SUMMARY},
    )


def live_notice(shown, lang: str) -> html.P | None:
    """Said while the live store cannot be read (the page serves what it holds)."""
    if not shown.live_problem:
        return None
    return html.P(
        t("live_unavailable", lang), className="notice live-down", role="status"
    )


def footer(lang: str) -> html.Footer:
    return html.Footer(
        [
            html.P(t("footer", lang)),
            html.P(
                [
                    html.A(t("sources_all", lang), href="/api/sources"),
                    " · ",
                    html.A(t("api_link", lang), href="/api/indicators"),
                    " · ",
                    html.A(t("api_contract", lang), href="/api/openapi.json"),
                    " · ",
                    html.A(t("datapackage_link", lang), href="/api/datapackage.zip"),
                ]
            ),
        ],
        className="site-footer",
    )


def page(
    state: ViewState,
    indicator: Indicator,
    years: tuple[int, int],
    window: tuple[int, int],
    available: set[str],
    view: list | None = None,
    tiles: list | None = None,
    share: tuple[dict, dict] | None = None,
    rendered: dict | None = None,
) -> html.Div:
    """The whole dashboard, initialised from the state: the view's title, summary and
    cards, the toolbar, then the chart (`view`: its head and body, drawn on the
    server; later views fill in by callback)."""
    lang = state.lang
    head, body = view or ([], [])
    return html.Div(
        id=ids.PAGE,
        lang=lang,
        className=f"page theme-{state.theme}",
        children=[
            dcc.Location(id=ids.URL, refresh=False),
            dcc.Store(id=ids.STATE, data=state.__dict__),
            dcc.Store(id=ids.NOOP),
            dcc.Store(
                id=ids.TITLES,
                data={i.id: view_title(i.label(lang), lang) for i in INDICATORS},
            ),
            dcc.Store(id=ids.PRESENTATION, data=choices()),
            dcc.Store(id=ids.RENDERED, data=rendered),
            html.A(t("skip", lang), href=f"#{ids.CHART_AREA}", className="skip-link"),
            header(state, share or ({}, {})),
            tiles_placeholder(lang, tiles),
            html.Main(
                [
                    tabs(state),
                    html.Section(
                        [
                            html.Div(
                                head,
                                id=ids.HEAD,
                                className="view-head",
                                **{"aria-live": "polite"},
                            ),
                            toolbar(state, indicator, years, window, available),
                            dcc.Loading(
                                html.Div(body, id=ids.CONTENT, className="view-body"),
                                type="dot",
                                delay_show=300,
                            ),
                        ],
                        className="view",
                        **{"aria-labelledby": "indicator-title"},
                    ),
                ],
                className="workspace",
                id="workspace",
            ),
            footer(lang),
        ],
    )


# Live tiles: bikes available now and air quality now, each city's local time and age.
REFRESH_MS = 60_000


def tiles_placeholder(lang: str, tiles: list | None = None) -> html.Section:
    return html.Section(
        [
            html.Div(tiles, id=ids.TILES, className="tiles"),
            dcc.Interval(id=ids.TICK, interval=REFRESH_MS),
        ],
        className="tiles-section",
        **{"aria-labelledby": ids.TILES_HEADING},
    )


def tiles_heading(points: list, lang: str) -> html.H2:
    """'Now' only when every reading is within its cadence; else 'Latest readings'
    (each tile gives its own date and age)."""
    current = all(p is not None and not bool(p["stale"]) for p in points)
    return html.H2(
        t("now" if current else "latest_readings", lang),
        id=ids.TILES_HEADING,
        className="visually-hidden",
    )


def tile(
    kind: str,
    indicator_label: str,
    point: pd.Series | None,
    unit: str,
    city_id: str,
    lang: str,
    now: pd.Timestamp,
    freq: str = "instant",
) -> html.Div:
    """One city's value now, with the local time it describes and how old it is."""
    city = CITIES_BY_ID[city_id]
    if point is None:
        body = [html.P(t("no_data", lang), className="tile-missing")]
    else:
        when = pd.Timestamp(point["time"]).tz_convert(city.timezone)
        # A daily value describes a day: its midnight is not a time of measurement.
        pattern = "d MMM y" if freq == "daily" else "d MMM y HH:mm zzz"
        age = format_timedelta(
            now - pd.Timestamp(point["time"]), locale=LOCALES[lang], threshold=1.1
        )
        body = [
            html.P(
                [
                    html.Span(
                        fmt_number(point["value"], lang, 0), className="tile-value"
                    ),
                    f" {unit_label(unit, lang)}",
                ]
            ),
            html.P(
                t(
                    "tile_when",
                    lang,
                    time=format_datetime(
                        when,
                        pattern,
                        tzinfo=when.tzinfo,
                        locale=LOCALES[lang],
                    ),
                    age=age,
                ),
                className="tile-when",
            ),
        ]
        if bool(point["stale"]):
            body.append(html.P(t("stale_short", lang), className="tile-stale"))
    heading = f"{city.name(lang)} — {indicator_label}"
    return html.Div(
        # One line in the strip (cut with "…" when narrow; the whole in its title).
        [html.H3(heading, title=heading)] + body,
        className=f"tile city-{city_id}",
        id={"type": "tile", "kind": kind, "city": city_id},
    )
