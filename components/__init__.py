"""The web app: pages (one per URL family), the parts and charts they are built from,
what is published for republishing, and the web frame; at the top, what every layer
shares — ids, strings (`i18n`), the view state, the callbacks, `shown` (the one
service that turns a state into rows and what the comparability model allows) and
`reuse` (an embed's links and a view's citation).

May import: `data_sources` (the façade and its model). `data_sources` never imports this.
"""
