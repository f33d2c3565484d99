"""What is drawn on a chart besides the series: the guideline and reference lines, the
series breaks, the numbered policy events (in lanes, so none covers another) and the
cities' own targets."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from components.charts.axes import iso, period_x
from components.charts.theme import CITY_COLOURS, palette
from components.i18n import fmt_period, t, value_text
from data_sources.model.periods import label_moment
from data_sources.model.registries import CITIES_BY_ID, Indicator


def add_reference_lines(
    figure: go.Figure, indicator: Indicator, lang: str, theme: str, **where
) -> None:
    ink = palette(theme)["ink"]
    for line in indicator.reference_lines:
        # Above the traces, on a backing: dense daily data would hide it otherwise.
        figure.add_hline(
            y=line.value,
            layer="above",
            line={"dash": "dot", "color": ink, "width": 1},
            annotation={
                "text": line.labels[lang],
                "font": {"color": ink, "size": 11},
                "bgcolor": palette(theme)["backing"],
            },
            annotation_position="top right",
            **where,
        )


def add_breaks(
    figure: go.Figure, shown, lang: str, theme: str, panels=None, labels: bool = True
) -> None:
    """A dotted line where a city's series breaks (station, definition…), labelled
    along it in its colour (upright labels of nearby breaks would collide): no change
    is computed across it. `panels`: city → (row, col); a panel names its city."""
    for shown_break in shown.assessment.breaks:
        where = {}
        if panels is not None:
            if shown_break.city not in panels:
                continue
            where = dict(zip(("row", "col"), panels[shown_break.city], strict=True))
        x = label_moment(shown_break.period)
        colour = CITY_COLOURS[shown_break.city]
        kind = t(f"break.{shown_break.rule.kind}", lang)
        label = (
            kind
            if panels is not None
            else t(
                "break_label",
                lang,
                city=CITIES_BY_ID[shown_break.city].name(lang),
                kind=kind,
            )
        )
        if not labels:
            figure.add_vline(
                x=x.isoformat(),
                line={"dash": "dot", "color": colour, "width": 2},
                **where,
            )
            continue
        figure.add_vline(
            x=x.isoformat(),
            line={"dash": "dot", "color": colour, "width": 1},
            annotation={
                "text": label,
                "textangle": -90,
                "font": {"color": colour, "size": 10},
                "bgcolor": palette(theme)["backing"],
                "hovertext": shown_break.rule.reasons[lang],
                "yanchor": "top",
                "xanchor": "right",
            },
            annotation_position="top left",
            **where,
        )


# Event numbers closer than this share of the x-axis to the one before are stacked.
EVENT_CROWDING = 0.04


EVENT_LANES = 4


def axis_refs(panels, city_id: str) -> tuple[str, str] | None:
    """The x and y axes a city is drawn on (None: its panel is not shown)."""
    if panels is None:
        return "x", "y"
    if city_id not in panels:
        return None
    suffix = "" if panels[city_id][1] == 1 else str(panels[city_id][1])
    return f"x{suffix}", f"y{suffix}"


def event_lanes(xs: list[pd.Timestamp], span: pd.Timedelta) -> list[int]:
    """A lane (0 at the top) per event so that close ones do not overlap."""
    lanes, previous = [], None
    for x in xs:
        crowded = previous is not None and (x - previous) < span * EVENT_CROWDING
        lanes.append((lanes[-1] + 1) % EVENT_LANES if crowded and lanes else 0)
        previous = x
    return lanes


def add_events(figure: go.Figure, shown, lang: str, panels=None) -> None:
    """Each policy event: a faint line in its city's colour at its date and its number
    at the top (the list under the chart gives the same numbers, dates and sources);
    its date and title on hover."""
    if not shown.events or shown.frame.empty:
        return
    xs = period_x(shown.frame["period"])
    span = max(xs.max() - xs.min(), pd.Timedelta(days=365))
    # Lanes per panel: events drawn on different panels cannot collide.
    refs = [axis_refs(panels, event.city) for event in shown.events]
    lanes = {}
    for ref in set(refs) - {None}:
        mine = [i for i, r in enumerate(refs) if r == ref]
        found = event_lanes([shown.events[i].start for i in mine], span)
        lanes.update(zip(mine, found, strict=True))
    for index, event in enumerate(shown.events):
        if refs[index] is None:
            continue
        number, lane = index + 1, lanes[index]
        x_ref, y_ref = refs[index]
        colour = CITY_COLOURS[event.city]
        figure.add_shape(
            type="line",
            x0=event.start.isoformat(),
            x1=event.start.isoformat(),
            y0=0,
            y1=1,
            xref=x_ref,
            yref=f"{y_ref} domain",
            line={"color": colour, "width": 1},
            opacity=0.45,
            layer="below",
        )
        figure.add_annotation(
            x=event.start.isoformat(),
            y=1 - 0.085 * lane,
            xref=x_ref,
            yref=f"{y_ref} domain",
            text=str(number),
            hovertext=f"{event_date_text(event, lang)} — {event.title(lang)}",
            showarrow=False,
            yanchor="top",
            font={"color": colour, "size": 10},
            # No theme colour here: the side view's axis variants replace the whole
            # annotation list, which must read the same in either theme.
            bordercolor=colour,
            borderwidth=1,
            borderpad=1,
        )


def event_date_text(event, lang: str) -> str:
    freq = {"day": "daily", "month": "monthly", "year": "annual"}[event.precision]
    return fmt_period(event.start, freq, lang)


def add_targets(figure: go.Figure, shown, lang: str, panels=None) -> list:
    """Each city's targets, marked and labelled "target <year>"; the furthest one
    drawn with the straight path from its baseline (the path its status is read
    against). Returns the x values drawn (for the ticks)."""
    xs_drawn = []
    furthest = {target.city: target.id for target, _ in shown.targets}  # year order
    for target, status in shown.targets:
        refs = axis_refs(panels, target.city)
        if refs is None:
            continue
        x_ref, y_ref = refs
        colour = CITY_COLOURS[target.city]
        xs, ys = [label_moment(str(target.target_year))], [status.level]
        if status.baseline is not None and furthest[target.city] == target.id:
            xs.insert(0, label_moment(status.baseline[0]))
            ys.insert(0, status.baseline[1])
        label = t("target_label", lang, year=target.target_year)
        figure.add_trace(
            go.Scatter(
                x=iso(xs),
                y=ys,
                mode="lines+markers+text",
                line={"color": colour, "width": 1.5, "dash": "dash"},
                marker={
                    "color": colour,
                    "symbol": ["circle-open"] * (len(xs) - 1) + ["star"],
                    "size": [6] * (len(xs) - 1) + [11],
                },
                text=[""] * (len(xs) - 1) + [label],
                textposition="top center",
                textfont={"color": colour, "size": 11},
                cliponaxis=False,
                name=label,
                showlegend=False,
                hovertemplate=(
                    f"{target.label(lang)}<br>"
                    f"{label}: {value_text(status.level, shown.unit, lang)}"
                    "<extra></extra>"
                ),
                xaxis=x_ref,
                yaxis=y_ref,
            )
        )
        xs_drawn += iso(xs)
    return xs_drawn
