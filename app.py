"""Sister Cities: Paris and San Francisco side by side. `python app.py` serves it on :8050."""

import threading

import flask
from dash import Dash

from components.i18n import pair_title
from components.pages import api, dashboard, embed, oembed, overview, stage
from components.web import serving


class SisterCities(Dash):
    def interpolate_index(self, **kwargs) -> str:
        # Dash's documented hook for the page template, and the one place this app's
        # page HTML is made (serving.page_html, for this request by the dashboard's
        # page): a lighter set of scripts, the language and theme, a static first
        # paint, link previews.
        kwargs["scripts"] = serving.lighter_scripts(kwargs["scripts"])
        return dashboard.page_html(super().interpolate_index(**kwargs))


app = SisterCities(
    __name__,
    title="Sister Cities — " + pair_title("en"),
    # Parts of the view (the SVG button) exist only once a callback has drawn them.
    suppress_callback_exceptions=True,
    # gzip/brotli for every response (flask-compress); plotly.js shrinks about 3.5×.
    compress=True,
    external_scripts=serving.plotly_scripts(),
    # assets/standalone/ belongs to the embed and stage pages, not to the dashboard.
    assets_path_ignore=["standalone"],
)
app.layout = dashboard.layout


def setup_dash_on_its_routes() -> None:
    # Dash prepares itself in a hook on the first request of *any* URL: it validates
    # the layout, which builds the default view, and writes its script tags. Only its
    # own routes need that: the first API call, embed, stage or overview after a start
    # enters no dashboard code.
    if serving.served_by_dash(flask.request):
        app._setup_server()


_hooks = app.server.before_request_funcs[None]
_hooks[_hooks.index(app._setup_server)] = setup_dash_on_its_routes
import components.callbacks  # noqa: E402, F401  (registers the callbacks)

api.install(app.server)
overview.install(app.server)
embed.install(app.server)
oembed.install(app.server)
stage.install(app.server)
# After every callback is registered: the CSP lists Dash's inline scripts by hash.
serving.install(app.server, app.csp_hashes(), lambda: app.callback_map)
server = app.server

if __name__ == "__main__":
    # The overview at / reads twelve indicators: built now, beside the server's start,
    # not on the first visitor's clock (gunicorn does the same in when_ready).
    threading.Thread(target=overview.warm, daemon=True).start()
    app.run()
