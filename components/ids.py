"""Component ids, defined once, as data (naming a component runs no code)."""

from dash import ALL

from data_sources.model.registries import DOMAINS

PAGE = "page"
URL = "url"
STATE = "view-state"
RENDERED = "rendered-view"
LANG_LINK = "lang-link"
THEME = "theme"
TABS = "domain-tabs"
DOMAIN_BUTTON = "domain-button"
# One per theme, and the pattern that matches them all (the tabs' callback).
DOMAIN_BUTTONS = {
    domain: {"type": DOMAIN_BUTTON, "domain": domain} for domain in DOMAINS
}
ANY_DOMAIN_BUTTON = {"type": DOMAIN_BUTTON, "domain": ALL}


INDICATOR = "indicator"
VIEW = "view"
AXIS = "axis"
AXIS_FIELD = "axis-field"
PRESET = "range-preset"
YEAR_FROM = "year-from"
YEAR_TO = "year-to"
NORM = "norm"
UNIT = "unit"
UNIT_FIELD = "unit-field"
CLOCK = "clock"
CLOCK_FIELD = "clock-field"
TABLE = "table-toggle"
EVENTS = "events-toggle"
HEAD = "view-head"
CONTENT = "content"
CHART_AREA = "chart-area"
OPTIONS = "view-options"
CHART = "chart"
FIGURES = "chart-presentations"
PRESENTATION = "presentation-choices"
EMBED_SNIPPETS = "embed-snippets"
SUMMARY = "chart-summary"
TILES = "live-tiles"
TICK = "tiles-interval"
SHARE_URL = "share-url"
EMBED_SNIPPET = "embed-snippet"
EMBED_PIN = "embed-pin"
# "Cite this" in each format (components.reuse.FORMATS).
CITE = {fmt: f"cite-{fmt}" for fmt in ("text", "bibtex", "csl")}
REUSE = "share-reuse"  # may a newspaper republish the view, and whom to credit


SVG_BUTTON = "svg-button"
NOOP = "noop"
TILES_HEADING = "tiles-heading"
TITLES = "view-titles"  # each indicator's page title, in the page's language
