"""Web: every response's frame — the page shell, security and cache headers, guards on
requests, and the browser's vendor files.

May import: `components.i18n`, `components.ids`, `components.state` (what `/` shows) and
`data_sources` (settings, model).
Never a page, a part or a chart.
"""
