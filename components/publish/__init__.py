"""Publish: what a republisher takes away — the citation, the data package, the
API's OpenAPI contract, the embed's links and snippets, chart pictures drawn by Chromium.

May import: `components.parts`, `components.charts`, `components.web`, the top-level
`components` modules and `data_sources`. Never a page.
"""
