"""The yardstick: a stock one-graph Dash app as the Dash docs would write it.

plotly express per callback, the full plotly.js bundle, Dash's defaults except compression
(so first-load bytes compare compressed with compressed). Its data are real: the shipped
annual NO₂ series, read once at start.
"""

import pandas as pd
import plotly.express as px
from dash import Dash, Input, Output, dcc, html

import data_sources

frame = data_sources.load_series("no2").frame
frame["year"] = frame["period"].astype(int)

app = Dash(__name__, compress=True)
app.layout = html.Div(
    [
        html.H1("NO2"),
        dcc.Dropdown(
            id="city", options=["paris", "sf"], value="paris", clearable=False
        ),
        dcc.Graph(id="graph"),
        html.P(id="summary"),
    ]
)


@app.callback(
    Output("graph", "figure"), Output("summary", "children"), Input("city", "value")
)
def update(city: str):
    rows = frame[frame["city"] == city]
    figure = px.line(rows, x="year", y="value", title=f"NO2 in {city}")
    return figure, f"{city}: mean {pd.to_numeric(rows['value']).mean():.1f}"


server = app.server
