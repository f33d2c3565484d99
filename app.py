"""Sister Cities: Paris and San Francisco side by side. `python app.py` serves it on :8050."""

from dash import Dash

from components import api, pages, serving, standalone


class SisterCities(Dash):
    def interpolate_index(self, **kwargs) -> str:
        # Dash's documented hook for the page template: a lighter set of scripts.
        kwargs["scripts"] = serving.lighter_scripts(kwargs["scripts"])
        return super().interpolate_index(**kwargs)


app = SisterCities(
    __name__,
    title="Sister Cities — Paris ↔ San Francisco",
    # Parts of the view (the SVG button) exist only once a callback has drawn them.
    suppress_callback_exceptions=True,
    # gzip/brotli for every response (flask-compress); plotly.js shrinks about 3.5×.
    compress=True,
    external_scripts=serving.plotly_scripts(),
    # assets/standalone/ belongs to the embed and stage pages, not to the dashboard.
    assets_path_ignore=["standalone"],
)
# Dash's page template wraps its scripts in <footer>, a second "contentinfo" landmark
# beside the site's own footer; a plain <div> holds them just as well.
app.index_string = app.index_string.replace("<footer>", "<div>").replace(
    "</footer>", "</div>"
)
app.layout = pages.dashboard
import components.callbacks  # noqa: E402, F401  (registers the callbacks)

api.install(app.server, lambda: app.callback_map)
standalone.install(app.server)
# After every callback is registered: the CSP lists Dash's inline scripts by hash.
serving.install(app.server, app.csp_hashes())
server = app.server

if __name__ == "__main__":
    app.run()
