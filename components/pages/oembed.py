"""oEmbed provider (https://oembed.com): a dashboard view or an embed of this site,
pasted into WordPress, Ghost or Medium, becomes the embedded chart.

`GET /oembed?url=…&maxwidth=&maxheight=&format=json` answers a "rich" response whose
`html` is the embed's iframe, in the URL's language (its `lang`, else the consumer's
Accept-Language). Every page that can be embedded says so in its head
(`<link rel="alternate" type="application/json+oembed">`: embed.discovery_link).

Answers, as the spec lays them out: a URL of another site, or of a page that is not a
view → 404; `format=xml` → 501 (the spec lets a provider serve JSON only); a missing
`url` or a malformed size → 400 with a JSON reason.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

import flask

from components.i18n import pick_lang, t
from components.reuse import (
    OG_SIZE,
    EmbedRequest,
    embed_query,
    embed_request,
    image_theme,
    parse_embed_query,
    snippet,
)
from components.shown import available_ids
from components.state import parse_query, wants_overview
from components.web.serving import json_error, public_origin
from data_sources.model.registries import INDICATORS_BY_ID

DEFAULT_SIZE = (720, 560)  # the iframe's width and height when the consumer sets none
CACHE_AGE = 3600  # seconds a consumer may keep the answer
EMBED_PATH = re.compile(r"/embed/([a-z0-9_]+)")

oembed = flask.Blueprint("oembed", __name__)


def request_for(url: str, accept_language: str | None) -> EmbedRequest | None:
    """The embed a URL of this site shows: a dashboard view (`/?indicator=…` or
    `/?domain=…`) or an embed (`/embed/<indicator>?…`); None for any other URL (the
    overview at `/` included)."""
    parts = urlsplit(url)
    if parts.netloc != urlsplit(public_origin()).netloc:
        return None
    args = dict(parse_qsl(parts.query))
    if parts.path in ("", "/") and wants_overview(args):
        return None  # the overview is a page of many rows, not one embeddable chart
    if parts.path in ("", "/"):
        lang = pick_lang(args.get("lang"), accept_language)
        return embed_request(parse_query(urlencode({**args, "lang": lang})))
    match = EMBED_PATH.fullmatch(parts.path)
    if match and match[1] in available_ids():
        return parse_embed_query(match[1], args, accept_language)
    return None


SIZE_TEXT = re.compile(r"[0-9]+")


def size_limit(name: str) -> int | None:
    """`maxwidth` / `maxheight` as a positive number of pixels, None when absent."""
    value = flask.request.args.get(name)
    if value is None or value == "":
        return None
    # ASCII digits only, as for a year (data_sources.model.observations.YEAR_TEXT): '²' is a digit
    # to str.isdigit() and not to int().
    if not SIZE_TEXT.fullmatch(value) or int(value) == 0:
        raise ValueError(f"{name} must be a positive number of pixels, not {value!r}")
    return int(value)


def oembed_answer(request: EmbedRequest, limits: tuple[int | None, int | None]) -> dict:
    """The rich oEmbed response of an embed, sized to fit the consumer's limits."""
    state, origin = request.state, public_origin()
    width, height = (
        min(default, limit or default)
        for default, limit in zip(DEFAULT_SIZE, limits, strict=True)
    )
    label = INDICATORS_BY_ID[state.indicator].label(state.lang)
    title = t("embed_title", state.lang, label=label)
    query = embed_query(request)
    src = f"{origin}/embed/{state.indicator}?{query}"
    answer = {
        "version": "1.0",
        "type": "rich",
        "html": snippet(src, title, height, width=width, resizer=False),
        "width": width,
        "height": height,
        "title": title,
        "provider_name": t(
            "title", state.lang
        ),  # the app's name in the link's language
        "provider_url": f"{origin}/",
        "cache_age": CACHE_AGE,
    }
    # The chart picture, when it fits the limits (the spec: it must respect them).
    fits = zip(OG_SIZE, limits, strict=True)
    if all(limit is None or limit >= size for size, limit in fits):
        image = embed_query(request, theme=image_theme(request.theme))
        answer |= {
            "thumbnail_url": f"{origin}/embed/{state.indicator}.png?{image}",
            "thumbnail_width": OG_SIZE[0],
            "thumbnail_height": OG_SIZE[1],
        }
    return answer


@oembed.get("/oembed")
def oembed_endpoint() -> flask.Response:
    args = flask.request.args
    fmt = args.get("format", "json")
    if fmt == "xml":  # a format the spec knows, not served: its 501
        return json_error("only format=json is served", 501)
    if fmt != "json":
        return json_error(f"format must be json, not {fmt!r}", 400)
    url = args.get("url")
    if not url:
        return json_error("url is required: the address of a view or an embed", 400)
    try:
        limits = (size_limit("maxwidth"), size_limit("maxheight"))
    except ValueError as error:
        return json_error(str(error), 400)
    request = request_for(url, flask.request.headers.get("Accept-Language"))
    if request is None:
        return json_error("not a view or an embed of this site", 404)
    response = flask.jsonify(oembed_answer(request, limits))
    response.headers["Cache-Control"] = f"public, max-age={CACHE_AGE}"
    return response


def install(server: flask.Flask) -> None:
    server.register_blueprint(oembed)
