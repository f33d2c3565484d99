"""Routes of the pages served without Dash: `/embed/<indicator>` (and its images), `/present`.

Thin: parse the request, ask `pages` for the shown data, hand everything to the pure
builders in `embed`, cache the result per data version. Bad input never reaches a 500:
an unknown indicator is a 404 page, malformed parameters fall back to their defaults.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

import flask

import data_sources

from . import chart_images
from .caching import latest_version_cache
from .embed import (
    EmbedPage,
    EmbedRequest,
    embed_html,
    embed_query,
    image_figure,
    message_html,
    parse_embed_query,
)
from .figures import stage_figure
from .i18n import pick_lang, t
from .pages import TILE_INDICATORS, figure_of, latest_values, public_origin
from .present import PresentRequest, Slide, parse_present_query, present_html
from .serving import standalone_plotly_src
from .shown import ShownData, shown_data
from .state import parse_query, to_query

log = logging.getLogger(__name__)
ASSETS = Path(__file__).resolve().parents[1] / "assets"
PAGE_CACHE_SIZE = 256
standalone = flask.Blueprint("standalone", __name__)


@lru_cache(maxsize=64)
def asset(name: str) -> str:
    """A fingerprinted /assets URL (served with a year-long cache, see serving.py)."""
    return f"/assets/{name}?m={int((ASSETS / name).stat().st_mtime)}"


def html_response(body: str, status: int = 200) -> flask.Response:
    response = flask.Response(body, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "public, max-age=60"
    return response


def message_page(status: int, title_key: str, message: str, lang: str):
    return html_response(message_html(t(title_key, lang), message, lang, asset), status)


def available_ids() -> list[str]:
    return sorted(data_sources.available_indicators())


def unknown_indicator(lang: str) -> flask.Response:
    # The asked-for name is never echoed back: the page lists what exists instead.
    known = ", ".join(available_ids())
    return message_page(
        404, "not_found", t("unknown_indicator", lang, known=known), lang
    )


def data_key(request: EmbedRequest) -> str:
    return request.pin or data_sources.data_version(request.state.indicator)


@standalone.get("/embed/<name>")
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
        return html_response(embed_page(request, public_origin(), data_key(request)))
    except data_sources.BadRequest as error:
        return message_page(400, "bad_request", str(error), lang)


@standalone.get("/embed/<path:_anything>")
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


def image_theme(theme: str) -> str:
    """Images have no reader preference to follow: auto draws light."""
    return "dark" if theme == "dark" else "light"


@latest_version_cache(maxsize=PAGE_CACHE_SIZE)
def embed_page(request: EmbedRequest, base: str, _data_key: str) -> str:
    shown, pin_missing = shown_or_current(request)
    if pin_missing:
        request = replace(request, pin=None)
    themes = ("light", "dark") if request.theme == "auto" else (request.theme,)
    figures = {
        theme: figure_of(shown, request.state, theme).to_plotly_json()
        for theme in themes
    }
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


@standalone.get("/present")
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
    server.register_blueprint(standalone)
