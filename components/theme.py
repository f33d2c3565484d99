"""One theme: the city colours (from the city registry), a neutral palette, a plotly template."""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

from data_sources.registries import CITIES

CITY_COLOURS = {city.id: city.colour for city in CITIES}
INK = "#1f2933"
MUTED = "#52606d"
GRID = "#e4e7eb"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Liberation Sans', sans-serif"

pio.templates["sistercities"] = go.layout.Template(
    layout=go.Layout(
        font={"family": FONT, "color": INK, "size": 13},
        paper_bgcolor="white",
        plot_bgcolor="white",
        xaxis={"gridcolor": GRID, "linecolor": MUTED, "ticks": "outside"},
        yaxis={"gridcolor": GRID, "zerolinecolor": GRID, "rangemode": "tozero"},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
        margin={"l": 60, "r": 16, "t": 40, "b": 40},
        hovermode="x unified",
    )
)
TEMPLATE = "plotly_white+sistercities"
