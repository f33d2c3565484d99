"""Pure builders of the dashboard's pieces: registry records and data in, components out."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import dash_bootstrap_components as dbc
from dash import dcc, html

from components import ids
from components.charts.presentation import choices, snippet_key
from components.i18n import fmt_date, t, unit_label
from components.parts import citation
from components.parts.cards import (
    data_table,
    freshness,
    kpi_cards,
    period_text,
    summary_sentence,
)
from components.parts.context_view import (
    events_section,
    targets_section,
    window_section,
)
from components.parts.tiles import tiles_placeholder
from components.state import AXES, NORMS, PRESETS, VIEWS, ViewState, to_query
from data_sources.model.comparability import explain, norm_refusal, view_refusals
from data_sources.model.periods import SUB_DAILY
from data_sources.model.registries import (
    CITIES_BY_ID,
    DOMAINS,
    INDICATORS,
    PAIR,
    SOURCES_BY_ID,
    Indicator,
)


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
    """Every normalisation; those the comparability model refuses here disabled."""
    refused = {n for n in NORMS if norm_refusal(indicator, n, PAIR) is not None}
    return options(NORMS, "norm", lang, refused)


def view_options(indicator: Indicator, norm: str, lang: str) -> list[dict]:
    """Every view; those the comparability model refuses here disabled."""
    refused = {v for v, why in view_refusals(indicator, norm).items() if why}
    return options(VIEWS, "view", lang, refused)


def refusals_note(indicator: Indicator, norm: str, lang: str) -> html.Ul | None:
    """What is not offered for this indicator, and why (the disabled choices)."""
    items = []
    by_reason: dict[str, list[str]] = {}
    for view, refusal in view_refusals(indicator, norm).items():
        if refusal is not None:
            by_reason.setdefault(explain(refusal, lang), []).append(
                t(f"view.{view}", lang)
            )
    for each in NORMS:
        refusal = norm_refusal(indicator, each, PAIR)
        if refusal is not None:
            by_reason.setdefault(explain(refusal, lang), []).append(
                t(f"norm.{each}", lang)
            )
    for reason, names in by_reason.items():
        items.append(
            html.Li(
                [html.Strong(t("not_offered", lang, names=", ".join(names))), reason]
            )
        )
    return html.Ul(items, className="refusals") if items else None


def unit_options(indicator: Indicator, lang: str = "en") -> list[dict]:
    return [
        {"label": unit_label(unit, lang), "value": unit} for unit in indicator.units
    ]


def field(
    label: str,
    control,
    field_id: str | None = None,
    hidden: bool = False,
    className: str = "field",
) -> html.Fieldset:
    """A labelled group (fieldset + legend) so screen readers name every control."""
    return html.Fieldset(
        [html.Legend(label), control],
        className=className,
        id=field_id or f"field-{label}",
        hidden=hidden,
    )


def checkbox(control_id: str, label: str, checked: bool) -> dbc.Checklist:
    """One native checkbox with its label (dcc.Checklist's markup is a listbox)."""
    return dbc.Checklist(
        id=control_id,
        name=control_id,
        value=["on"] if checked else [],
        options=[{"label": label, "value": "on"}],
        input_class_name="radio-input",
        label_class_name="radio-label",
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
    for fmt in citation.FORMATS:
        parts += [
            html.Label(t(f"cite_format.{fmt}", lang), htmlFor=ids.cite(fmt)),
            dcc.Textarea(
                id=ids.cite(fmt),
                value=codes.get(fmt, ""),
                readOnly=True,
                rows=3 if fmt == "text" else 6,
                className="share-url cite-code",
            ),
            dcc.Clipboard(
                target_id=ids.cite(fmt),
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


def radio(
    control_id: str, value: str, opts: list[dict], segmented: bool = False
) -> dbc.RadioItems:
    """Native radios with their labels, one `name` a group so arrow keys move within
    it (dcc.RadioItems wraps its radios in a listbox of options: a screen reader meets
    a control inside a control). `segmented`: drawn as a row of buttons."""
    return dbc.RadioItems(
        id=control_id,
        name=control_id,
        value=value,
        options=opts,
        inline=True,
        class_name="segmented" if segmented else "choices",
        input_class_name="radio-input",
        label_class_name="radio-label",
        label_checked_class_name="checked",
    )


def year_options(first: int, last: int) -> list[dict]:
    return [{"label": str(y), "value": str(y)} for y in range(first, last + 1)]


def select(control_id: str, label: str, value: str, opts: list[dict]) -> html.Div:
    """A native select with its label: a phone shows its own picker (thumb-sized)."""
    return html.Div(
        [
            html.Label(label, htmlFor=control_id),
            dbc.Select(id=control_id, name=control_id, value=value, options=opts),
        ],
        className="select-field",
    )


def years_control(
    state: ViewState, years: tuple[int, int], window: tuple[int, int]
) -> html.Div:
    """Presets (all, last 10/5/1 years, custom), then the first and last year."""
    lang = state.lang
    return html.Div(
        [
            radio(ids.PRESET, state.range, options(PRESETS, "range", lang)),
            html.Div(
                [
                    select(
                        ids.YEAR_FROM,
                        t("year_from", lang),
                        str(window[0]),
                        year_options(*years),
                    ),
                    select(
                        ids.YEAR_TO,
                        t("year_to", lang),
                        str(window[1]),
                        year_options(*years),
                    ),
                ],
                className="year-range",
            ),
        ]
    )


def toolbar(
    state: ViewState,
    indicator: Indicator,
    years: tuple[int, int],
    window: tuple[int, int],
    available: set[str],
) -> html.Div:
    """Right above the chart: the indicator, the view, and "Options" (years, values,
    unit, clock, axis, table) folded away — every one initialised from the URL."""
    lang = state.lang
    unit = state.unit or indicator.unit
    clocks = options(("local", "utc"), "clockopt", lang)
    choices = indicator_options(indicator.domain, lang, available)
    option_fields = [
        field(t("control.range", lang), years_control(state, years, window)),
        field(
            t("control.axis", lang),
            radio(ids.AXIS, state.axis, options(AXES, "axis", lang)),
            field_id=ids.AXIS_FIELD,
            hidden=state.view != "side",
        ),
        field(
            t("control.norm", lang),
            radio(ids.NORM, state.norm, norm_options(indicator, lang)),
        ),
        field(
            t("control.unit", lang),
            radio(ids.UNIT, unit, unit_options(indicator, lang)),
            field_id=ids.UNIT_FIELD,
            hidden=len(indicator.units) < 2,
        ),
        field(
            t("control.clock", lang),
            radio(ids.CLOCK, state.clock, clocks),
            field_id=ids.CLOCK_FIELD,
            hidden=indicator.freq not in SUB_DAILY,
        ),
        checkbox(ids.EVENTS, t("control.events", lang), state.events),
        checkbox(ids.TABLE, t("control.table", lang), state.table),
    ]
    return html.Div(
        [
            select(ids.INDICATOR, t("control.indicator", lang), indicator.id, choices),
            field(
                t("control.view", lang),
                radio(
                    ids.VIEW,
                    state.view,
                    view_options(indicator, state.norm, lang),
                    segmented=True,
                ),
                field_id="view-field",
                className="field view-switch",
            ),
            html.Details(
                [
                    html.Summary(t("options", lang), className="options-button"),
                    html.Div(option_fields, className="options-panel"),
                ],
                id=ids.OPTIONS,
                className="options",
            ),
        ],
        className="toolbar",
    )


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
        **{"aria-label": t("domains", state.lang)},
    )


def source_line(provenance: list[dict], lang: str, compact: bool = False) -> html.P:
    """Publisher, licence and latest access date of every source behind a chart
    (`compact`: each publisher once, no details — a stage slide, read from afar).

    Publisher, link and licence come from the source registry; the sidecars only say
    which sources feed the chart and when each was fetched.
    """
    if compact:
        return html.P(
            [
                html.Strong(t("sources_label", lang)),
                " · ".join(citation.publishers(provenance)),
            ],
            className="source-line",
        )
    fetched: dict[str, str] = {}
    live: set[str] = set()
    for meta in provenance:
        source_id = meta.get("source")
        fetched[source_id] = max(
            fetched.get(source_id, ""), meta.get("fetched_at") or ""
        )
        if meta.get("origin") == "live":
            live.add(source_id)
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
            day = fmt_date(dt.date.fromisoformat(fetched_at[:10]), lang)
            key = "fetched" if source_id in live else "collected"
            details += f"; {t(key, lang, date=day)}"
        parts += [link, f" ({details})"]
    return html.P(parts, className="source-line")


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


LEVEL_CLASS = {
    "levels": "level-levels",
    "trends": "level-trends",
    "within_edition": "level-edition",
    "none": "level-none",
}


def comparability_note(indicator: Indicator, lang: str) -> html.P:
    """The level in a few words, then the registry's note."""
    level = indicator.comparability.level
    return html.P(
        [
            html.Strong(t("comparability_label", lang)),
            html.Span(t(f"level.{level}", lang), className="level"),
            " ",
            indicator.comparability.notes[lang],
        ],
        className=f"comparability {LEVEL_CLASS[level]}",
    )


def city_measures(
    indicator: Indicator, city_id: str, provenance: list[dict], unit: str, lang: str
) -> html.Div:
    """One column of "how each city measures this": coverage, unit, definition,
    publishers, breaks and partial periods."""
    rules = indicator.comparability
    coverage = rules.coverage.get(city_id)
    publishers = sorted(
        {
            SOURCES_BY_ID[p["source"]].publisher
            for p in provenance
            if p.get("city") == city_id and p.get("source") in SOURCES_BY_ID
        }
    )
    definition = indicator.cities.get(city_id)
    rows = [
        ("measures.coverage", coverage.labels[lang] if coverage else None),
        ("measures.unit", unit),
        ("measures.definition", definition.definitions[lang] if definition else None),
        ("measures.publisher", ", ".join(publishers) or None),
        (
            "measures.breaks",
            [html.Li(b.reasons[lang]) for b in rules.breaks if b.city == city_id]
            or None,
        ),
        (
            "measures.partial",
            [
                html.Li(f"{p.period}: {p.reasons[lang]}")
                for p in rules.partial
                if p.city == city_id
            ]
            or None,
        ),
    ]
    items = []
    for key, value in rows:
        if value is None:
            continue
        items += [
            html.Dt(t(key, lang)),
            html.Dd(html.Ul(value) if isinstance(value, list) else value),
        ]
    return html.Div(
        [
            html.H4(
                [
                    html.Span(
                        className=f"swatch city-{city_id}", **{"aria-hidden": "true"}
                    ),
                    CITIES_BY_ID[city_id].name(lang),
                ]
            ),
            html.Dl(items) if definition or coverage else t("no_data", lang),
        ],
        className=f"measures-city city-{city_id}",
    )


def measures_panel(shown, lang: str) -> html.Section:
    """ "How each city measures this": the two cities side by side, then the note."""
    latest = shown.assessment.latest_common
    return html.Section(
        [
            html.H3(t("measures_title", lang), id="measures-title"),
            comparability_note(shown.indicator, lang),
            html.P(
                t(
                    "latest_common",
                    lang,
                    period=period_text(latest, shown.indicator, lang),
                ),
                className="latest-common",
            )
            if latest
            else None,
            html.Div(
                [
                    city_measures(
                        shown.indicator, c, shown.provenance, shown.unit, lang
                    )
                    for c in shown.city_ids
                ],
                className="measures-grid",
            ),
        ],
        className="measures",
        **{"aria-labelledby": "measures-title"},
    )


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
