"""DataFrame → go.Figure builders (pure: no I/O, no globals mutated)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from data_sources.registries import CITIES_BY_ID, Indicator

from .i18n import t
from .theme import CITY_COLOURS, INK, MUTED, TEMPLATE

# Largest step between two consecutive values that still counts as "no gap".
MAX_STEP = {
    "annual": pd.Timedelta(days=366),
    "monthly": pd.Timedelta(days=31),
    "daily": pd.Timedelta(days=1),
    "hourly": pd.Timedelta(hours=1),
}


def period_x(periods: pd.Series) -> pd.Series:
    """Local period labels ('2016', '2016-03', '2016-03-01', '…T09:00') → datetimes."""
    text = periods.astype(str)
    text = text.where(text.str.len() != 4, text + "-01-01")
    text = text.where(text.str.len() != 7, text + "-01")
    return pd.to_datetime(text, format="ISO8601")


def with_gaps(x: pd.Series, y: pd.Series, freq: str) -> tuple[list, list]:
    """Insert a break wherever a period is missing, so no line crosses missing years."""
    step = MAX_STEP.get(freq)
    xs, ys = [], []
    previous = None
    for x_value, y_value in zip(x, y, strict=True):
        if step is not None and previous is not None and x_value - previous > step:
            xs.append(previous + (x_value - previous) / 2)
            ys.append(None)
        xs.append(x_value)
        ys.append(y_value)
        previous = x_value
    return xs, ys


def empty_figure(message: str) -> go.Figure:
    figure = go.Figure(layout={"template": TEMPLATE})
    figure.add_annotation(
        text=message,
        showarrow=False,
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        font={"size": 16, "color": MUTED},
    )
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    return figure


def comparison_figure(
    frame: pd.DataFrame,
    indicator: Indicator,
    unit: str,
    lang: str,
    city_ids: tuple[str, ...],
) -> go.Figure:
    """One trace per city on a shared axis, in the cities' colours, gaps kept as gaps."""
    if frame.empty:
        return empty_figure(t("no_data_chart", lang))
    figure = go.Figure(layout={"template": TEMPLATE})
    lone_points = indicator.freq == "instant"
    for city_id in city_ids:
        rows = frame[frame["city"] == city_id]
        if rows.empty:
            continue
        xs, ys = with_gaps(period_x(rows["period"]), rows["value"], indicator.freq)
        sparse = lone_points or len(rows) < 40
        figure.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                name=CITIES_BY_ID[city_id].name(lang),
                mode="markers"
                if lone_points
                else ("lines+markers" if sparse else "lines"),
                line={"color": CITY_COLOURS[city_id], "width": 2},
                marker={"color": CITY_COLOURS[city_id], "size": 9 if sparse else 4},
                connectgaps=False,
                hovertemplate="%{y:,.4~g} " + unit + "<extra>%{fullData.name}</extra>",
            )
        )
    for line in indicator.reference_lines:
        # Above the traces, on a light backing: dense daily data would hide it otherwise.
        figure.add_hline(
            y=line.value,
            layer="above",
            line={"dash": "dash", "color": INK, "width": 1},
            annotation={
                "text": line.labels[lang],
                "font": {"color": INK, "size": 11},
                "bgcolor": "rgba(255,255,255,0.85)",
            },
            annotation_position="top right",
        )
    figure.update_layout(
        yaxis_title=unit,
        separators=", " if lang == "fr" else ".,",
        height=340,
    )
    return figure
