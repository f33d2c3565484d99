/* The embed's chart: draws the figure for the current theme, follows the reader's
   colour scheme when theme=auto, and tells the host page its height (embed-host.js). */
(function () {
  var root = document.documentElement;
  var holder = document.getElementById("chart");
  var figures = JSON.parse(document.getElementById("figures").textContent);

  function height() {
    // Wide enough: the figure's own height; narrow screens get a shorter chart.
    return Math.round(Math.max(260, Math.min(420, holder.clientWidth * 0.62)));
  }

  function draw() {
    if (!window.Plotly) { return; }
    // The first paint (static SVG) gives way to the interactive chart.
    holder.querySelectorAll(".first-paint").forEach(function (paint) { paint.remove(); });
    var figure = figures[root.dataset.theme] || figures.light || figures.dark;
    var narrow = holder.clientWidth < window.sisterCitiesPanels.NARROW;
    // Side by side on a phone: one panel above the other, each the full width.
    if (narrow) { figure = window.sisterCitiesPanels.stacked(figure, 2 * height()); }
    var layout = Object.assign({}, figure.layout, {
      autosize: true, height: figure.layout.meta && figure.layout.meta.stacked ? figure.layout.height : height()
    });
    delete layout.width;
    window.Plotly.react(holder, figure.data, layout, {
      responsive: true, displaylogo: false, displayModeBar: false
    });
    holder.dataset.drawn = root.dataset.theme;
  }

  function tellHost() {
    if (window.parent === window) { return; }
    window.parent.postMessage({
      type: "sistercities:embed-height",
      height: Math.ceil(document.documentElement.getBoundingClientRect().height),
      href: window.location.href
    }, "*");
  }

  if (root.dataset.auto && window.matchMedia) {
    window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", function (event) {
      root.dataset.theme = event.matches ? "dark" : "light";
      draw();
    });
  }
  var lastWidth = holder.clientWidth;
  window.addEventListener("resize", function () {
    if (holder.clientWidth !== lastWidth) { lastWidth = holder.clientWidth; draw(); }
  });
  if (window.ResizeObserver) { new ResizeObserver(tellHost).observe(document.body); }
  window.addEventListener("load", tellHost);

  // With a first paint, plotly.js loads when the reader reaches for the chart.
  var reach = ["pointerover", "touchstart", "focusin", "click"];
  function loadPlotly() {
    reach.forEach(function (name) { holder.removeEventListener(name, loadPlotly); });
    var script = document.createElement("script");
    script.src = holder.dataset.plotly;
    script.addEventListener("load", draw);
    document.head.appendChild(script);
  }
  if (holder.dataset.plotly && !window.Plotly) {
    reach.forEach(function (name) {
      holder.addEventListener(name, loadPlotly, {passive: true});
    });
  } else {
    draw();
  }
  tellHost();
})();
