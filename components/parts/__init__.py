"""Parts: pure builders of the pages' HTML/Dash pieces — the toolbar, panels, cards,
tiles, targets and events in words — and the escaping serializer of components to HTML.

May import: `components.charts`, `components.i18n`, `components.ids`, `components.state`
and `data_sources.model`. Never a page, never the request.
"""
