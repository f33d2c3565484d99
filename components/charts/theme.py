"""One theme: the city colours (from the city registry), two palettes, plotly templates."""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

from data_sources.model.registries import CITIES

CITY_COLOURS = {city.id: city.colour for city in CITIES}
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Liberation Sans', sans-serif"

# assets/style.css repeats these as CSS custom properties (tests/test_docs.py checks).
PALETTES = {
    "light": {
        "ink": "#1f2933",
        "muted": "#52606d",
        "grid": "#e4e7eb",
        "paper": "#ffffff",
        "backing": "rgba(255,255,255,0.85)",
    },
    "dark": {
        "ink": "#e4e7eb",
        "muted": "#9aa5b1",
        "grid": "#3e4c59",
        "paper": "#1f2933",
        "backing": "rgba(31,41,51,0.85)",
    },
    # The stage mode: white on black for a projector in a lit room.
    "stage": {
        "ink": "#ffffff",
        "muted": "#d9dee3",
        "grid": "#3a3f44",
        "paper": "#000000",
        "backing": "rgba(0,0,0,0.85)",
    },
}


def faint(colour: str, alpha: float) -> str:
    """'#0072b2' at an opacity, as 'rgba(0,114,178,0.35)'."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def palette(theme: str) -> dict[str, str]:
    return PALETTES.get(theme, PALETTES["light"])


for _name, _colours in PALETTES.items():
    pio.templates[f"sistercities_{_name}"] = go.layout.Template(
        layout=go.Layout(
            font={"family": FONT, "color": _colours["ink"], "size": 13},
            paper_bgcolor=_colours["paper"],
            plot_bgcolor=_colours["paper"],
            xaxis={
                "gridcolor": _colours["grid"],
                "linecolor": _colours["muted"],
                "ticks": "outside",
            },
            yaxis={"gridcolor": _colours["grid"], "zerolinecolor": _colours["grid"]},
            legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
            margin={"l": 64, "r": 16, "t": 48, "b": 48},
        )
    )

    # Merged with plotly's own template once, here: merging on every figure ("a+b")
    # took about half of a figure's build time.
    pio.templates[f"sistercities_{_name}_full"] = pio.templates.merge_templates(
        "plotly_white" if _name == "light" else "plotly_dark", f"sistercities_{_name}"
    )


def template(theme: str) -> str:
    name = theme if theme in PALETTES else "light"
    return f"sistercities_{name}_full"
