/* Side by side on a narrow screen: the two cities' panels one above the other, each
 * the full width (two columns of ~120 px cannot be read). Used by the dashboard
 * (presentation.js) and by embeds (standalone/embed.js), so the rule is written once.
 *
 * The server draws side by side as one row of subplots (components/charts/figures.py); this
 * turns such a figure into one column: the axes' domains, the panel titles (plotly
 * writes a subplot's title as a paper annotation centred above its column), the
 * second panel's tick labels and axis title, and a taller chart.
 */
(function () {
  "use strict";

  // Below this width (px) a figure's panels are stacked.
  var NARROW = 560;
  var GAP = 0.16; // between the two panels, as a share of the plot height

  function middle(domain) { return (domain[0] + domain[1]) / 2; }

  function isSideBySide(figure) {
    var layout = figure && figure.layout;
    return Boolean(layout && layout.xaxis2 && layout.xaxis && layout.xaxis.domain &&
      layout.xaxis.domain[1] < 1 && !(layout.meta && layout.meta.stacked));
  }

  function stacked(figure, height) {
    if (!isSideBySide(figure)) { return figure; }
    var copy = JSON.parse(JSON.stringify(figure));
    var layout = copy.layout;
    var columns = [middle(layout.xaxis.domain), middle(layout.xaxis2.domain)];
    var rows = [[0.5 + GAP / 2, 1], [0, 0.5 - GAP / 2]];
    layout.xaxis.domain = [0, 1];
    layout.xaxis2.domain = [0, 1];
    layout.yaxis.domain = rows[0];
    layout.yaxis2 = Object.assign({}, layout.yaxis2, {
      domain: rows[1], showticklabels: true, title: layout.yaxis.title
    });
    (layout.annotations || []).forEach(function (note) {
      if (note.xref !== "paper" || note.yref !== "paper" || note.y !== 1) { return; }
      columns.forEach(function (x, index) {
        if (Math.abs(note.x - x) < 1e-6) { note.x = 0.5; note.y = rows[index][1]; }
      });
    });
    layout.height = height || Math.round((layout.height || 380) * 1.7);
    layout.meta = Object.assign({}, layout.meta, {stacked: true});
    return copy;
  }

  window.sisterCitiesPanels = {NARROW: NARROW, isSideBySide: isSideBySide, stacked: stacked};
}());
