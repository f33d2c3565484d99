/* Presentation toggles drawn in the browser, with no server round trip.
 *
 * The view (side by side, overlay, gap, ratio), the theme and the shared/free y-axis
 * change how the shown rows are drawn, not which rows. With each view the server sends a
 * bundle (components/charts/figures.py): every view's figure in the default theme and
 * axis (the first whole, each other as changes from the one before), and per other theme
 * and axis the changes — [path, value] assignments and [path] deletions — that turn a
 * view's figure into that variant. Each figure names the
 * presentation it shows in layout.meta. These functions are Dash client-side callbacks
 * (registered in components/callbacks.py); the URL keeps the presentation through the
 * History API, so a link, back and forward restore it.
 */
(function () {
  "use strict";

  var noUpdate = function () { return window.dash_clientside.no_update; };

  // Field → {default, allowed} (components.charts.figures.choices), kept for popstate.
  var known = null;

  function copy(value) {
    return value !== null && typeof value === "object" ? JSON.parse(JSON.stringify(value)) : value;
  }

  function get(document, path) {
    var node = document;
    for (var i = 0; i < path.length; i++) {
      if (node === null || typeof node !== "object" || !(path[i] in node)) {
        return {present: false};
      }
      node = node[path[i]];
    }
    return {present: true, value: node};
  }

  function applyChanges(document, changes) {
    changes.forEach(function (change) {
      var path = change[0];
      var parent = get(document, path.slice(0, -1)).value;
      var last = path[path.length - 1];
      // A copy: later changes may write inside it, and the bundle must stay as sent.
      if (change.length === 1) { delete parent[last]; } else { parent[last] = copy(change[1]); }
    });
  }

  // The changes a presentation needs from a view's figure, field by field.
  function changesFor(bundle, wanted) {
    var found = [];
    Object.keys(bundle.changes).forEach(function (field) {
      var byValue = bundle.changes[field][wanted[field]] || {};
      found = found.concat(byValue[wanted.view] || []);
    });
    return found;
  }

  // Every path any theme or axis value may change in a view's figure.
  function changeablePaths(bundle, view) {
    var seen = {};
    var paths = [];
    Object.keys(bundle.changes).forEach(function (field) {
      Object.keys(bundle.changes[field]).forEach(function (value) {
        (bundle.changes[field][value][view] || []).forEach(function (change) {
          var key = JSON.stringify(change[0]);
          if (!seen[key]) { seen[key] = true; paths.push(change[0]); }
        });
      });
    });
    return paths;
  }

  // The first view's figure, changed view by view up to the wanted one, then the
  // theme's and the axis' changes.
  function presented(bundle, wanted) {
    var figure = copy(bundle.figure);
    for (var i = 1; i <= bundle.order.indexOf(wanted.view); i++) {
      applyChanges(figure, bundle.views[bundle.order[i]]);
    }
    applyChanges(figure, changesFor(bundle, wanted));
    return figure;
  }

  // Does a figure's meta (the fields it depends on) match the wanted presentation?
  function shows(meta, wanted) {
    return Object.keys(wanted).every(function (field) {
      return !(field in meta) || meta[field] === wanted[field];
    });
  }

  // `search` with the presentation fields set (those at their default left out).
  function withPresentation(search, wanted, choices) {
    var params = new URLSearchParams(search || "");
    Object.keys(choices).forEach(function (field) {
      if (wanted[field] === choices[field]["default"]) {
        params["delete"](field);
      } else {
        params.set(field, wanted[field]);
      }
    });
    var text = params.toString();
    return text ? "?" + text : "";
  }

  function fromSearch(search, choices) {
    var params = new URLSearchParams(search || "");
    var found = {};
    Object.keys(choices).forEach(function (field) {
      var value = params.get(field);
      found[field] = choices[field].allowed.indexOf(value) >= 0 ? value : choices[field]["default"];
    });
    return found;
  }

  function sameSearch(a, b) { return (a || "").replace(/^\?$/, "") === (b || "").replace(/^\?$/, ""); }

  // Back and forward between two presentations of the same data: dcc.Location does not
  // see them (it only knows the URLs it wrote), so the controls are set from the URL here.
  function onPopState() {
    if (!known) { return; }
    var wanted = fromSearch(window.location.search, known);
    Object.keys(wanted).forEach(function (field) {
      window.dash_clientside.set_props(known[field].control, {value: wanted[field]});
    });
  }

  // Side by side stacks its panels on a narrow chart (assets/panels.js).
  var panels = window.sisterCitiesPanels;
  var lastWanted = null;

  function isNarrow() {
    var graph = document.getElementById("chart");
    return (graph ? graph.clientWidth : window.innerWidth) < panels.NARROW;
  }

  function drawn(bundle, wanted) {
    var target = presented(bundle, wanted);
    return isNarrow() ? panels.stacked(target) : target;
  }

  // A phone turned sideways (or a window resized) across the width where panels stack.
  var wasNarrow = null;
  window.addEventListener("resize", function () {
    var narrow = isNarrow();
    if (wasNarrow === null || narrow === wasNarrow || !lastWanted) { wasNarrow = narrow; return; }
    wasNarrow = narrow;
    window.dash_clientside.set_props("chart", {figure: drawn(lastWanted.bundle, lastWanted.wanted)});
  });

  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.presentation = {
    /* (view, theme, axis, bundle, figure, config) → [figure, config]: the same view in
       another theme or axis as a Patch of the paths those change; another view whole. */
    chart: function (view, theme, axis, bundle, figure, config) {
      var wanted = {view: view, theme: theme, axis: axis};
      if (!bundle || !bundle.order || bundle.order.indexOf(view) < 0) { return [noUpdate(), noUpdate()]; }
      var meta = (figure && figure.layout && figure.layout.meta) || null;
      lastWanted = {bundle: bundle, wanted: wanted};
      wasNarrow = isNarrow();
      var isStacked = Boolean(meta && meta.stacked);
      // The figure shown is the one wanted: redrawn only to (un)stack its panels.
      if (meta && shows(meta, wanted) &&
          (isStacked === wasNarrow || !(isStacked || panels.isSideBySide(figure)))) {
        return [noUpdate(), noUpdate()];
      }
      var target = drawn(bundle, wanted);
      var stack = Boolean(target.layout.meta && target.layout.meta.stacked);
      var filename = target.layout.meta.filename;
      var options = (config && config.toImageButtonOptions) || {};
      var newConfig = options.filename === filename ? noUpdate() : Object.assign({}, config, {
        toImageButtonOptions: Object.assign({}, options, {filename: filename})
      });
      if (!meta || meta.view !== view || stack || isStacked) { return [target, newConfig]; }
      var patch = new window.dash_clientside.Patch();
      changeablePaths(bundle, view).forEach(function (path) {
        var found = get(target, path);
        if (found.present) { patch.assign(path, found.value); } else { patch["delete"](path); }
      });
      return [patch.build(), newConfig];
    },

    /* (view, theme, axis, choices, langHref) → the page's theme class, whether the axis
       choice shows, the language link and share link for this presentation. Records the
       presentation in the URL (a new history entry) when it differs from the URL's. */
    page: function (view, theme, axis, choices, langHref) {
      var wanted = {view: view, theme: theme, axis: axis};
      if (!known) { window.addEventListener("popstate", onPopState); }
      known = choices;
      var inUrl = fromSearch(window.location.search, choices);
      var differs = Object.keys(wanted).some(function (field) { return inUrl[field] !== wanted[field]; });
      if (differs) {
        var search = withPresentation(window.location.search, wanted, choices);
        window.history.pushState(window.history.state, "", window.location.pathname + search + window.location.hash);
      }
      document.documentElement.dataset.theme = theme;
      var newLangHref = withPresentation((langHref || "").replace(/^[^?]*/, ""), wanted, choices);
      return [
        "page theme-" + theme,
        view !== "side",
        sameSearch(newLangHref, langHref) ? noUpdate() : newLangHref,
        window.location.origin + window.location.pathname + window.location.search
      ];
    },

    /* (view, theme, snippets) → the embed code for this presentation. */
    snippet: function (view, theme, snippets) {
      return (snippets && snippets[view + " " + theme]) || noUpdate();
    },

    /* The SVG export, named after the figure on screen (the modebar camera gives PNG). */
    svg: function (clicks) {
      var graph = document.querySelector("#chart .js-plotly-plot");
      if (clicks && graph && window.Plotly) {
        var meta = (graph.layout && graph.layout.meta) || {};
        window.Plotly.downloadImage(graph, {format: "svg", filename: meta.filename || "sistercities"});
      }
      return noUpdate();
    }
  };
}());
