"""Component ids, defined once."""

PAGE = "page"
URL = "url"
STATE = "view-state"
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
YEARS = "years"
NORM = "norm"
UNIT = "unit"
UNIT_FIELD = "unit-field"
CLOCK = "clock"
CLOCK_FIELD = "clock-field"
TABLE = "table-toggle"
CONTENT = "content"
CHART = "chart"
SUMMARY = "chart-summary"
TILES = "live-tiles"
TICK = "tiles-interval"
SHARE_URL = "share-url"
EMBED_SNIPPET = "embed-snippet"
EMBED_PIN = "embed-pin"
SVG_BUTTON = "svg-button"
NOOP = "noop"
