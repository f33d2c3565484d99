"""Pure builders of the dashboard's pieces: registry records and data in, components out."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from dash import dcc, html

from data_sources.registries import (
    CITIES_BY_ID,
    DOMAINS,
    INDICATORS,
    SOURCES_BY_ID,
    Indicator,
)

from . import ids
from .cards import data_table, freshness, kpi_cards, summary_sentence
from .i18n import fmt_date, t
from .presentation import choices, snippet_key
from .state import NORMS, PRESETS, VIEWS, ViewState, to_query
from .tiles import tiles_placeholder


def options(
    values: tuple[str, ...] | list[str],
    prefix: str,
    lang: str,
    disabled: set[str] = frozenset(),
) -> list[dict]:
    return [
        {"label": t(f"{prefix}.{v}", lang), "value": v, "disabled": v in disabled}
        for v in values
    ]


def indicator_options(domain: str, lang: str, available: set[str]) -> list[dict]:
    """The domain's indicators that have data (live-only ones appear after a refresh)."""
    return [
        {"label": i.label(lang), "value": i.id}
        for i in INDICATORS
        if i.domain == domain and i.id in available
    ]


def norm_options(indicator: Indicator, lang: str) -> list[dict]:
    refused = {
        n
        for n, ok in (
            ("per_capita", indicator.per_capita),
            ("per_km2", indicator.per_km2),
        )
        if ok is None
    }
    return options(NORMS, "norm", lang, refused)


def unit_options(indicator: Indicator) -> list[dict]:
    return [{"label": unit, "value": unit} for unit in indicator.units]


def field(
    label: str, control, field_id: str | None = None, hidden: bool = False
) -> html.Fieldset:
    """A labelled group (fieldset + legend) so screen readers name every control."""
    return html.Fieldset(
        [html.Legend(label), control],
        className="field",
        id=field_id or f"field-{label}",
        hidden=hidden,
    )


def header(state: ViewState, embed: dict) -> html.Header:
    lang = state.lang
    other = "fr" if lang == "en" else "en"
    return html.Header(
        className="site-header",
        children=[
            html.Div(
                [
                    html.H1(
                        [
                            html.Span("Paris", className="city-paris-text"),
                            " ↔ ",
                            html.Span("San Francisco", className="city-sf-text"),
                        ]
                    ),
                    html.P(t("tagline", lang), className="tagline"),
                ]
            ),
            html.Nav(
                [
                    html.A(
                        t("language", lang),
                        id=ids.LANG_LINK,
                        lang=other,
                        href=to_query(ViewState(**{**state.__dict__, "lang": other})),
                        className="lang-switch",
                    ),
                    dcc.RadioItems(
                        id=ids.THEME,
                        value=state.theme,
                        inline=True,
                        options=options(("light", "dark"), "theme", lang),
                        className="theme-switch",
                        inputClassName="radio-input",
                        labelClassName="radio-label",
                    ),
                    html.Details(
                        [
                            html.Summary(t("share", lang), className="share-button"),
                            html.Div(
                                [
                                    html.Label(
                                        t("share_link", lang), htmlFor=ids.SHARE_URL
                                    ),
                                    dcc.Input(
                                        id=ids.SHARE_URL,
                                        readOnly=True,
                                        type="text",
                                        className="share-url",
                                    ),
                                    dcc.Clipboard(
                                        target_id=ids.SHARE_URL,
                                        title=t("copy", lang),
                                        className="copy",
                                    ),
                                    html.Label(
                                        t("embed_snippet", lang),
                                        htmlFor=ids.EMBED_SNIPPET,
                                    ),
                                    dcc.Store(id=ids.EMBED_SNIPPETS, data=embed),
                                    dcc.Textarea(
                                        id=ids.EMBED_SNIPPET,
                                        value=embed.get(
                                            snippet_key(state.view, state.theme)
                                        ),
                                        readOnly=True,
                                        rows=4,
                                        className="share-url embed-snippet",
                                    ),
                                    dcc.Checklist(
                                        id=ids.EMBED_PIN,
                                        value=[],
                                        options=[
                                            {
                                                "label": t("embed_pin", lang),
                                                "value": "pin",
                                            }
                                        ],
                                        inputClassName="radio-input",
                                        labelClassName="radio-label",
                                    ),
                                    dcc.Clipboard(
                                        target_id=ids.EMBED_SNIPPET,
                                        title=t("copy_snippet", lang),
                                        className="copy",
                                    ),
                                ],
                                className="share-panel",
                            ),
                        ],
                        className="share",
                        role="group",
                        **{"aria-label": t("share", lang)},
                    ),
                    html.A(t("api_link", lang), href="/api/indicators"),
                ],
                **{"aria-label": t("page_tools", lang)},
            ),
        ],
    )


def radio(control_id: str, value: str, opts: list[dict]) -> dcc.RadioItems:
    return dcc.RadioItems(
        id=control_id,
        value=value,
        options=opts,
        inline=True,
        inputClassName="radio-input",
        labelClassName="radio-label",
    )


def controls(
    state: ViewState,
    indicator: Indicator,
    years: tuple[int, int],
    window: tuple[int, int],
    available: set[str],
) -> html.Div:
    """Every control, initialised from the state (the URL)."""
    lang = state.lang
    first, last = years
    return html.Div(
        className="controls",
        children=[
            field(
                t("control.indicator", lang),
                radio(
                    ids.INDICATOR,
                    indicator.id,
                    indicator_options(indicator.domain, lang, available),
                ),
            ),
            field(
                t("control.view", lang),
                radio(ids.VIEW, state.view, options(VIEWS, "view", lang)),
            ),
            field(
                t("control.axis", lang),
                radio(ids.AXIS, state.axis, options(("shared", "free"), "axis", lang)),
                field_id=ids.AXIS_FIELD,
                hidden=state.view != "side",
            ),
            field(
                t("control.range", lang),
                html.Div(
                    [
                        radio(ids.PRESET, state.range, options(PRESETS, "range", lang)),
                        dcc.RangeSlider(
                            id=ids.YEARS,
                            min=first,
                            max=last,
                            step=1,
                            value=list(window),
                            marks=year_marks(first, last),
                            allowCross=False,
                            tooltip={"placement": "bottom", "always_visible": False},
                        ),
                    ]
                ),
            ),
            field(
                t("control.norm", lang),
                radio(ids.NORM, state.norm, norm_options(indicator, lang)),
            ),
            field(
                t("control.unit", lang),
                radio(ids.UNIT, state.unit or indicator.unit, unit_options(indicator)),
                field_id=ids.UNIT_FIELD,
                hidden=len(indicator.units) < 2,
            ),
            field(
                t("control.clock", lang),
                radio(
                    ids.CLOCK, state.clock, options(("local", "utc"), "clockopt", lang)
                ),
                field_id=ids.CLOCK_FIELD,
                hidden=indicator.freq not in ("hourly", "instant"),
            ),
            dcc.Checklist(
                id=ids.TABLE,
                value=["table"] if state.table else [],
                options=[{"label": t("control.table", lang), "value": "table"}],
                inputClassName="radio-input",
                labelClassName="radio-label",
            ),
        ],
    )


def year_marks(first: int, last: int) -> dict:
    step = max(1, (last - first) // 4)
    marks = {year: str(year) for year in range(first, last + 1, step)}
    marks[last] = str(last)
    return marks


def domain_class(domain: str, selected: str) -> str:
    return "domain-tab selected" if domain == selected else "domain-tab"


def tabs(state: ViewState) -> html.Div:
    """One button per theme: plain buttons, so Tab and Enter work as everywhere else."""
    return html.Div(
        [
            html.Button(
                t(f"domain.{d}", state.lang),
                id=ids.domain_button(d),
                className=domain_class(d, state.domain),
                **{"aria-pressed": "true" if d == state.domain else "false"},
            )
            for d in DOMAINS
        ],
        id=ids.TABS,
        className="domain-tabs",
        role="group",
        **{"aria-label": t("themes", state.lang)},
    )


def source_line(provenance: list[dict], lang: str) -> html.P:
    """Publisher, licence and latest access date of every source behind a chart.

    Publisher, link and licence come from the source registry; the sidecars only say
    which sources feed the chart and when each was fetched.
    """
    fetched: dict[str, str] = {}
    for meta in provenance:
        source_id = meta.get("source")
        fetched[source_id] = max(
            fetched.get(source_id, ""), meta.get("fetched_at") or ""
        )
    parts: list = [html.Strong(t("sources_label", lang))]
    for index, (source_id, fetched_at) in enumerate(fetched.items()):
        source = SOURCES_BY_ID.get(source_id)
        if source is None:
            continue
        if index:
            parts.append(" · ")
        link = (
            html.A(source.publisher, href=source.url)
            if source.url
            else source.publisher
        )
        details = f"{t('licence', lang)}: {source.licence}"
        if fetched_at:
            accessed = fmt_date(dt.date.fromisoformat(fetched_at[:10]), lang)
            details += f"; {t('accessed', lang)} {accessed}"
        parts += [link, f" ({details})"]
    return html.P(parts, className="source-line")


def definitions(indicator: Indicator, lang: str, city_ids: tuple[str, ...]) -> html.Ul:
    return html.Ul(
        [
            html.Li(
                [
                    html.Span(className=f"swatch city-{c}", **{"aria-hidden": "true"}),
                    html.Strong(t("city_label", lang, city=CITIES_BY_ID[c].name(lang))),
                    indicator.cities[c].definitions[lang]
                    if c in indicator.cities
                    else t("no_data", lang),
                ]
            )
            for c in city_ids
        ],
        className="definitions",
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


def view_content(
    state: ViewState,
    indicator: Indicator,
    frame: pd.DataFrame,
    unit: str,
    chart_parts: list,
    provenance: list[dict],
    notes: tuple[str, ...],
    csv_href: str,
    city_ids: tuple[str, ...],
) -> list:
    """The indicator's view: freshness, cards, chart with its summary, notes, sources."""
    lang = state.lang
    summary = summary_sentence(frame, indicator, unit, lang, city_ids)
    return [
        html.H2(indicator.label(lang), id="indicator-title"),
        html.P(indicator.descriptions[lang], className="description"),
        html.P(
            [freshness(frame, c, indicator, lang) for c in city_ids],
            className="freshness",
        ),
        kpi_cards(frame, indicator, unit, lang, city_ids),
        html.Figure(
            [
                *chart_parts,
                html.Figcaption(summary, id=ids.SUMMARY, className="summary"),
            ],
            **{"aria-labelledby": "indicator-title", "aria-describedby": ids.SUMMARY},
        ),
        html.P(
            [
                html.Strong(t("comparability_label", lang)),
                indicator.comparability[lang],
            ],
            className="comparability",
        ),
        definitions(indicator, lang, city_ids),
        html.Ul([html.Li(note) for note in notes], className="notes")
        if notes
        else None,
        source_line(provenance, lang),
        html.P(
            [
                html.A(t("download_csv", lang), href=csv_href, className="download"),
                html.Button(
                    t("download_svg", lang), id=ids.SVG_BUTTON, className="link-button"
                ),
                html.Span(t("export_hint", lang), className="hint"),
            ],
            className="exports",
        ),
        data_table(frame, indicator, unit, lang, city_ids) if state.table else None,
    ]


def footer(lang: str) -> html.Footer:
    return html.Footer(
        [
            html.P(t("footer", lang)),
            html.P(
                [
                    html.A(t("sources_all", lang), href="/api/sources"),
                    " · ",
                    html.A(t("api_link", lang), href="/api/indicators"),
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
    embed: dict | None = None,
    rendered: dict | None = None,
) -> html.Div:
    """The whole dashboard, initialised from the state; the view fills in by callback."""
    lang = state.lang
    return html.Div(
        id=ids.PAGE,
        lang=lang,
        className=f"page theme-{state.theme}",
        children=[
            dcc.Location(id=ids.URL, refresh=False),
            dcc.Store(id=ids.STATE, data=state.__dict__),
            dcc.Store(id=ids.NOOP),
            dcc.Store(id=ids.PRESENTATION, data=choices()),
            dcc.Store(id=ids.RENDERED, data=rendered),
            html.A(t("skip", lang), href="#workspace", className="skip-link"),
            header(state, embed or {}),
            tiles_placeholder(lang, tiles),
            html.Main(
                [
                    tabs(state),
                    controls(state, indicator, years, window, available),
                    dcc.Loading(
                        html.Section(
                            view,
                            id=ids.CONTENT,
                            className="view",
                            **{
                                "aria-live": "polite",
                                "aria-labelledby": "indicator-title",
                            },
                        ),
                        type="dot",
                        delay_show=300,
                    ),
                ],
                className="workspace",
                id="workspace",
            ),
            footer(lang),
        ],
    )
