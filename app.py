"""Sister Cities: Paris and San Francisco side by side. `python app.py` serves it on :8050."""

from dash import Dash

from components import api, pages

app = Dash(
    __name__,
    title="Sister Cities — Paris ↔ San Francisco",
    use_pages=True,
    pages_folder="",
    # Pages would otherwise call every layout at start-up to validate callbacks, and
    # embed the whole page, data included, in the index HTML.
    suppress_callback_exceptions=True,
)
pages.register()
api.install(app.server)
server = app.server

if __name__ == "__main__":
    app.run()
