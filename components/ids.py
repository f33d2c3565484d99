"""Component ids, defined once."""

PAGE = "page"
URL = "url"
STATE = "view-state"
RENDERED = "rendered-view"
LANG_LINK = "lang-link"
THEME = "theme"
TABS = "domain-tabs"
DOMAIN_BUTTON = "domain-button"


def domain_button(domain: str) -> dict:
    return {"type": DOMAIN_BUTTON, "domain": domain}


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


def cite(fmt: str) -> str:
    return f"cite-{fmt}"


SVG_BUTTON = "svg-button"
NOOP = "noop"
