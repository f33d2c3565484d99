"""Parts: pure builders of the pages' HTML/Dash pieces — the toolbar, panels, cards,
live tiles, targets and events in words.

May import: `components.charts`, `components.i18n`, `components.ids`, `components.state`,
`components.reuse` (the embed's links and the citation) and `data_sources.model`. Never a page, never the request.
"""
