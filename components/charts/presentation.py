"""Presentation: what the browser switches by itself, with no server round trip.

The view (side by side, overlay, gap, ratio), the theme and the shared/free y-axis change
how the same rows are drawn, not which rows. For a data state the server builds, once, a
*figure bundle*: the figure of every view in the default theme and axis (the first whole,
the others as changes from the one before), and for every other theme and axis the
changes (plain [path, value] assignments, or [path] deletions) that turn each view's
figure into that variant. `assets/presentation.js` applies them
— as a `dash_clientside.Patch` when only the theme or axis changes — so a toggle redraws
at once. Theme changes touch colours and templates, axis changes touch the y-axes: the
changes of different fields never overlap, so they apply in any order (tested for every
indicator against building the figure directly).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import replace

from components import ids
from components.charts.figures import AXIS_VIEWS
from components.state import AXES, THEMES, VIEWS, ViewState

# The ViewState fields the browser switches alone, with the values each may take.
PRESENTATION = {"view": VIEWS, "theme": THEMES, "axis": AXES}
CONTROLS = {"view": ids.VIEW, "theme": ids.THEME, "axis": ids.AXIS}
DEFAULTS = {field: getattr(ViewState(), field) for field in PRESENTATION}
# The views a field changes (the others are the same figure whatever its value).
AFFECTED_VIEWS = {"view": VIEWS, "theme": VIEWS, "axis": AXIS_VIEWS}


def data_only(state: ViewState) -> ViewState:
    """The state with its presentation at the defaults: what decides which rows are
    shown, not how they are drawn (a bundle is built once per data state)."""
    return replace(state, **DEFAULTS)


def shown_presentation(state: ViewState) -> dict:
    """The presentation fields a state's figure depends on, with their values (the
    figure carries them as `layout.meta`, so the browser knows what it shows)."""
    return {
        field: getattr(state, field)
        for field in PRESENTATION
        if state.view in AFFECTED_VIEWS[field]
    }


def choices() -> dict:
    """What the browser needs to read and write these fields in a URL, and the id of
    the control that shows each."""
    return {
        field: {
            "default": DEFAULTS[field],
            "allowed": list(values),
            "control": CONTROLS[field],
        }
        for field, values in PRESENTATION.items()
    }


def snippet_key(view: str, theme: str) -> str:
    """How the embed snippets of a view are keyed for the browser (presentation.js)."""
    return f"{view} {theme}"


def changes(base, target, path: tuple = ()) -> list[list]:
    """The assignments [path, value] and deletions [path] that turn `base` into
    `target` (plain JSON). Lists of objects of equal length are compared item by item;
    other lists — data arrays — are replaced whole when they differ."""
    if isinstance(base, dict) and isinstance(target, dict):
        found = [[[*path, key]] for key in base if key not in target]
        for key, value in target.items():
            if key in base:
                found += changes(base[key], value, (*path, key))
            else:
                found.append([[*path, key], value])
        return found
    if (
        isinstance(base, list)
        and isinstance(target, list)
        and len(base) == len(target)
        and any(isinstance(item, dict | list) for item in base)
    ):
        found = []
        for index, (before, after) in enumerate(zip(base, target, strict=True)):
            found += changes(before, after, (*path, index))
        return found
    return [] if base == target else [[list(path), target]]


def apply_changes(document, found: list[list]):
    """`document` with `found` applied (a new object: the input is never mutated)."""
    result = copy.deepcopy(document)
    for change in found:
        *parents, last = change[0]
        node = result
        for key in parents:
            node = node[key]
        if len(change) == 1:
            del node[last]
        else:
            node[last] = copy.deepcopy(change[1])
    return result


def bundle_presentations() -> list[tuple[str, str, str]]:
    """The presentations (view, theme, axis) a bundle is made from: each view in the
    default theme and axis, then each view a field affects with each other value."""
    wanted = [(view, DEFAULTS["theme"], DEFAULTS["axis"]) for view in VIEWS]
    for field, values in PRESENTATION.items():
        for value in values:
            if field == "view" or value == DEFAULTS[field]:
                continue
            for view in AFFECTED_VIEWS[field]:
                wanted.append(
                    presentation_key({**DEFAULTS, "view": view, field: value})
                )
    return wanted


def presentation_key(fields: Mapping[str, str]) -> tuple[str, str, str]:
    return (fields["view"], fields["theme"], fields["axis"])


def figure_bundle(built: Mapping[tuple[str, str, str], dict]) -> dict:
    """Every presentation of a chart, from `built`: plain figure JSON for each of
    `bundle_presentations()`, keyed by (view, theme, axis).

    "figure": the first view's figure in the default theme and axis; "views": each other
    view as the changes from the view before it in `order` (side by side and overlay
    draw the same rows, gap and ratio pair the same periods: the rows travel once);
    "changes": per field, per other value, per view it affects, the changes to that
    view's figure."""
    figures = {
        view: built[presentation_key({**DEFAULTS, "view": view})] for view in VIEWS
    }
    variants = {
        field: {
            value: {
                view: changes(
                    figures[view],
                    built[presentation_key({**DEFAULTS, "view": view, field: value})],
                )
                for view in AFFECTED_VIEWS[field]
            }
            for value in values
            if value != DEFAULTS[field]
        }
        for field, values in PRESENTATION.items()
        if field != "view"
    }
    return {
        "order": list(VIEWS),
        "figure": figures[VIEWS[0]],
        "views": {
            view: changes(figures[before], figures[view])
            for before, view in zip(VIEWS, VIEWS[1:], strict=False)
        },
        "changes": variants,
    }


def figure_from_bundle(bundle: dict, view: str, theme: str, axis: str) -> dict:
    """The figure a presentation shows: the first view's figure changed view by view up
    to the one asked for, then the theme's and the axis' changes applied."""
    figure = bundle["figure"]
    for step in bundle["order"][1 : bundle["order"].index(view) + 1]:
        figure = apply_changes(figure, bundle["views"][step])
    shown = {"theme": theme, "axis": axis}
    for field, by_value in bundle["changes"].items():
        found = by_value.get(shown[field], {}).get(view, [])
        figure = apply_changes(figure, found) if found else figure
    return figure
