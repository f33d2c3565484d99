"""Publish: what a republisher downloads — the data package, the API's OpenAPI
contract, chart pictures drawn by Chromium (the embed's links and the citation are
`components.reuse`, shared with the parts).

May import: `components.parts`, `components.charts`, `components.web`, the top-level
`components` modules and `data_sources`. Never a page.
"""
