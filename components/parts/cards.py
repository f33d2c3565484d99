"""Builders of the per-city pieces (KPI card, freshness) and of the facts about a chart
(the summary sentence, the data table). Pure: they take the shown data — its rows and
the comparisons the model allows (data_sources.model.comparability) — and return text or
components. They word those comparisons; they never compute one themselves.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from dash import html

from components import reuse
from components.i18n import (
    explain,
    fmt_date,
    fmt_number,
    fmt_period,
    level_words,
    mid_sentence,
    quoted,
    t,
)
from data_sources.model.comparability import pairs
from data_sources.model.comparisons import Change, Ratio, Refusal, Span
from data_sources.model.observations import SUB_DAILY, label_moment
from data_sources.model.registries import (
    CITIES_BY_ID,
    SOURCES_BY_ID,
    Indicator,
)

TABLE_ROWS = 400


def period_text(period: str, indicator: Indicator, lang: str) -> str:
    return fmt_period(label_moment(period), indicator.freq, lang)


def span_text(span: Span, indicator: Indicator, lang: str) -> str:
    first = period_text(span.first, indicator, lang)
    last = period_text(span.last, indicator, lang)
    return first if span.single else f"{first}–{last}"


def _signed(percent: float, lang: str) -> dict:
    return {"sign": "+" if percent > 0 else "", "change": fmt_number(percent, lang, 0)}


def change_text(
    change: Change, indicator: Indicator, lang: str, latest: str | None = None
) -> str:
    """'−4% since 2013 (after a series break: station change)', or a window's means;
    'from 2020 to 2024' when the change ends before the latest period shown (a partial
    year is never its end)."""
    if change.window:
        return t(
            f"change.window.{indicator.freq}",
            lang,
            end=period_text(change.end.last, indicator, lang),
            start=period_text(change.start.last, indicator, lang),
            **_signed(change.percent, lang),
        )
    since = period_text(change.start.first, indicator, lang)
    if indicator.freq == "monthly":
        return t(
            "change.same_month", lang, since=since, **_signed(change.percent, lang)
        )
    key = "change"
    if latest is not None and change.end.last != latest:
        until = period_text(change.end.last, indicator, lang)
        since, key = t("from_to", lang, since=since, until=until), "change.span"
    if change.after_break is not None:
        return t(
            f"{key}.break",
            lang,
            since=since,
            kind=t(f"break.{change.after_break.kind}", lang),
            **_signed(change.percent, lang),
        )
    return t(key, lang, since=since, **_signed(change.percent, lang))


def ratio_text(
    ratio: Ratio, city_id: str, other_id: str, indicator: Indicator, lang: str
) -> str:
    """'Paris: 2.3× San Francisco (2016)', from `city_id`'s side of the ratio; a ratio
    of totals says it is per inhabitant."""
    value = ratio.value if city_id == ratio.cities[0] else 1 / ratio.value
    facts = {
        "city": CITIES_BY_ID[city_id].name(lang),
        "ratio": fmt_number(value, lang, 1),
        "other": CITIES_BY_ID[other_id].name(lang),
        "period": period_text(ratio.span.last, indicator, lang),
    }
    if ratio.window:
        return t(
            f"ratio.window.{indicator.freq}", lang, last=facts.pop("period"), **facts
        )
    if ratio.edition:
        return t("ratio.edition", lang, edition=ratio.edition, **facts)
    if ratio.per_inhabitant:
        return t("ratio.per_inhabitant", lang, **facts)
    return t("ratio", lang, **facts)


def ratio_sides(ratio: Ratio) -> tuple[str, str]:
    """The cities in the order a headline reads best: the larger first ('2.0×', not
    '0.5×')."""
    a, b = ratio.cities
    return (a, b) if ratio.value >= 1 else (b, a)


def age_text(period: str, freq: str, lang: str, today: dt.date) -> str:
    """How old a period is, in the grain of its frequency: '8 years old', '3 months
    old', 'this year' ('il y a 8 ans', 'cette année')."""
    start = label_moment(period)
    if freq == "annual":
        count, unit = today.year - start.year, "years"
    elif freq == "monthly":
        count, unit = (
            (today.year - start.year) * 12 + today.month - start.month,
            "months",
        )
    else:
        count, unit = (today - start.date()).days, "days"
    if unit != "years" and count >= 24 * (30 if unit == "days" else 1):
        count, unit = today.year - start.year, "years"  # '3 years old', not 40 months
    if count <= 0:
        return t(f"age.current.{unit}", lang)
    return t(f"age.{unit}{'.one' if count == 1 else ''}", lang, count=count)


def period_mark(row, lang: str, short: bool = False) -> str:
    """'partial: covers 2025-01-01 to 2025-12-04 only' ('partial period' when
    `short`: a card, whose title gives the rest), 'provisional', or '' for a whole,
    final period (a row of the API shape: period_status and its note)."""
    status = row.get("period_status", "partial" if row.get("partial") else "complete")
    if status == "complete":
        return ""
    reason = str(row.get("note") or "").split(" | ")[-1]
    if status == "provisional":
        return t("mark.provisional", lang)
    if short or not reason:
        return t("partial_short", lang)
    return t("mark.partial", lang, reason=reason)


def people_text(ratio: Ratio, indicator: Indicator, unit: str, lang: str) -> str:
    """What a ratio of totals rests on: each city per inhabitant, its total and the
    population it was divided by (empty for a ratio of anything else)."""
    if not ratio.per_inhabitant or None in ratio.people:
        return ""
    a_id, b_id = ratio.cities
    a_people, b_people = ratio.people
    a_total, b_total = (
        quoted(v, lang) if v is not None else "–" for v in ratio.totals or (None, None)
    )
    years = sorted({a_people.year, b_people.year})
    return t(
        "ratio.people",
        lang,
        a=CITIES_BY_ID[a_id].name(lang),
        b=CITIES_BY_ID[b_id].name(lang),
        a_value=quoted(ratio.a, lang, ratio.b),
        b_value=quoted(ratio.b, lang, ratio.a),
        unit=indicator.per_capita.units[lang],
        a_total=a_total,
        b_total=b_total,
        total_unit=unit,
        year="–".join(str(y) for y in years),
        a_people=quoted(a_people.value, lang),
        b_people=quoted(b_people.value, lang),
    )


def kpi_card(
    shown, city_id: str, other_id: str, lang: str, heading=html.H3
) -> html.Div:
    """Latest value and its date, change over the shown period, ratio to the other city
    (each only as the comparability model allows). `heading`: the level under the
    page's own headings."""
    indicator, frame = shown.indicator, shown.frame
    city = CITIES_BY_ID[city_id]
    rows = frame[frame["city"] == city_id]
    children: list = [heading(city.name(lang), className="kpi-city")]
    if rows.empty:
        children.append(html.P(t("no_data_period", lang), className="kpi-missing"))
    else:
        last = rows.iloc[-1]
        children += [
            html.P(
                [
                    html.Span(quoted(last["value"], lang), className="kpi-value"),
                    f" {shown.unit}",
                ]
            ),
            html.P(
                [
                    period_text(last["period"], indicator, lang),
                    # survey figures compare within one edition: each card names its
                    # own, so "97 h" is never read beside a ratio of another edition
                    f" ({t('card_edition', lang, edition=last['edition'])})"
                    if indicator.comparability.level == "within_edition"
                    else "",
                    # a period that is not whole or not final says so, and why
                    html.Span(
                        f" ({period_mark(last, lang, short=True)})",
                        className="kpi-partial",
                        title=last["note"],
                    )
                    if period_mark(last, lang)
                    else "",
                ],
                className="kpi-date",
            ),
        ]
        change = shown.assessment.changes.get(city_id)
        if isinstance(change, Refusal) and change.reason == "change.no_year_before":
            # Said, not skipped: the card would otherwise look as if nothing changed.
            children.append(html.P(explain(change, lang), className="kpi-change"))
        if isinstance(change, Change):
            children.append(
                html.P(
                    change_text(change, indicator, lang, last["period"]),
                    className="kpi-change",
                )
            )
        ratio = shown.assessment.ratio
        if isinstance(ratio, Ratio):
            people = people_text(ratio, indicator, shown.unit, lang)
            children.append(
                html.P(
                    ratio_text(ratio, city_id, other_id, indicator, lang),
                    className="kpi-ratio",
                    title=people or None,
                )
            )
    return html.Div(
        children,
        className=f"kpi-card city-{city_id}",
        id={"type": "kpi-card", "city": city_id},
    )


def comparison_refusal(shown, lang: str) -> str | None:
    """Why the cities' values are not set against each other here (None: they are, or
    a city has no data)."""
    ratio = shown.assessment.ratio
    if isinstance(ratio, Refusal):
        return t("not_compared", lang, reason=explain(ratio, lang))
    return None


def kpi_cards(shown, lang: str, heading=html.H3, say_refusal: bool = True) -> html.Div:
    """The pair's two cards, each compared with the other city where the model allows;
    otherwise one line says why not."""
    a, b = shown.city_ids[:2]
    # Not said again where the summary sentence right above already says why.
    refusal = comparison_refusal(shown, lang) if say_refusal else None
    return html.Div(
        [
            kpi_card(shown, a, b, lang, heading),
            kpi_card(shown, b, a, lang, heading),
            html.P(refusal, className="kpi-refusal") if refusal else None,
        ],
        className="kpis",
    )


def retrieved_text(provenance: list[dict], city_id: str, lang: str) -> str | None:
    """'snapshot collected Nov 25, 2026' or 'fetched Dec 1, 2026' for a city's newest
    series: when our copy was made, not when the data describe."""
    mine = [p for p in provenance if p.get("city") == city_id and p.get("fetched_at")]
    if not mine:
        return None
    newest = max(mine, key=lambda p: p["fetched_at"])
    day = fmt_date(dt.date.fromisoformat(newest["fetched_at"][:10]), lang)
    key = {"live": "fetched", "imported": "imported"}.get(
        newest.get("origin"), "collected"
    )
    return t(key, lang, date=day)


def freshness(shown, city_id: str, lang: str) -> html.Span:
    """'Paris: latest data 2016 · snapshot collected Nov 25, 2026 · stale': the data's
    own age (stale when newer data were due), then when our copy was made."""
    indicator = shown.indicator
    rows = shown.frame[shown.frame["city"] == city_id]
    name = CITIES_BY_ID[city_id].name(lang)
    if rows.empty:
        return html.Span(f"{name}: {t('no_data_period', lang)}", className="fresh")
    last = rows.iloc[-1]
    text = t(
        "freshness", lang, city=name, when=period_text(last["period"], indicator, lang)
    )
    if indicator.freq in SUB_DAILY:
        text += f" ({t('local_time_short', lang)})"
    retrieved = retrieved_text(shown.provenance, city_id, lang)
    if retrieved:
        text += f" · {retrieved}"
    stale = bool(last["stale"])
    return html.Span(
        [text, html.Strong(f" · {t('stale_short', lang)}") if stale else ""],
        className="fresh stale" if stale else "fresh",
    )


def _latest_pair(shown, lang: str) -> dict:
    """Each city's latest value and its period, worded (with the same decimals)."""
    facts, values = {}, {}
    for key, city_id in zip(("a", "b"), shown.city_ids[:2], strict=True):
        rows = shown.frame[shown.frame["city"] == city_id]
        last = rows.iloc[-1]
        facts[key] = CITIES_BY_ID[city_id].name(lang)
        values[key] = float(last["value"])
        facts[f"{key}_when"] = period_text(last["period"], shown.indicator, lang)
    facts["a_value"] = quoted(values["a"], lang, values["b"])
    facts["b_value"] = quoted(values["b"], lang, values["a"])
    return facts


def _summary_index(shown, lang: str) -> str | None:
    """Both indexes in the latest common period (None without one)."""
    indicator = shown.indicator
    a_id, b_id = shown.city_ids[:2]
    both, _ = pairs(shown.frame, indicator, shown.city_ids)
    if both.empty:
        return None
    last = both.iloc[-1]
    return t(
        "summary_index",
        lang,
        when=t(
            f"when.{indicator.freq}",
            lang,
            period=period_text(last["period"], indicator, lang),
        ),
        label=mid_sentence(indicator.label(lang)),
        a=CITIES_BY_ID[a_id].name(lang),
        a_value=quoted(last["a"], lang, last["b"]),
        b=CITIES_BY_ID[b_id].name(lang),
        b_value=quoted(last["b"], lang, last["a"]),
        unit=shown.unit,
    )


def summary_sentence(shown, lang: str) -> str:
    """One factual sentence from the shown data, in the page's language: a comparison
    only where the model allows one, else both values and why they do not compare."""
    indicator, frame = shown.indicator, shown.frame
    a_id, b_id = shown.city_ids[:2]
    label = indicator.label(lang)
    present = [c for c in (a_id, b_id) if not frame[frame["city"] == c].empty]
    if not present:
        return t("summary_none", lang, label=label)

    def span(city_id: str) -> str:
        rows = frame[frame["city"] == city_id]
        return span_text(
            Span(rows["period"].iloc[0], rows["period"].iloc[-1]), indicator, lang
        )

    if len(present) == 1:
        city_id = present[0]
        return t(
            "summary_one",
            lang,
            label=label,
            city=CITIES_BY_ID[city_id].name(lang),
            span=span(city_id),
        )
    ratio = shown.assessment.ratio
    if isinstance(ratio, Ratio):
        return _summary_ratio(shown, ratio, lang)
    indexed = _summary_index(shown, lang) if shown.norm == "index" else None
    if indexed:
        return indexed
    if isinstance(ratio, Refusal) and ratio.reason == "no_common_period":
        return t(
            "summary_no_overlap",
            lang,
            label=label,
            a=CITIES_BY_ID[a_id].name(lang),
            a_span=span(a_id),
            b=CITIES_BY_ID[b_id].name(lang),
            b_span=span(b_id),
        )
    facts = _latest_pair(shown, lang)
    if indicator.freq == "instant" and ratio is None:
        return t("summary_latest", lang, label=label, unit=shown.unit, **facts)
    reason = explain(ratio, lang) if isinstance(ratio, Refusal) else ""
    return t(
        "summary_side", lang, label=label, unit=shown.unit, reason=reason, **facts
    ).strip()


def _summary_ratio(shown, ratio: Ratio, lang: str) -> str:
    indicator = shown.indicator
    a_id, b_id = shown.city_ids[:2]
    facts = {
        "label": mid_sentence(indicator.label(lang)),
        "a": CITIES_BY_ID[a_id].name(lang),
        "a_value": quoted(ratio.a, lang, ratio.b),
        "unit": shown.unit,
        "b": CITIES_BY_ID[b_id].name(lang),
        "b_value": quoted(ratio.b, lang, ratio.a),
        "ratio": fmt_number(ratio.value, lang, 1),
    }
    if ratio.window:
        return t(
            f"summary_window.{indicator.freq}",
            lang,
            count=fmt_number(ratio.span.count, lang, 0),
            last=period_text(ratio.span.last, indicator, lang),
            **facts,
        )
    period = period_text(ratio.span.last, indicator, lang)
    when = (
        t("when.edition", lang, period=period, edition=ratio.edition)
        if ratio.edition
        else t(f"when.{indicator.freq}", lang, period=period)
    )
    if ratio.per_inhabitant:
        high, low = ratio_sides(ratio)
        a_total, b_total = ratio.totals
        return t(
            "summary_ratio.per_inhabitant",
            lang,
            when=when,
            **{
                **facts,
                "unit": indicator.per_capita.units[lang],
                "ratio": fmt_number(max(ratio.value, 1 / ratio.value), lang, 1),
            },
            total_unit=shown.unit,
            a_total=quoted(a_total, lang),
            b_total=quoted(b_total, lang),
            high=CITIES_BY_ID[high].name(lang),
            low=CITIES_BY_ID[low].name(lang),
            high_value=facts["a_value" if high == a_id else "b_value"],
            low_value=facts["b_value" if high == a_id else "a_value"],
        )
    return t("summary_ratio", lang, when=when, **facts)


def data_table(shown, lang: str) -> html.Div:
    """The chart's data as a table: one row per period, one column per city."""
    indicator, unit, city_ids = shown.indicator, shown.unit, shown.city_ids
    wide = shown.frame.pivot_table(
        index="period", columns="city", values="value", aggfunc="first"
    )
    wide = wide.reindex(columns=list(city_ids))
    total = len(wide)
    rows = wide.iloc[-TABLE_ROWS:]
    header = html.Tr(
        [html.Th(t("period", lang), scope="col")]
        + [
            html.Th(f"{CITIES_BY_ID[c].name(lang)} ({unit})", scope="col")
            for c in city_ids
        ]
    )
    body = [
        html.Tr(
            [html.Th(period_text(period, indicator, lang), scope="row")]
            + [html.Td("–" if pd.isna(v) else fmt_number(v, lang)) for v in values]
        )
        for period, values in zip(rows.index, rows.to_numpy(), strict=True)
    ]
    note = (
        html.P(t("table_truncated", lang, shown=TABLE_ROWS, total=total))
        if total > TABLE_ROWS
        else None
    )
    return html.Div(
        [
            note,
            html.Table([html.Thead(header), html.Tbody(body)], className="data-table"),
        ],
        className="table-wrap",
        # Scrollable, so it must take keyboard focus to be scrolled without a mouse.
        tabIndex="0",
        role="region",
        **{"aria-label": t("table_label", lang)},
    )


def source_line(provenance: list[dict], lang: str, compact: bool = False) -> html.P:
    """Publisher, licence and latest access date of every source behind a chart
    (`compact`: each credit line once, no dates — a stage slide, read from afar).

    Publisher, link and licence come from the source registry; the sidecars only say
    which sources feed the chart and when each was fetched.
    """
    if compact:
        return html.P(
            [
                html.Strong(t("sources_label", lang)),
                " · ".join(reuse.credit_lines(provenance, lang)),
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
    # The credit line each licence asks for (publisher and licence, LICENCES.md),
    # linked to the page that states the licence; sources of one line said once.
    lines: dict[str, tuple[str, str, bool]] = {}
    for source_id, fetched_at in fetched.items():
        source = SOURCES_BY_ID.get(source_id)
        if source is None:
            continue
        line = source.terms.line(lang)
        _, before, was_live = lines.get(line, ("", "", False))
        lines[line] = (
            source.licence_url,
            max(before, fetched_at),
            was_live or source_id in live,
        )
    parts: list = [html.Strong(t("sources_label", lang))]
    for index, (line, (url, fetched_at, is_live)) in enumerate(lines.items()):
        if index:
            parts.append(" · ")
        parts.append(html.A(line, href=url) if url else line)
        if fetched_at:
            day = fmt_date(dt.date.fromisoformat(fetched_at[:10]), lang)
            key = "fetched" if is_live else "collected"
            parts.append(f" ({t(key, lang, date=day)})")
    return html.P(parts, className="source-line")


def reuse_line(provenance: list[dict], lang: str) -> html.P:
    """May a newspaper republish the chart, and whom to credit (the licences' words)."""
    return html.P(
        [
            html.Strong(t("reuse_label", lang) + " "),
            reuse.republication(provenance, lang),
        ],
        className="reuse-line",
    )


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
            html.Span(level_words(indicator, lang), className="level"),
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
