"""The overview (`/` with no indicator in the URL): both cities on every theme at a
glance, against their own targets.

One section per theme, one row per indicator of registry/overview.toml: each city's
latest value and period, a sparkline of its recent years and its own change (as the
comparability model allows it), the comparison the model allows at the latest common
period (a ratio, trends only, or "not compared" and why, linked to the view), and each
city's targets with their status. A row's name opens that indicator's view. Served
without Dash or plotly.js: plain HTML and inline SVG, light on a phone.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from html import escape
from urllib.parse import urlencode

import flask
import pandas as pd

import data_sources
from components.charts.figures import data_only
from components.i18n import explain, pair_title, pick_lang, t, unit_label, value_text
from components.parts.cards import (
    age_text,
    change_text,
    people_text,
    period_mark,
    period_text,
    ratio_sides,
    ratio_text,
)
from components.parts.context_view import status_badge, status_rule
from components.shown import shown_for
from components.state import parse_query, wants_overview
from components.web.html_text import to_html
from components.web.serving import asset, html_response
from data_sources.model.comparisons import Change, Ratio
from data_sources.model.observations import PERIOD_LENGTH, SUB_DAILY, label_start
from data_sources.model.registries import (
    CITIES_BY_ID,
    DOMAINS,
    INDICATORS_BY_ID,
    PAIR,
    REGISTRY_DIR,
)
from data_sources.store.cache import stale_while_rebuilding

with open(REGISTRY_DIR / "overview.toml", "rb") as _handle:
    ROWS: tuple[str, ...] = tuple(tomllib.load(_handle)["rows"])
SPARK_YEARS = 12  # the sparkline's span, in years before the latest value
SPARK_SIZE = (120, 32)


def view_href(indicator_id: str, lang: str, theme: str) -> str:
    params = {"lang": lang, "indicator": indicator_id}
    if theme != "light":
        params["theme"] = theme
    return "/?" + urlencode(params)


def sparkline(rows: pd.DataFrame, city_id: str, indicator, lang: str) -> str:
    """A city's recent years as inline SVG (a gap where a year or a series break is
    missing), described for screen readers by its first and last values."""
    if rows.empty:
        return ""
    moments = label_start(rows["period"])
    rows = rows[moments > moments.iloc[-1] - pd.DateOffset(years=SPARK_YEARS)]
    moments = label_start(rows["period"]).tolist()
    values = rows["value"].astype(float).tolist()
    segments = rows["segment"].tolist()
    width, height = SPARK_SIZE
    low, high = min(values), max(values)
    span_x = max((moments[-1] - moments[0]).total_seconds(), 1.0)
    span_y = (high - low) or 1.0
    step = PERIOD_LENGTH[indicator.freq]

    def point(moment: pd.Timestamp, value: float) -> str:
        x = 3 + (moment - moments[0]).total_seconds() / span_x * (width - 6)
        y = height - 3 - (value - low) / span_y * (height - 6)
        return f"{x:.1f},{y:.1f}"

    lines, current = [], []
    for index, (moment, value) in enumerate(zip(moments, values, strict=True)):
        joined = (
            index > 0
            and moment <= moments[index - 1] + step
            and segments[index] == segments[index - 1]
        )
        if not joined and current:
            lines.append(current)
            current = []
        current.append(point(moment, value))
    lines.append(current)
    colour = f"var(--city-{city_id})"
    drawn = "".join(
        f'<polyline points="{" ".join(line)}" fill="none" stroke="{colour}" '
        'stroke-width="2"/>'
        if len(line) > 1
        else f'<circle cx="{line[0].split(",")[0]}" cy="{line[0].split(",")[1]}" '
        f'r="2" fill="{colour}"/>'
        for line in lines
    )
    last_x, last_y = point(moments[-1], values[-1]).split(",")
    described = t(
        "overview_spark",
        lang,
        city=CITIES_BY_ID[city_id].name(lang),
        first=period_text(rows["period"].iloc[0], indicator, lang),
        last=period_text(rows["period"].iloc[-1], indicator, lang),
        start=value_text(values[0], "", lang),
        end=value_text(values[-1], "", lang),
    )
    return (
        f'<svg class="spark" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(described)}">'
        f'{drawn}<circle cx="{last_x}" cy="{last_y}" r="3" fill="{colour}"/></svg>'
    )


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def city_cell(shown, city_id: str, lang: str) -> str:
    rows = shown.frame[shown.frame["city"] == city_id]
    if rows.empty:
        return f'<td class="ov-city"><span class="hint">{escape(t("no_data", lang))}</span></td>'
    last = rows.iloc[-1]
    value = value_text(float(last["value"]), shown.unit, lang)
    when = period_text(last["period"], shown.indicator, lang)
    mark = period_mark(last, lang)
    if mark:  # a partial or provisional latest value never reads as a whole one
        when = f"{when} ({mark})"
    # Its age, so a 2018 value never sits beside a 2025 one looking alike; marked
    # when newer data were due (the indicator's cadence and publication lag).
    age = ""
    if shown.indicator.freq not in SUB_DAILY:
        age = age_text(last["period"], shown.indicator.freq, lang, today())
        age = f'<span class="ov-age"> · {escape(age)}</span>'
    stale = (
        f' <span class="ov-stale">{escape(t("overview_stale", lang))}</span>'
        if last["stale"]
        else ""
    )
    change = shown.assessment.changes.get(city_id)
    trend = ""
    if isinstance(change, Change):
        arrow = "↗" if change.percent > 0 else "↘" if change.percent < 0 else "→"
        trend = (
            f'<span class="ov-trend">{arrow} '
            f"{escape(change_text(change, shown.indicator, lang, last['period']))}</span>"
        )
    return (
        f'<td class="ov-city"><span class="ov-label">{escape(CITIES_BY_ID[city_id].name(lang))}</span>'
        f'<span class="ov-value">{escape(value)}</span> '
        f'<span class="ov-when">{escape(when)}</span>{age}{stale}'
        f"{sparkline(rows, city_id, shown.indicator, lang)}{trend}</td>"
    )


def comparison_cell(shown, href: str, lang: str) -> str:
    """The comparison the model allows at the latest common period."""
    assessment = shown.assessment
    a, b = PAIR
    if isinstance(assessment.ratio, Ratio):
        high, low = ratio_sides(assessment.ratio)
        text = escape(ratio_text(assessment.ratio, high, low, shown.indicator, lang))
        people = people_text(assessment.ratio, shown.indicator, shown.unit, lang)
        if people:  # what the ratio rests on, one click away
            text += (
                f'<details class="ov-people"><summary>{escape(t("overview_people", lang))}'
                f"</summary>{escape(people)}</details>"
            )
    elif assessment.level == "trends":
        text = escape(t("overview_trends", lang))
    else:
        reason = (
            explain(assessment.ratio, lang)
            if assessment.ratio is not None
            else t(f"level.{assessment.level}", lang)
        )
        text = (
            f"{escape(t('overview_not_compared', lang))} "
            f'<a href="{escape(href)}" title="{escape(reason)}">'
            f"{escape(t('overview_why', lang))}</a>"
        )
    common = ""
    if assessment.latest_common:
        common = (
            '<span class="ov-when">'
            + escape(
                t(
                    "overview_common",
                    lang,
                    period=period_text(assessment.latest_common, shown.indicator, lang),
                )
            )
            + "</span>"
        )
    label = f'<span class="ov-label">{escape(t("overview_comparison", lang))}</span>'
    return f'<td class="ov-compare">{label}{text} {common}</td>'


def targets_cell(shown, lang: str) -> str:
    items = []
    for target, status in shown.listed_targets:
        if target.superseded:
            continue
        city = CITIES_BY_ID[target.city].name(lang)
        items.append(
            f'<li><span class="city-{target.city}-text city-name">{escape(city)}</span> '
            f"{to_html(status_badge(status, lang))} "
            f'<a href="{escape(target.source_url)}">{escape(target.label(lang))}</a></li>'
        )
    label = f'<span class="ov-label">{escape(t("overview_targets", lang))}</span>'
    if not items:
        return (
            f'<td class="ov-targets">{label}<span class="hint">'
            f"{escape(t('overview_no_target', lang))}</span></td>"
        )
    return f'<td class="ov-targets">{label}<ul>{"".join(items)}</ul></td>'


def row_html(indicator_id: str, lang: str, theme: str) -> str:
    # The rows of the indicator's default view: the dashboard's own cache of them,
    # shared with that view and built once for both themes.
    state = data_only(parse_query(urlencode({"lang": lang, "indicator": indicator_id})))
    shown = shown_for(state, data_sources.data_version(indicator_id))
    indicator = INDICATORS_BY_ID[indicator_id]
    href = view_href(indicator_id, lang, theme)
    head = (
        f'<tr><th scope="row"><a href="{escape(href)}">{escape(indicator.label(lang))}</a>'
        f'<span class="ov-unit">{escape(unit_label(indicator.unit, lang))}</span></th>'
    )
    if isinstance(shown, str):  # the rows cannot be read now: say so in the row
        return f'{head}<td colspan="4" class="hint">{escape(shown)}</td></tr>'
    return (
        head
        + "".join(city_cell(shown, c, lang) for c in PAIR)
        + comparison_cell(shown, href, lang)
        + targets_cell(shown, lang)
        + "</tr>"
    )


def section_html(domain: str, lang: str, theme: str) -> str:
    ids = [i for i in ROWS if INDICATORS_BY_ID[i].domain == domain]
    if not ids:
        return ""
    heading = t(f"domain.{domain}", lang)
    head = "".join(
        f'<th scope="col">{escape(text)}</th>'
        for text in (
            t("overview_indicator", lang),
            *(CITIES_BY_ID[c].name(lang) for c in PAIR),
            t("overview_comparison", lang),
            t("overview_targets", lang),
        )
    )
    body = "".join(row_html(i, lang, theme) for i in ids)
    return (
        f'<section class="ov-section" aria-labelledby="ov-{domain}">'
        f'<h2 id="ov-{domain}">{escape(heading)}</h2>'
        f'<table class="ov-table"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></section>"
    )


@stale_while_rebuilding
def overview_html(lang: str, theme: str, _version: str) -> str:
    other = "fr" if lang == "en" else "en"
    switch = "/?" + urlencode(
        {"lang": other, **({"theme": theme} if theme != "light" else {})}
    )
    theme_switch = "/?" + urlencode(
        {"lang": lang, **({"theme": "dark"} if theme == "light" else {})}
    )
    names = " ↔ ".join(
        f'<span class="city-{c}-text">{escape(CITIES_BY_ID[c].name(lang))}</span>'
        for c in PAIR
    )
    sections = "".join(section_html(d, lang, theme) for d in DOMAINS)
    title = f"{t('overview_title', lang)} — {pair_title(lang)}"
    return (
        "<!doctype html>"
        f'<html lang="{lang}" data-theme="{theme}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title>"
        f'<meta name="description" content="{escape(t("overview_intro", lang))}">'
        f'<link rel="stylesheet" href="{escape(asset("style.css"))}">'
        f'</head><body><div class="page overview theme-{theme}">'
        f'<a class="skip-link" href="#overview-main">{escape(t("skip_to_overview", lang))}</a>'
        '<header class="site-header"><div>'
        f'<h1>{names}</h1><p class="tagline">{escape(t("tagline", lang))}</p></div>'
        f'<nav aria-label="{escape(t("page_tools", lang))}">'
        f'<a href="{escape(switch)}" lang="{other}" class="lang-switch">{escape(t("language", lang))}</a>'
        f'<a href="{escape(theme_switch)}">{escape(t("overview_theme_" + ("dark" if theme == "light" else "light"), lang))}</a>'
        f'<a href="{escape(view_href("pm25", lang, theme))}">{escape(t("overview_dashboard", lang))}</a>'
        '<a href="/api/targets">/api/targets</a></nav></header>'
        f'<main id="overview-main" tabindex="-1"><h2 class="ov-title">{escape(t("overview_title", lang))}</h2>'
        f'<p class="ov-intro">{escape(t("overview_intro", lang))}</p>'
        f"{sections}{to_html(status_rule(lang))}</main>"
        f'<footer class="site-footer"><p>{escape(t("footer", lang))}</p>'
        '<p><a href="/api/targets.csv">targets.csv</a> · <a href="/api/events.csv">events.csv</a>'
        ' · <a href="/api/sources">/api/sources</a> · <a href="/api/datapackage.zip">datapackage.zip</a></p>'
        "</footer></div></body></html>"
    )


def warm() -> None:
    """Build the overview in both languages (light), so no visitor waits for it."""
    for lang in ("en", "fr"):
        overview_html(
            lang, "light", f"{data_sources.rows_version(*ROWS)}:{today().isoformat()}"
        )


# Dash's name for its page at `/` (its routes are named by their path).
ROOT_ENDPOINT = "/"


def install(server: flask.Flask) -> None:
    """`/` is one route: the overview unless the URL names a theme or an indicator, else
    Dash's page (the dashboard). Dash registered the route; its view is wrapped here."""
    dash_page = server.view_functions[ROOT_ENDPOINT]

    def root(*args, **kwargs) -> flask.Response:
        request = flask.request
        if not wants_overview(request.args):
            return dash_page(*args, **kwargs)
        lang = pick_lang(
            request.args.get("lang"), request.headers.get("Accept-Language")
        )
        theme = "dark" if request.args.get("theme") == "dark" else "light"
        # The rows' own version and the date: the overview says each value's age in
        # years, months or days, and whether newer data were due (the overview's rows
        # are annual or monthly: the clock's 5-minute grain in data_version would
        # only rebuild it for nothing).
        version = f"{data_sources.rows_version(*ROWS)}:{today().isoformat()}"
        response = html_response(overview_html(lang, theme, version))
        response.headers["Vary"] = "Accept-Language"
        return response

    server.view_functions[ROOT_ENDPOINT] = root
