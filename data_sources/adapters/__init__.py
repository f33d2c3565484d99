"""Adapters: one module per upstream, each a pure `parse` of the documented payload and a
`fetch` through the shared HTTP layer (`http`, with the `socrata` and `opendatasoft`
paging helpers), and `refresh`, which runs them and writes the store.

May import: `data_sources.model`, `data_sources.store`, `data_sources.settings`; the
upstream modules never import the façade (`data_sources/__init__`), `refresh` asks it for
the store and for what is out of date. Never imports the UI (`components`).
"""
