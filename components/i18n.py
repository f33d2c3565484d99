"""Interface strings in every language, and number/date formats through babel.

English is the source language and lives here, in `MESSAGES`; every other language is a
gettext catalog, `locale/<lang>/LC_MESSAGES/messages.po`, read once when first asked for.
A translator works on the catalog with the usual tools (Poedit, Weblate, `pybabel`); the
README says how to update it and how to add a language.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import sys
from functools import cache
from pathlib import Path

from babel.dates import format_date, format_datetime
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from data_sources.model import comparisons, context, totals
from data_sources.model.comparisons import (
    COVERAGE_WORDS,
    PERIOD_WORDS,
    REASONS,
    WORDED_PARAMS,
    Refusal,
)
from data_sources.model.context import STATUS_REASONS, STATUS_WORDS
from data_sources.model.registries import CITIES_BY_ID, LANGUAGES, PAIR, message

DEFAULT_LANG = "en"
LOCALES = {"en": "en_US", "fr": "fr_FR"}
CATALOGS = Path(__file__).parent / "locale"
UNIT_CONTEXT = "unit:"


# English, the source language: every interface string, keyed by its role (the
# catalog's msgctxt, so one English word may translate two ways). Translations live in
# locale/<lang>/LC_MESSAGES/messages.po; `pybabel extract` reads this table (README).
MESSAGES: dict[str, str] = dict(
    (
        message("title", "Sister Cities"),
        message("loading", "Loading the comparison…"),
        message(
            "tagline",
            "Paris and San Francisco, digital sister cities since 2006, side by side.",
        ),
        message("domain.air", "Air pollution"),
        message("domain.mobility", "Mobility"),
        message("domain.energy", "Energy"),
        message("domain.waste", "Waste"),
        message("domain.traffic", "Traffic"),
        message("domain.climate", "Climate"),
        message("licence", "licence"),
        message("comparability_label", "Comparability: "),
        message("sources_label", "Sources: "),
        message("no_data", "No data for this city"),
        message("data_unavailable", "These data cannot be read right now"),
        message("no_data_chart", "No data available"),
        message("download_csv", "Download CSV"),
        message("language", "Langue : français"),
        message(
            "footer",
            "Real data only: every number traces to its publisher. Contains information from Paris open data licensed under the Open Database License (ODbL).",
        ),
        message("api_link", "Data API"),
        message("api_contract", "its contract (OpenAPI)"),
        message("ratio", "{city}: {ratio}× {other} ({period})"),
        message(
            "ratio.per_inhabitant",
            "{city}: {ratio}× {other} per inhabitant ({period})",
        ),
        message(
            "ratio.people",
            "Per inhabitant: {a} {a_value}, {b} {b_value} {unit}. Totals {a_total} and {b_total} {total_unit}; populations ({year}): {a_people} and {b_people}.",
        ),
        message("millions", "{number} million"),
        message("million_one", "{number} million"),
        message(
            "reuse.yes",
            "A newspaper may republish this chart as it stands, crediting: {credits}.",
        ),
        message(
            "reuse.no",
            "Not for a newspaper as it stands: commercial republication needs the publisher's permission for {sources}. Credit: {credits}.",
        ),
        message(
            "reuse.unclear",
            "Commercial republication is not confirmed (terms ambiguous or not found; ask the publisher first) for {sources}. Credit: {credits}.",
        ),
        message("reuse_label", "May I republish this?"),
        message("overview_people", "Per inhabitant, and the populations"),
        message("change", "{sign}{change}% since {since}"),
        message(
            "change.break",
            "{sign}{change}% since {since} (after a series break: {kind})",
        ),
        message("change.span", "{sign}{change}% {since}"),
        message(
            "change.span.break",
            "{sign}{change}% {since} (after a series break: {kind})",
        ),
        message("from_to", "from {since} to {until}"),
        message("change.same_month", "{sign}{change}% since {since} (same month)"),
        message(
            "change.window.daily",
            "{sign}{change}%: mean of the 12 months to {end} vs the same months to {start}",
        ),
        message(
            "change.window.hourly",
            "{sign}{change}%: mean of the 7 days to {end} vs the same days to {start}",
        ),
        message(
            "change.window.monthly",
            "{sign}{change}%: the 12 months to {end} vs the same months to {start}",
        ),
        message("break.station", "station change"),
        message("break.definition", "definition change"),
        message("break.coverage", "coverage change"),
        message("break.census", "census vs estimates"),
        message("break.source", "source change"),
        message(
            "ratio.window.daily", "{city}: {ratio}× {other} (12-month mean to {last})"
        ),
        message(
            "ratio.window.hourly", "{city}: {ratio}× {other} (7-day mean to {last})"
        ),
        message(
            "ratio.edition", "{city}: {ratio}× {other} ({period}, {edition} edition)"
        ),
        message("not_compared", "Not compared: {reason}"),
        message("collected", "snapshot collected {date}"),
        message("fetched", "fetched {date}"),
        message("imported", "imported {date}"),
        message("no_data_period", "no data in this period"),
        message("freshness", "{city}: latest data {when}"),
        message("local_time_short", "local time"),
        message("stale_short", "stale"),
        message("partial_short", "partial period"),
        message("mark.partial", "partial: {reason}"),
        message("age.years", "{count} years old"),
        message("age.years.one", "1 year old"),
        message("age.months", "{count} months old"),
        message("age.months.one", "1 month old"),
        message("age.days", "{count} days old"),
        message("age.days.one", "1 day old"),
        message("age.current.years", "this year"),
        message("age.current.months", "this month"),
        message("age.current.days", "today"),
        message("overview_stale", "older than its publication rhythm allows"),
        message("mark.provisional", "provisional"),
        message("table_label", "Data table"),
        message("city_label", "{city}: "),
        message("period", "Period"),
        message(
            "table_truncated",
            "The latest {shown} of {total} periods; the CSV has them all.",
        ),
        message("summary_none", "No data for {label} in the selected period."),
        message("summary_one", "Only {city} has data for {label} here ({span})."),
        message(
            "summary_no_overlap",
            "{label}: the periods do not overlap ({a} {a_span}, {b} {b_span}).",
        ),
        message(
            "summary_latest",
            "{label}, latest values: {a} {a_value} {unit} ({a_when}), {b} {b_value} {unit} ({b_when}).",
        ),
        message(
            "summary_ratio",
            "{when}, {label} in {a} was {a_value} {unit}, {ratio} times {b}'s ({b_value} {unit}).",
        ),
        message(
            "summary_ratio.per_inhabitant",
            "{when}, {label}: {a} {a_total} {total_unit}, {b} {b_total}. Per inhabitant, {high}'s figure was {ratio} times {low}'s: {high_value} against {low_value} {unit}.",
        ),
        message(
            "summary_window.daily",
            "Over the {count} days both cities measured in the 12 months to {last}, {label} averaged {a_value} {unit} in {a}, {ratio} times {b}'s ({b_value} {unit}).",
        ),
        message(
            "summary_window.hourly",
            "Over the {count} hours both cities have in the 7 days to {last}, {label} averaged {a_value} {unit} in {a}, {ratio} times {b}'s ({b_value} {unit}).",
        ),
        message(
            "summary_side",
            "{label}: {a} {a_value} {unit} ({a_when}), {b} {b_value} {unit} ({b_when}). {reason}",
        ),
        message(
            "summary_index",
            "{when}, {label} stood at {a_value} in {a} and {b_value} in {b} ({unit}).",
        ),
        message("when.edition", "In {period} ({edition} edition)"),
        message("card_edition", "{edition} edition"),
        message("when.annual", "In {period}"),
        message("when.monthly", "In {period}"),
        message("when.daily", "On {period}"),
        message("when.hourly", "On {period}"),
        message("domains", "Themes"),
        message("theme.light", "Light"),
        message("theme.dark", "Dark"),
        message("share", "Share"),
        message("share_link", "Link to this view"),
        message("copy", "Copy the link"),
        message("page_tools", "Page tools"),
        message("skip", "Skip to the chart"),
        message("options", "Options"),
        message("theme_label", "Theme"),
        message("year_from", "From"),
        message("year_to", "To"),
        message("now", "Now"),
        message("latest_readings", "Latest readings"),
        message("tile_when", "{time} · {age} ago"),
        message("sources_all", "All sources and their status"),
        message("download_svg", "Download SVG"),
        message("export_hint", "PNG: the camera in the chart's toolbar."),
        message("control.indicator", "Indicator"),
        message("control.view", "View"),
        message("control.axis", "Vertical axis"),
        message("control.range", "Years"),
        message("control.norm", "Values"),
        message("control.unit", "Unit"),
        message("control.clock", "Clock"),
        message("overview_title", "At a glance"),
        message(
            "overview_intro",
            "Both cities on every theme: each one's latest value and recent years, the comparison the data allow, and each city's own targets with their status. A row's name opens its chart.",
        ),
        message("overview_indicator", "Indicator"),
        message("overview_comparison", "Comparison"),
        message("overview_targets", "Own targets"),
        message("overview_trends", "Measured differently: compare trends, not levels."),
        message("overview_not_compared", "Not compared —"),
        message("overview_why", "why"),
        message("overview_common", "latest common period: {period}"),
        message("overview_no_target", "none found"),
        message("overview_spark", "{city}, {first} to {last}: from {start} to {end}"),
        message("overview_dashboard", "All charts"),
        message("overview_link", "At a glance"),
        message("overview_theme_dark", "Dark theme"),
        message("overview_theme_light", "Light theme"),
        message("skip_to_overview", "Skip to the overview"),
        message("window_link", "before and after"),
        message("window_label", "Before and after an event"),
        message("window_heading", "Before and after: {title} ({date})"),
        message(
            "window_means",
            "mean of the {count} {periods} before ({before}): {before_mean}; of the {count} after ({after}): {after_mean}",
        ),
        message(
            "window_means_one",
            "the period before ({before}): {before_mean}; the period after ({after}): {after_mean}",
        ),
        message("window_periods.annual", "years"),
        message("window_periods.monthly", "months"),
        message("window_periods.daily", "days"),
        message("window_periods.hourly", "hours"),
        message("window_change", "({sign}{change} %)"),
        message("window_none", "no periods to compare for this indicator"),
        message(
            "window_not_causal",
            "This is not a causal estimate: the periods before and after differ in many ways (weather, season, economy, other measures, how the data were collected), and the event is one city's; the other city is shown over the same dates for context.",
        ),
        message("window_close", "Back to all years"),
        message("download_events", "Events (CSV)"),
        message("download_targets", "Targets (CSV)"),
        message("control.events", "Show policy events"),
        message("events_heading", "Policy events on this chart"),
        message("event_source", "source"),
        message("targets_heading", "Each city's own targets"),
        message("target_document", "document"),
        message("status_rule_summary", "How is a status computed?"),
        message(
            "status_rule.1",
            "No data: no indicator here measures the target, it is not one number, it has no target year, its change has no baseline year or no value in that year, or no value falls between the baseline and the target year.",
        ),
        message(
            "status_rule.2",
            "The target year has a value: achieved if it meets the target, missed if not.",
        ),
        message(
            "status_rule.3",
            "Otherwise the latest value is set against the straight path from the baseline year's value to the target: at or better than the path, on track; worse, off track. When the target year is past but its value not yet published: awaiting data, saying where the latest value stood against the path.",
        ),
        message(
            "status_rule.4",
            "A change is never read across a break in the series (a new station, definition or source).",
        ),
        message("control.table", "Show the data table"),
        message("view.side", "Side by side"),
        message("view.overlay", "Overlay"),
        message("view.gap", "Gap (Paris − SF)"),
        message("view.ratio", "Ratio (Paris ÷ SF)"),
        message("axis.auto", "Automatic"),
        message("axis.shared", "Shared"),
        message("axis.free", "Free"),
        message("range.all", "All"),
        message("range.10y", "Last 10 years"),
        message("range.5y", "Last 5 years"),
        message("range.1y", "Last year"),
        message("range.custom", "Custom"),
        message("norm.absolute", "Absolute"),
        message("norm.per_capita", "Per inhabitant"),
        message("norm.per_km2", "Per km²"),
        message("norm.index", "Index (first complete common year = 100)"),
        message("clockopt.local", "Each city's local time"),
        message("embed_open", "Open this comparison on Sister Cities"),
        message("pinned", "Data frozen at version {pin}: they will not change."),
        message(
            "live_unavailable",
            "Live data are temporarily unavailable: shown here are the data shipped with the app and the last data this server holds, marked stale where newer data were due.",
        ),
        message(
            "live_unavailable_short",
            "Live data are temporarily unavailable: the last data held are shown.",
        ),
        message(
            "pin_unavailable",
            "The data cannot be frozen right now (the live store cannot be written); try again in a moment.",
        ),
        message(
            "pin_missing",
            "Data version {pin} is not available; showing the current data.",
        ),
        message("unknown_indicator", "No such indicator. Known indicators: {known}."),
        message("not_found", "Not found"),
        message("bad_request", "This view cannot be shown"),
        message("embed_snippet", "Embed this chart (paste into a web page)"),
        message("embed_pin", "Freeze the data as they are today"),
        message("copy_snippet", "Copy the embed code"),
        message("embed_title", "{label}: Paris and San Francisco (Sister Cities)"),
        message("scan_qr", "Open it on your phone"),
        message("cite", "Cite this"),
        message("datapackage_link", "All the data (Data Package)"),
        message("cite_title", "{label}: Paris and San Francisco"),
        message(
            "cite_hint",
            "Freeze the data (above) to cite exactly these numbers: the citation then names the data version.",
        ),
        message("cite_format.text", "Text"),
        message("copy_citation", "Copy the {format} citation"),
        message("cite_format.bibtex", "BibTeX"),
        message("cite_format.csl", "CSL-JSON"),
        message(
            "cite_text",
            "{app} ({year}). {title}. Data: {data}. {url} (accessed {date}{version}).",
        ),
        message("cite_version", "; data version {pin}"),
        message("cite_note", "Data: {data}; accessed {date}{version}"),
        message(
            "stage_monthly",
            "Drawn as monthly means of the {freq} values (a month counts when half of it has values); the cards give the latest value.",
        ),
        message("freq_adj.daily", "daily"),
        message("freq_adj.hourly", "hourly"),
        message("paused", "paused"),
        message("no_slides", "No slide to show"),
        message(
            "present_keys",
            "→ / Space: next · ←: previous · Home / End · P: pause · F: full screen",
        ),
        message("clockopt.utc", "UTC"),
        message("clock.local", "each city's local time"),
        message("clock.utc", "UTC"),
        message("no_common_period", "The two cities have no period in common here"),
        message("gap_title", "{a} − {b}"),
        message("ratio_title", "{a} ÷ {b}"),
        message("view_refused", "The “{view}” view is not offered here."),
        message("break_label", "{city}: {kind}"),
        message("target_label", "target {year}"),
        message("bucket.hours", "{n}-hour"),
        message("bucket.day", "daily"),
        message("bucket.days", "{n}-day"),
        message(
            "bucket.hover",
            "{span} mean from {date}: {mean} {unit}<br>range {low}–{high} ({count} values)",
        ),
        message("bucket.note", "{span} means · min–max range"),
        message("aggregated.monthly", "monthly means of the days both cities measured"),
        message("aggregated.daily", "daily means of the hours both cities have"),
        message("not_offered", "Not offered: {names}. "),
        message("level.levels", "Levels compare (ratio and gap shown)."),
        message(
            "level.totals",
            "Totals: compared per inhabitant (ratio and gap per inhabitant).",
        ),
        message(
            "level.totals_unserved",
            "Totals of networks whose populations are not published: shown side by side, no ratio.",
        ),
        message("level.trends", "Compare trends, not levels."),
        message("level.within_edition", "Compare within one survey edition only."),
        message("level.none", "Not comparable: shown side by side."),
        message(
            "latest_common",
            "Newest period the two cities can be compared in: {period}.",
        ),
        message("measures_title", "How each city measures this"),
        message("measures.coverage", "Covers"),
        message("measures.unit", "Unit"),
        message("measures.definition", "Definition"),
        message("measures.publisher", "Publisher"),
        message("measures.breaks", "Series breaks"),
        message("measures.partial", "Partial periods"),
        message("scales_differ", "Scales differ: each city has its own axis"),
        message("crossover", "crossover: the cities swap places"),
        message(
            "crossover.index",
            "crossover: the cities' changes since the base year swap order",
        ),
        # Display names of units; symbols (µg/m³, GWh, %) read the same everywhere.
        message("unit:deaths", "deaths"),
        message("unit:bikes", "bikes"),
        message("unit:bicycles", "bicycles"),
        message("unit:docks", "docks"),
        message("unit:trips", "trips"),
        message("unit:persons", "inhabitants"),
        message("unit:hours per driver", "hours per driver"),
        message("unit:index", "index"),
        message("unit:t", "tonnes"),
        message("unit:short ton", "short tons"),
        message("unit:stations", "stations"),
        message("unit:vehicles per hour", "vehicles per hour"),
        message("unit:t CO2e", "t CO₂e"),
        message("unit:Mt CO2e", "Mt CO₂e"),
    )
)

# The model's own messages, in English beside the rules that give them (a refusal of the
# comparability model, the words of a target's status), translated like the rest.
MESSAGES |= COVERAGE_WORDS | PERIOD_WORDS | REASONS | STATUS_WORDS | STATUS_REASONS
# The files `pybabel extract` reads (the README's command; a test checks the template).
SOURCE_FILES = tuple(
    str(Path(module.__file__).resolve().relative_to(Path(__file__).parents[1]))
    for module in (sys.modules[__name__], comparisons, context)
)


@cache
def translations(lang: str) -> dict[str, str]:
    """A language's catalog, by key: every message a translator filled in (not fuzzy).
    English is the source table itself."""
    if lang == DEFAULT_LANG:
        return MESSAGES
    with (CATALOGS / lang / "LC_MESSAGES" / "messages.po").open("rb") as file:
        catalog = read_po(file, locale=lang)
    return {
        entry.context: entry.string
        for entry in catalog
        if entry.id and entry.context and entry.string and not entry.fuzzy
    }


def unit_label(unit: str, lang: str) -> str:
    key = UNIT_CONTEXT + unit
    return t(key, lang) if key in MESSAGES else unit


def pick_lang(requested: str | None, accept_language: str | None = None) -> str:
    """?lang= wins; then the browser's Accept-Language; then English."""
    if requested in LANGUAGES:
        return requested
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return DEFAULT_LANG


def t(key: str, lang: str, **values: object) -> str:
    """The message `key` in `lang` (English where a catalog lacks it), filled in."""
    english = MESSAGES[key]
    text = translations(lang).get(key, english)
    return text.format(**values) if values else text


def explain(refusal: Refusal, lang: str) -> str:
    """A refusal of the comparability model in words, in `lang`."""
    params = dict(refusal.params)
    if params.get("city") in CITIES_BY_ID:
        params["city"] = CITIES_BY_ID[params["city"]].name(lang)
    for name, prefix in WORDED_PARAMS.items():
        if name in params:
            params[name] = t(f"{prefix}{params[name]}", lang)
    return t(f"reason.{refusal.reason}", lang, **params)


def view_title(indicator_label: str, lang: str) -> str:
    """A view's page title: its indicator first, so tabs and bookmarks tell apart."""
    return f"{indicator_label} — {pair_title(lang)}"


def level_words(indicator, lang: str) -> str:
    """What compares, in a few words: the level, and for totals that they compare per
    inhabitant only (or not at all where no population covers them)."""
    level = indicator.comparability.level
    if level == "levels" and totals.is_total(indicator):
        unserved = totals.coverage_refusal(indicator, "per_capita", PAIR) is not None
        return t("level.totals_unserved" if unserved else "level.totals", lang)
    return t(f"level.{level}", lang)


def mid_sentence(label: str) -> str:
    """'Electricity consumption' → 'electricity consumption'; 'PM2.5', 'NO₂' unchanged."""
    if len(label) > 1 and label[0].isupper() and label[1].islower():
        return label[0].lower() + label[1:]
    return label


def fmt_number(value: float, lang: str, digits: int = 1) -> str:
    """1234.5 → '1,234.5' (en) or '1 234,5' (fr)."""
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=LOCALES[lang])


# Prose, cards, the overview and the stage print this many significant figures: what
# the data carry (a total converted from short tons is not known to the tenth of a
# tonne); the table, the CSV and the JSON keep every digit.
SIGNIFICANT = 3


def quoted_decimals(value: float, *others: float) -> int:
    """Decimals that give the smallest of `value` and `others` three significant
    figures (so two cities side by side read alike), never more than `value` itself
    carries (a count has none; SF's published "80 %" is not "80.0 %")."""
    needed = 0
    for each in (value, *others):
        if each is None or not math.isfinite(each) or each == 0:
            continue
        needed = max(needed, SIGNIFICANT - 1 - math.floor(math.log10(abs(each))))
    return max(0, min(needed, _decimals_carried(value)))


def _decimals_carried(value: float) -> int:
    text = f"{abs(value):.6f}".rstrip("0")
    return len(text.split(".")[1])


def quoted(value: float, lang: str, *others: float) -> str:
    """A number as a reader may quote it: three significant figures ('5.61 million',
    '471,000', '12.7', '1.55'), with the decimals `others` need too."""
    if value is None or not math.isfinite(value):
        return "–"
    if value != 0:
        magnitude = math.floor(math.log10(abs(value)))
        if magnitude >= SIGNIFICANT:  # 471,040.7 → 471,000
            value = round(value, SIGNIFICANT - 1 - magnitude)
        if magnitude >= 6:
            key = "millions" if abs(value) >= 2e6 else "million_one"  # 1,5 million
            return t(key, lang, number=fmt_number(value / 1e6, lang, 2))
    digits = quoted_decimals(value, *others)
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=LOCALES[lang])


def value_text(value: float, unit: str, lang: str) -> str:
    """A value with its unit, as quoted ('42 deaths', '7.1 µg/m³', '5.61 million t')."""
    return f"{quoted(value, lang)} {unit}".strip()


def fmt_period(moment: dt.datetime, freq: str, lang: str) -> str:
    """A period on the city's calendar: '2016', 'Nov 2016' / 'nov. 2016', 'Nov 25, 2016'…"""
    locale = LOCALES[lang]
    if freq == "annual":
        return str(moment.year)
    if freq == "monthly":
        return format_date(moment, format="MMM y", locale=locale)
    if freq == "daily":
        return format_date(moment, format="medium", locale=locale)
    return format_datetime(
        moment,
        format="d MMM y HH:mm" if lang == "fr" else "MMM d, y h:mm a",
        locale=locale,
    )


def fmt_date(day: dt.date, lang: str) -> str:
    """25 Nov 2026 → 'Nov 25, 2026' (en) or '25 nov. 2026' (fr)."""
    return format_date(day, format="medium", locale=LOCALES[lang])


def parse_langs(text: str | None, fallback: str) -> tuple[str, ...]:
    """'fr', 'en', 'fr+en' (a '+' arrives as a space once decoded) → languages."""
    parts = [p for p in re.split(r"[\s+,]+", text or "") if p in LANGUAGES]
    return tuple(dict.fromkeys(parts))[:2] or (fallback,)


def pair_title(lang: str) -> str:
    """'Paris ↔ San Francisco', from the city registry."""
    return " ↔ ".join(CITIES_BY_ID[c].name(lang) for c in PAIR)
