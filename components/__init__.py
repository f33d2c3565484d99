"""The web app: pages (one per URL family), the parts and charts they are built from,
what is published for republishing, and the web frame; at the top, what every layer
shares — ids, strings (`i18n`), the view state, the callbacks and `shown` (the one
service that turns a state into rows and what the comparability model allows).

May import: `data_sources` (the façade and its model). `data_sources` never imports this.
"""
