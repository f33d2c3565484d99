"""`/present`: the stage mode — one indicator a slide, full screen, for a projector.

Pure builders: query parameters in, a `PresentRequest` out; slides (shown data,
figures, QR codes) in, the page's HTML out. Everything the deck needs is in the page,
so it keeps working when the venue's network drops; only the live strip polls. Then the
route: parse, ask `shown` for each slide's data, build, cache per data version.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from urllib.parse import urlencode

import flask
import segno
from dash import html

import data_sources
from components.charts.stage import stage_figure
from components.i18n import (
    fmt_number,
    level_words,
    pair_title,
    parse_langs,
    t,
    unit_label,
)
from components.parts.cards import kpi_cards, source_line, summary_sentence
from components.shown import TILE_INDICATORS, available_ids, latest_values, shown_data
from components.state import parse_query, to_query
from components.web.html_text import in_languages, script_json, to_html
from components.web.serving import (
    asset,
    html_response,
    public_origin,
    standalone_plotly_src,
)
from data_sources.model.observations import DENSE
from data_sources.model.registries import CITIES_BY_ID, DECKS_BY_ID, Deck
from data_sources.store.cache import latest_version_cache

log = logging.getLogger(__name__)
DEFAULT_DECK = "futur-en-seine"
DEFAULT_INTERVAL = 20  # seconds a slide stays up when auto-advancing
DEFAULT_IDLE = 300  # seconds without a key press before the deck restarts by itself
MAX_SLIDES = 30


@dataclass(frozen=True)
class PresentRequest:
    slides: tuple[str, ...]
    deck: str | None  # the named deck's id (its title heads the page)
    interval: int  # 0: manual
    idle: int
    langs: tuple[str, ...]


def bounded_int(text: str | None, default: int, low: int, high: int) -> int:
    if text is None or not re.fullmatch(r"\d{1,6}", text.strip()):
        return default
    return max(low, min(high, int(text)))


def parse_present_query(args: Mapping[str, str], available: set[str]) -> PresentRequest:
    """?slides=no2,pm25 or ?deck=air, interval, idle, lang; garbage → defaults."""
    wanted = [s for s in re.split(r"[\s,]+", args.get("slides") or "") if s]
    slides = tuple(dict.fromkeys(s for s in wanted if s in available))[:MAX_SLIDES]
    deck: Deck | None = None
    if not slides:
        deck = DECKS_BY_ID.get(args.get("deck") or "", DECKS_BY_ID[DEFAULT_DECK])
        slides = tuple(s for s in deck.slides if s in available)
    return PresentRequest(
        slides=slides,
        deck=deck.id if deck else None,
        interval=bounded_int(args.get("interval"), DEFAULT_INTERVAL, 0, 3600),
        idle=bounded_int(args.get("idle"), DEFAULT_IDLE, 10, 86_400),
        langs=parse_langs(args.get("lang") or "fr+en", "fr"),
    )


def qr_svg(url: str) -> str:
    """A QR code of `url` as inline SVG: dark modules on white, as scanners expect."""
    return segno.make(url, error="m").svg_inline(
        border=3, dark="#000000", light="#ffffff", omitsize=True
    )


@dataclass(frozen=True)
class Slide:
    shown: object  # pages.ShownData
    figure: dict  # plotly figure as JSON data
    dashboard_url: str  # the same view on the public dashboard (the QR code's target)


def slide_section(slide: Slide, index: int, langs: tuple[str, ...]) -> html.Section:
    shown = slide.shown
    indicator = shown.indicator
    lang = langs[0]
    return html.Section(
        [
            html.H2(in_languages(indicator.label, langs), className="slide-title"),
            html.Div(
                [
                    html.Div(id=f"chart-{index}", className="slide-chart"),
                    html.Aside(
                        [
                            kpi_cards(shown, lang),
                            html.Figure(
                                [
                                    html.Div(className="qr", id=f"qr-{index}"),
                                    html.Figcaption(in_languages("scan_qr", langs)),
                                ],
                                className="qr-figure",
                            ),
                        ],
                        className="slide-side",
                    ),
                ],
                className="slide-body",
            ),
            html.Div(
                [
                    html.P(
                        summary_sentence(shown, each),
                        lang=each,
                        className="slide-summary",
                    )
                    for each in langs
                ]
                + [monthly_note(indicator, langs), slide_sources(shown, lang)],
                className="slide-foot",
            ),
        ],
        className="slide",
        id=f"slide-{index}",
        hidden=index > 0,
        **{
            "aria-roledescription": "slide",
            "aria-label": indicator.label(lang),
            "data-url": slide.dashboard_url,
        },
    )


def monthly_note(indicator, langs: tuple[str, ...]) -> html.P | None:
    """Said on a slide whose dense series is drawn as monthly means (figures.stage_series)."""
    if indicator.freq not in DENSE:
        return None
    return html.P(
        in_languages(
            lambda lang: t(
                "stage_monthly", lang, freq=t(f"freq_adj.{indicator.freq}", lang)
            ),
            langs,
        ),
        className="slide-note",
    )


def slide_sources(shown, lang: str) -> html.P:
    """The comparability level, then the sources, in one small line: a slide's type
    stays for the chart and the sentence."""
    line = source_line(shown.provenance, lang, compact=True)
    line.children = [
        html.Strong(t("comparability_label", lang)),
        level_words(shown.indicator, lang),
        " ",
        *line.children,
    ]
    return line


def live_strip(values: list[dict], langs: tuple[str, ...]) -> html.Div | None:
    """'Now: bikes available — Paris 18,066 · San Francisco 5,472' (ages added by JS),
    of the readings that are current (within their cadence): "Now" is never said of
    a reading months old. None when no reading is: the strip yields its place."""
    lang = langs[0]
    items = []
    for tile in values:
        cities = []
        current = {c: p for c, p in tile["cities"].items() if not p["stale"]}
        if not current:
            continue
        for city_id, point in current.items():
            cities.append(
                html.Span(
                    [
                        html.Span(
                            f"{CITIES_BY_ID[city_id].name(lang)} ",
                            className="live-city",
                        ),
                        html.Strong(
                            f"{fmt_number(point['value'], lang, 0)} "
                            f"{unit_label(point['unit'], lang)}",
                            className="live-value",
                        ),
                        html.Span(
                            "", className="live-age", **{"data-time": point["time"]}
                        ),
                        html.Strong(
                            [" · ", *in_languages("stale_short", langs)],
                            className="live-stale",
                            hidden=not point["stale"],
                        ),
                    ],
                    className=f"live-point city-{city_id}",
                    **{
                        "data-kind": tile["kind"],
                        "data-city": city_id,
                        "data-stale-after": str(tile["stale_after_seconds"] or ""),
                        "data-stale": "1" if point["stale"] else "",
                    },
                )
            )
        items.append(
            html.P(
                [html.Span(tile["labels"][lang], className="live-label"), *cities],
                className="live-tile",
            )
        )
    if not items:
        return None
    return html.Div(
        [html.Span(t("now", lang), className="live-now"), *items],
        className="live-strip",
        id="live-strip",
    )


def deck_title(request: PresentRequest) -> str:
    """The named deck's title in the deck's languages, else the pair's name."""
    deck = DECKS_BY_ID.get(request.deck or "")
    if deck is None:
        return pair_title(request.langs[0])
    return " / ".join(deck.labels[each] for each in request.langs)


def deck_body(request: PresentRequest, slides: list[Slide], live: list[dict]) -> list:
    """The stage bar (title, live strip, counter), the progress bar and the slides."""
    langs, title = request.langs, deck_title(request)
    counter = [
        html.Span(f"1 / {len(slides)}", id="counter"),
        html.Span(in_languages("paused", langs), id="paused", hidden=True),
    ]
    return [
        html.Header(
            [
                html.H1(title, className="deck-title"),
                live_strip(live, langs),
                html.P(
                    # The short form: the bar is one line on a projector.
                    in_languages("live_unavailable_short", langs),
                    className="stage-notice",
                    role="status",
                )
                if any(s.shown.live_problem for s in slides)
                else None,
                html.P(counter, className="counter"),
            ],
            className="stage-bar",
        ),
        html.Div(
            html.Div(id="progress-fill"),
            className="progress",
            id="progress",
            **{"aria-hidden": "true"},
        ),
        html.Main(
            [slide_section(s, i, langs) for i, s in enumerate(slides)]
            or [html.P(in_languages("no_slides", langs))],
            id="deck",
            **{"aria-roledescription": "carousel", "aria-label": title},
        ),
        html.Footer(html.P(in_languages("present_keys", langs), className="keys")),
    ]


def with_qr_codes(body: str, slides: list[Slide]) -> str:
    """Each slide's QR code in its placeholder. segno's SVG holds only geometry (no
    text from the request), so it goes in as is."""
    for index, slide in enumerate(slides):
        body = re.sub(
            f'(<div [^>]*id="qr-{index}"[^>]*>)(</div>)',
            lambda match, url=slide.dashboard_url: match[1] + qr_svg(url) + match[2],
            body,
            count=1,
        )
    return body


def present_html(
    request: PresentRequest,
    slides: list[Slide],
    live: list[dict],
    asset,
    plotly_src: str,
) -> str:
    """The whole deck in one page; every interpolated value escaped or safe JSON."""
    lang = request.langs[0]
    body = with_qr_codes(to_html(deck_body(request, slides, live)), slides)
    config = {
        "figures": [s.figure for s in slides],
        "interval": request.interval,
        "idle": request.idle,
        "lang": lang,
        "live": live,
    }
    return (
        "<!doctype html>"
        f'<html lang="{escape(lang)}" data-theme="stage">'
        '<head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(deck_title(request))} — Sister Cities</title>"
        f'<link rel="stylesheet" href="{escape(asset("style.css"))}">'
        f'<link rel="stylesheet" href="{escape(asset("standalone/present.css"))}">'
        f'<script src="{escape(plotly_src)}" defer></script>'
        f'<script src="{escape(asset("standalone/present.js"))}" defer></script>'
        f'</head><body class="stage">{body}'
        f'<script type="application/json" id="deck-data">{script_json(config)}</script>'
        "</body></html>"
    )


# ------------------------------------------------------------------ route

stage = flask.Blueprint("stage", __name__)


@stage.get("/present")
def present() -> flask.Response:
    request = parse_present_query(flask.request.args, set(available_ids()))
    version = data_sources.data_version(*request.slides, *TILE_INDICATORS)
    return html_response(present_page(request, public_origin(), version))


@latest_version_cache(maxsize=32)
def present_page(request: PresentRequest, base: str, _data_version: str) -> str:
    slides = []
    for indicator_id in request.slides:
        state = parse_query(urlencode({"indicator": indicator_id}), request.langs[0])
        try:
            shown = shown_data(state)
        except data_sources.BadRequest:
            log.warning("stage slide %s skipped: no data", indicator_id)
            continue
        figure = stage_figure(shown, state.lang).to_plotly_json()
        slides.append(Slide(shown, figure, f"{base}/{to_query(state)}"))
    return present_html(
        request, slides, latest_values(), asset, standalone_plotly_src()
    )


def install(server: flask.Flask) -> None:
    server.register_blueprint(stage)
