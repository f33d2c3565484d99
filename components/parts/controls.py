"""The dashboard's controls: theme tabs, the toolbar (indicator, view, per-inhabitant,
unit, years, clock, events), their options as the comparability model allows them, and
why an option is not offered."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from components import ids
from components.i18n import explain, t, unit_label
from components.state import AXES, NORMS, PRESETS, VIEWS, ViewState
from data_sources.model.comparability import norm_refusal, view_refusals
from data_sources.model.observations import SUB_DAILY
from data_sources.model.registries import (
    DOMAINS,
    INDICATORS,
    PAIR,
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
    choices = indicator_options(indicator.domain, lang, available)
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
                    html.Div(
                        option_fields(state, indicator, years, window),
                        className="options-panel",
                    ),
                ],
                id=ids.OPTIONS,
                className="options",
            ),
        ],
        className="toolbar",
    )


def option_fields(
    state: ViewState,
    indicator: Indicator,
    years: tuple[int, int],
    window: tuple[int, int],
) -> list:
    """What "Options" unfolds: years, axis, per inhabitant, unit, clock, events, table
    (each hidden where it changes nothing)."""
    lang = state.lang
    unit = state.unit or indicator.unit
    clocks = options(("local", "utc"), "clockopt", lang)
    return [
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


def domain_class(domain: str, selected: str) -> str:
    return "domain-tab selected" if domain == selected else "domain-tab"


def tabs(state: ViewState) -> html.Div:
    """One button per theme: plain buttons, so Tab and Enter work as everywhere else."""
    return html.Div(
        [
            html.Button(
                t(f"domain.{d}", state.lang),
                id=ids.DOMAIN_BUTTONS[d],
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
