"""Pages: one module per URL family — the dashboard and overview (`/`), embeds
(`/embed/*`), the stage (`/present`), oEmbed (`/oembed`) and the data API (`/api/*`,
`/health`). The only modules that read the request.

May import: `components.parts`, `components.charts`, `components.publish`,
`components.web`, the top-level `components` modules and the `data_sources` façade.
Never another page: what two pages share lives below them.
"""
