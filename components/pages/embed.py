"""`/embed/<indicator>` (and `.png`, `.svg`): one chart for a news article or a city
page, as plain HTML.

Pure builders first: a request's parameters in, an `EmbedRequest` out; shown data and
figures in, the page's HTML out. No Dash runtime: the page is the chart, its caption
and its sources, with plotly.js and two small scripts (theme, drawing and auto-height).
Then the routes, thin: parse the request, ask `shown` for the data, hand it to the
builders, cache the page per data version. Bad input never reaches a 500: an unknown
indicator is a 404 page, malformed parameters fall back to their defaults.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass, replace
from html import escape

import flask
import plotly.graph_objects as go
from dash import html

import data_sources
from components import reuse
from components.i18n import explain, level_words, pair_title, pick_lang, t
from components.parts.cards import (
    freshness,
    kpi_cards,
    reuse_line,
    source_line,
    summary_sentence,
)
from components.parts.context_view import events_section
from components.publish import chart_images
from components.reuse import (
    EMBED_VIEWS,
    OG_SIZE,
    EmbedRequest,
    discovery_link,
    embed_query,
    image_theme,
    meta_tags,
    parse_embed_query,
)
from components.shown import ShownData, available_ids, figure_of, shown_data
from components.state import to_query
from components.web.html_text import in_languages, script_json, to_html
from components.web.serving import (
    asset,
    html_response,
    public_origin,
    standalone_plotly_src,
)
from data_sources.model.registries import (
    CITIES_BY_ID,
    PAIR,
    SOURCES_BY_ID,
)
from data_sources.store.cache import latest_version_cache


def view_switch(request: EmbedRequest, base: str, refusals: dict) -> html.Nav:
    """Links to the other views; a view the comparability model refuses here is plain
    text that says why (title)."""
    lang = request.state.lang
    links = []
    for view in EMBED_VIEWS:
        label = t(f"view.{view}", lang)
        if refusals.get(view) is not None:
            links.append(
                html.Span(
                    label,
                    className="view-refused",
                    title=explain(refusals[view], lang),
                )
            )
            continue
        href = f"{base}?" + embed_query(request, state={"view": view})
        current = {"aria-current": "page"} if view == request.state.view else {}
        links.append(html.A(label, href=href, **current))
    return html.Nav(
        links, className="embed-views", **{"aria-label": t("control.view", lang)}
    )


@dataclass(frozen=True)
class EmbedPage:
    """Everything the embed page shows, worked out by the route."""

    request: EmbedRequest
    shown: object  # pages.ShownData
    figures: dict  # theme → plotly figure (as JSON data)
    dashboard_url: str  # absolute link to the same view on the dashboard
    page_url: str  # absolute URL of this embed (og:url)
    image_url: str  # absolute URL of its static PNG (og:image, noscript)
    asset: object  # name → fingerprinted URL
    plotly_src: str  # the plotly.js bundle's URL
    accessed: dt.date  # the day the page was built (its citation's)
    pin_missing: str | None = None  # a pin that was asked for but is not stored
    # The chart drawn already as static SVG (first_paint); "": plotly.js draws it.
    first_paint: str = ""


def embed_body(page: EmbedPage) -> list:
    request, shown = page.request, page.shown
    state, langs = request.state, request.langs
    lang = state.lang
    indicator = shown.indicator
    summaries = [summary_sentence(shown, each) for each in langs]
    notices = []
    if shown.live_problem:
        notices.append(in_languages("live_unavailable", langs))
    if page.pin_missing:
        notices.append(in_languages("pin_missing", langs, pin=page.pin_missing))
    if request.pin:
        notices.append(in_languages("pinned", langs, pin=request.pin))
    return [
        html.H1(in_languages(indicator.label, langs), className="embed-title"),
        # Said first: a reader should know what they are looking at before the numbers.
        html.Div(
            [html.P(notice, className="embed-notice") for notice in notices],
            role="status",
        )
        if notices
        else None,
        kpi_cards(shown, lang, heading=html.H2),  # under the embed's h1
        view_switch(request, f"/embed/{indicator.id}", shown.assessment.views),
        html.Figure(
            [
                html.Div(
                    id="chart",
                    className="embed-chart",
                    role="img",
                    **{"aria-label": summaries[0]},
                ),
                html.Figcaption(
                    [
                        html.P(text, lang=each)
                        for text, each in zip(summaries, langs, strict=True)
                    ],
                    className="summary",
                ),
            ],
            className="embed-figure",
        ),
        html.P(
            [freshness(shown, c, lang) for c in PAIR],
            className="freshness",
        ),
        events_details(page),
        measures_details(shown, lang),
        source_line(shown.provenance, lang),
        reuse_line(shown.provenance, lang),
        cite_details(page),
        html.P(
            html.A(
                in_languages("embed_open", langs),
                href=page.dashboard_url,
                target="_blank",
                rel="noopener",
            ),
            className="embed-link",
        ),
    ]


def events_details(page: EmbedPage) -> html.Details | None:
    """The policy events numbered on the chart, folded: their dates, titles and
    sources, each with its before/after window on the dashboard."""
    shown, lang = page.shown, page.request.state.lang
    dashboard = page.dashboard_url.split("?")[0]
    windows = {
        e.id: dashboard + to_query(replace(page.request.state, event=e.id, range="all"))
        for e in shown.events
    }
    section = events_section(shown.events, lang, windows)
    if section is None:
        return None
    return html.Details(
        [html.Summary(t("events_heading", lang)), section], className="embed-events"
    )


def cite_details(page: EmbedPage) -> html.Details:
    """ "Cite this", folded: text, BibTeX and CSL-JSON naming this embed's address (and
    its pin, when its data are frozen)."""
    lang = page.request.state.lang
    codes = reuse.citation(
        page.shown.indicator,
        page.shown.provenance,
        page.page_url,
        page.accessed,
        lang,
        page.request.pin,
    ).as_dict()
    parts: list = [html.Summary(t("cite", lang))]
    for fmt in reuse.FORMATS:
        parts += [
            html.P(html.Strong(t(f"cite_format.{fmt}", lang))),
            html.Pre(codes[fmt], className="cite-code", tabIndex="0"),
        ]
    return html.Details(parts, className="embed-cite")


def measures_details(shown, lang: str) -> html.Details:
    """The comparability note and each city's coverage, folded (an embed is small)."""
    indicator = shown.indicator
    coverage = indicator.comparability.coverage
    return html.Details(
        [
            html.Summary(
                [
                    html.Strong(t("comparability_label", lang)),
                    level_words(indicator, lang),
                ]
            ),
            html.P(indicator.comparability.notes[lang]),
            html.Ul(
                [
                    html.Li(
                        [
                            html.Strong(
                                t("city_label", lang, city=CITIES_BY_ID[c].name(lang))
                            ),
                            coverage[c].labels[lang],
                        ]
                    )
                    for c in shown.city_ids
                    if c in coverage
                ]
            ),
        ],
        className="embed-measures",
    )


def embed_html(page: EmbedPage) -> str:
    """The whole embed page. Every interpolated value is escaped or safe JSON."""
    request, shown = page.request, page.shown
    lang = request.state.lang
    title = " / ".join(shown.indicator.label(each) for each in request.langs)
    description = summary_sentence(shown, lang)
    noscript = (
        f'<noscript><img src="{escape(page.image_url)}" alt="{escape(description)}" '
        'class="embed-fallback"></noscript>'
    )
    chart = '<div id="chart"'
    if page.first_paint:
        # plotly.js comes when the reader reaches for the chart (embed.js); the drawn
        # chart needs no script, so no other picture for readers without one
        chart += f' data-plotly="{escape(page.plotly_src)}"'
        noscript = ""
    body = to_html(embed_body(page)).replace('<div id="chart"', noscript + chart, 1)
    if page.first_paint:  # inside the chart's element, which plotly.js later fills
        inside = body.index(">", body.index(chart)) + 1
        body = body[:inside] + page.first_paint + body[inside:]
    plotly = (
        ""
        if page.first_paint
        else f'<script src="{escape(page.plotly_src)}" defer></script>'
    )
    og = meta_tags(
        f"{title} — {pair_title(lang)}", description, page.page_url, page.image_url
    )
    return (
        "<!doctype html>"
        f'<html lang="{escape(lang)}" data-theme="{escape(request.theme)}">'
        '<head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} — {escape(pair_title(lang))}</title>"
        f'<meta name="description" content="{escape(description)}">'
        f"{og}{discovery_link(page.page_url, f'{title} — {pair_title(lang)}')}"
        f'<link rel="stylesheet" href="{escape(page.asset("style.css"))}">'
        f'<link rel="stylesheet" href="{escape(page.asset("standalone/embed.css"))}">'
        # Synchronous and tiny: theme=auto resolves before the first paint.
        f'<script src="{escape(page.asset("standalone/theme.js"))}"></script>'
        f"{plotly}"
        f'<script src="{escape(page.asset("panels.js"))}" defer></script>'
        f'<script src="{escape(page.asset("standalone/embed.js"))}" defer></script>'
        "</head>"
        f'<body class="embed"><main class="embed-main">{body}</main>'
        f'<script type="application/json" id="figures">{script_json(page.figures)}</script>'
        "</body></html>"
    )


def image_figure(figure, shown, lang: str, size: tuple[int, int] = OG_SIZE):
    """The chart as a standalone picture: its title and sources written on it."""
    publishers = sorted(
        {
            source.publisher
            for meta in shown.provenance
            if (source := SOURCES_BY_ID.get(meta.get("source")))
        }
    )
    figure = go.Figure(figure)
    comparability = shown.indicator.comparability
    note = "<br>".join(
        textwrap.wrap(
            t("comparability_label", lang)
            + level_words(shown.indicator, lang)
            + " "
            + comparability.notes[lang],
            150,
        )
    )
    figure.update_layout(
        title={"text": f"{shown.indicator.label(lang)} ({shown.unit})", "x": 0.02},
        width=size[0],
        height=size[1],
        margin={"t": 110, "b": 120 + 14 * note.count("<br>")},
    )
    figure.add_annotation(
        text=note
        + "<br>"
        + t("sources_label", lang)
        + " · ".join(publishers)
        + " — Sister Cities",
        xref="paper",
        yref="paper",
        x=0,
        y=-0.13,
        xanchor="left",
        yanchor="top",
        showarrow=False,
        font={"size": 11},
    )
    return figure


def message_html(title: str, message: str, lang: str, asset) -> str:
    """A plain page for a request that cannot be shown (fixed strings only)."""
    return (
        f'<!doctype html><html lang="{escape(lang)}" data-theme="light"><head>'
        '<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title>"
        f'<link rel="stylesheet" href="{escape(asset("style.css"))}">'
        f'<link rel="stylesheet" href="{escape(asset("standalone/embed.css"))}">'
        f'</head><body class="embed"><main class="embed-main"><h1>{escape(title)}</h1>'
        f"<p>{escape(message)}</p></main></body></html>"
    )


# ------------------------------------------------------------------ routes

PAGE_CACHE_SIZE = 256
embeds = flask.Blueprint("embeds", __name__)


def message_page(status: int, title_key: str, message: str, lang: str):
    return html_response(message_html(t(title_key, lang), message, lang, asset), status)


def unknown_indicator(lang: str) -> flask.Response:
    # The asked-for name is never echoed back: the page lists what exists instead.
    known = ", ".join(available_ids())
    return message_page(
        404, "not_found", t("unknown_indicator", lang, known=known), lang
    )


def data_key(request: EmbedRequest) -> str:
    return request.pin or data_sources.data_version(request.state.indicator)


@embeds.get("/embed/<name>")
def embed(name: str) -> flask.Response:
    indicator_id, _, fmt = name.partition(".")
    args = flask.request.args
    accept = flask.request.headers.get("Accept-Language")
    lang = pick_lang(None, accept)
    if indicator_id not in available_ids() or fmt not in ("", "png", "svg"):
        return unknown_indicator(pick_lang(args.get("lang"), accept))
    request = parse_embed_query(indicator_id, args, accept)
    lang = request.state.lang
    try:
        if fmt:
            return image_response(request, fmt)
        # The day is part of the key: the page's citation says when it was read.
        today = dt.datetime.now(dt.UTC).date().isoformat()
        key = f"{data_key(request)}@{today}"
        painted = bool(drawn_first_paint(request, key))
        return html_response(embed_page(request, public_origin(), painted, key))
    except data_sources.BadRequest as error:
        return message_page(400, "bad_request", str(error), lang)


@embeds.get("/embed/<path:_anything>")
def embed_elsewhere(_anything: str) -> flask.Response:
    args = flask.request.args
    return unknown_indicator(
        pick_lang(args.get("lang"), flask.request.headers.get("Accept-Language"))
    )


def shown_or_current(request: EmbedRequest) -> tuple[ShownData, str | None]:
    """The request's (pinned) data, or the current data and the pin that is gone: a
    published page whose version was lost still shows a chart, and says so."""
    try:
        return shown_data(request.state, request.pin), None
    except data_sources.NotFound:
        return shown_data(request.state), request.pin


@latest_version_cache(maxsize=PAGE_CACHE_SIZE)
def embed_figures(request: EmbedRequest, _data_key: str) -> tuple:
    """(request, shown data, the pin that is gone, theme → figure) of an embed."""
    shown, pin_missing = shown_or_current(request)
    if pin_missing:
        request = replace(request, pin=None)
    themes = ("light", "dark") if request.theme == "auto" else (request.theme,)
    figures = {
        theme: figure_of(shown, request.state, theme).to_plotly_json()
        for theme in themes
    }
    return request, shown, pin_missing, figures


# The chart's first paint: the figure drawn on the server by plotly itself
# (chart_images) as static SVG, at a desktop and a phone size — the phone one stacked
# as embed.js stacks side by side — and shown at once; plotly.js loads only when the
# reader reaches for the chart (pointer, touch or keyboard focus), so a phone does not
# run a megabyte of script to show a picture. The images are drawn in the background,
# once per figure; until they are, the page loads plotly.js at once, as before.
# (name, width, height, stacked); the phone size below panels.js's NARROW (embed.css).
FIRST_PAINT_SIZES = (("wide", 800, 420, False), ("narrow", 360, 260, True))


class NotDrawnYet(Exception):
    """Some first-paint image is still being drawn."""


def first_paint_figures(figures: dict) -> list[tuple[str, str, dict, bool]]:
    """(theme, size, figure at that size, stacked) of every first-paint image."""
    found = []
    for theme, figure in figures.items():
        for size, width, height, stacked in FIRST_PAINT_SIZES:
            layout = {**figure["layout"], "width": width, "height": height}
            found.append((theme, size, {**figure, "layout": layout}, stacked))
    return found


@latest_version_cache(maxsize=PAGE_CACHE_SIZE)
def first_paint(request: EmbedRequest, data_key: str) -> str:
    """The static SVGs of an embed's chart; NotDrawnYet (and drawn in the background)
    until every one is drawn."""
    *_, figures = embed_figures(request, data_key)
    images, missing = [], False
    for theme, size, figure, stacked in first_paint_figures(figures):
        svg = chart_images.cached_image(figure, "svg", stacked=stacked)
        if svg is None:
            chart_images.render_later(figure, "svg", stacked)
            missing = True
        else:
            images.append(
                f'<div class="first-paint" data-theme="{theme}" data-size="{size}" '
                f'aria-hidden="true">{svg.decode("utf-8")}</div>'
            )
    if missing:
        raise NotDrawnYet
    return "".join(images)


def drawn_first_paint(request: EmbedRequest, data_key: str) -> str:
    try:
        return first_paint(request, data_key)
    except NotDrawnYet:
        return ""


@latest_version_cache(maxsize=PAGE_CACHE_SIZE)
def embed_page(request: EmbedRequest, base: str, painted: bool, data_key: str) -> str:
    asked = request
    request, shown, pin_missing, figures = embed_figures(asked, data_key)
    path = f"/embed/{request.state.indicator}"
    return embed_html(
        EmbedPage(
            request=request,
            shown=shown,
            figures=figures,
            dashboard_url=f"{base}/{to_query(request.state)}",
            page_url=f"{base}{path}?{embed_query(request)}",
            image_url=f"{base}{path}.png?{embed_query(request, theme=image_theme(request.theme))}",
            asset=asset,
            plotly_src=standalone_plotly_src(),
            pin_missing=pin_missing,
            accessed=dt.datetime.now(dt.UTC).date(),
            first_paint=drawn_first_paint(asked, data_key) if painted else "",
        )
    )


def image_response(request: EmbedRequest, fmt: str) -> flask.Response:
    shown, _pin_missing = shown_or_current(request)
    figure = image_figure(
        figure_of(shown, request.state, image_theme(request.theme)),
        shown,
        request.state.lang,
    )
    try:
        image = chart_images.image_for(figure.to_plotly_json(), fmt)
    except chart_images.ImageUnavailable as error:
        response = flask.jsonify({"error": str(error)})
        response.status_code = 503
        response.headers["Retry-After"] = "30"
        return response
    response = flask.Response(image, mimetype=chart_images.FORMATS[fmt])
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def install(server: flask.Flask) -> None:
    server.register_blueprint(embeds)
