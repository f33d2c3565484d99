"""Targets and policy events in words: the lists under a chart, a target's status
badge and the status rule's disclosure (the overview uses the same builders). Pure:
they take records from data_sources.model.context and return components."""

from __future__ import annotations

from collections.abc import Mapping

from dash import html

from components.charts.marks import event_date_text
from components.i18n import explain, fmt_number, t, value_text
from components.parts.cards import span_text
from data_sources.model.comparisons import Refusal
from data_sources.model.context import Event, Status, Target
from data_sources.model.registries import CITIES_BY_ID


def status_badge(status: Status, lang: str) -> html.Span:
    return html.Span(
        t(f"target_status.{status.status}", lang),
        className=f"status status-{status.status.replace('_', '-')}",
    )


def status_reason(target: Target, status: Status, unit: str, lang: str) -> str:
    """Why a target has its status, with the values it was read from."""
    if status.status == "no_data" and target.why is not None:
        return target.why[lang]
    facts = {"year": target.baseline_year, "target_year": target.target_year}
    if status.latest is not None:
        facts |= {
            "period": status.latest[0],
            "value": value_text(status.latest[1], unit, lang),
            "level": value_text(status.level, unit, lang),
        }
    if status.baseline is not None and status.path is not None:
        facts |= {
            "base_period": status.baseline[0],
            "path": value_text(status.path, unit, lang),
        }
    return t(f"target_reason.{status.reason}", lang, **facts)


def target_item(target: Target, status: Status, unit: str, lang: str) -> html.Li:
    city = CITIES_BY_ID[target.city].name(lang)
    parts = [
        html.Span(city, className=f"city-{target.city}-text city-name"),
        " · ",
        target.label(lang),
        " ",
        status_badge(status, lang),
        html.Br(),
        html.Span(status_reason(target, status, unit, lang), className="hint"),
    ]
    if target.part is not None:
        parts += [" ", html.Span(target.part[lang], className="hint")]
    parts += [
        " ",
        html.A(
            t("target_document", lang), href=target.source_url, title=target.document
        ),
    ]
    return html.Li(parts)


def status_rule(lang: str) -> html.Details:
    """The one written rule, behind "how is this computed?"."""
    return html.Details(
        [
            html.Summary(t("status_rule_summary", lang)),
            html.Ol([html.Li(t(f"status_rule.{n}", lang)) for n in range(1, 5)]),
        ],
        className="status-rule",
    )


def targets_section(listed: tuple, unit: str, lang: str) -> html.Section | None:
    """Each city's targets for this indicator, with their status and the values
    behind it; the rule under a disclosure."""
    if not listed:
        return None
    return html.Section(
        [
            html.H3(t("targets_heading", lang)),
            html.Ul(
                [target_item(target, status, unit, lang) for target, status in listed],
                className="target-list",
            ),
            status_rule(lang),
        ],
        className="chart-targets",
        **{"aria-label": t("targets_heading", lang)},
    )


def event_item(number: int, event: Event, lang: str, window_href: str) -> html.Li:
    return html.Li(
        [
            html.Span(
                CITIES_BY_ID[event.city].name(lang),
                className=f"city-{event.city}-text city-name",
            ),
            " · ",
            html.Time(event_date_text(event, lang), dateTime=event.date),
            " — ",
            event.title(lang),
            " ",
            html.A(t("event_source", lang), href=event.source_url),
            " · ",
            html.A(t("window_link", lang), href=window_href),
        ],
        value=number,
    )


def events_section(
    events: tuple, lang: str, window_hrefs: Mapping[str, str]
) -> html.Section | None:
    """The events drawn on the chart, numbered as on it, with their sources and a
    link to each one's before/after window (`window_hrefs[event.id]`)."""
    if not events:
        return None
    return html.Section(
        [
            html.H3(t("events_heading", lang)),
            html.Ol(
                [
                    event_item(n, e, lang, window_hrefs[e.id])
                    for n, e in enumerate(events, start=1)
                ],
                className="event-list",
            ),
        ],
        className="chart-events",
        **{"aria-label": t("events_heading", lang)},
    )


def window_line(city_id: str, found, indicator, unit: str, lang: str) -> html.Li:
    """One city's means before and after the event, or why there are none."""
    city = html.Span(
        CITIES_BY_ID[city_id].name(lang), className=f"city-{city_id}-text city-name"
    )
    if found is None or isinstance(found, Refusal):
        reason = t("window_none", lang) if found is None else explain(found, lang)
        return html.Li([city, " · ", reason])
    change = (
        ""
        if found.percent is None
        else t(
            "window_change",
            lang,
            sign="+" if found.percent > 0 else "",
            change=fmt_number(found.percent, lang, 0),
        )
    )
    return html.Li(
        [
            city,
            " · ",
            t(
                "window_means_one" if found.before.count == 1 else "window_means",
                lang,
                count=found.before.count,
                periods=t(f"window_periods.{indicator.freq}", lang),
                before=span_text(found.before, indicator, lang),
                before_mean=value_text(found.before_mean, unit, lang),
                after=span_text(found.after, indicator, lang),
                after_mean=value_text(found.after_mean, unit, lang),
            ),
            " ",
            change,
        ]
    )


def window_section(shown, lang: str, close_href: str) -> html.Section | None:
    """Before and after the chosen event, for both cities over the same window, with
    the model's rules (same number of whole periods, never across a break) and the
    plain warning that this is not a causal estimate."""
    if shown.window is None:
        return None
    event, found = shown.window
    return html.Section(
        [
            html.H3(
                t(
                    "window_heading",
                    lang,
                    title=event.title(lang),
                    date=event_date_text(event, lang),
                )
            ),
            html.Ul(
                [
                    window_line(c, found[c], shown.indicator, shown.unit, lang)
                    for c in shown.city_ids
                ],
                className="window-list",
            ),
            html.P(t("window_not_causal", lang), className="notice window-note"),
            html.A(t("window_close", lang), href=close_href),
        ],
        className="event-window",
        **{"aria-label": t("window_label", lang)},
    )
