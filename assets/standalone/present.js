/* The stage mode (/present): keyboard and clicker control, auto-advance with a progress
   bar, an idle loop that restarts the deck, and live values that age gracefully when
   the network drops. Everything else is already in the page. */
(function () {
  var config = JSON.parse(document.getElementById("deck-data").textContent);
  var slides = Array.prototype.slice.call(document.querySelectorAll(".slide"));
  var counter = document.getElementById("counter");
  var pausedLabel = document.getElementById("paused");
  var fill = document.getElementById("progress-fill");
  var drawn = {};
  var current = 0;
  var paused = false;
  var interval = config.interval * 1000;
  var idleLoop = false; // auto-advancing because nobody touched the keys for a while
  var lastInput = Date.now();
  var slideStart = Date.now();
  var IDLE_INTERVAL = 15000; // pace of the idle loop when the deck is driven by hand

  function pace() { return interval || (idleLoop ? IDLE_INTERVAL : 0); }

  function draw(index) {
    var holder = document.getElementById("chart-" + index);
    if (!holder || !window.Plotly) { return; }
    if (drawn[index]) { window.Plotly.Plots.resize(holder); return; }
    var figure = config.figures[index];
    window.Plotly.newPlot(holder, figure.data, figure.layout, {
      responsive: true, displayModeBar: false, staticPlot: true
    }).then(function () { holder.dataset.drawn = "1"; });
    drawn[index] = true;
  }

  function show(index) {
    if (!slides.length) { return; }
    current = (index + slides.length) % slides.length;
    slides.forEach(function (slide, i) { slide.hidden = i !== current; });
    counter.textContent = (current + 1) + " / " + slides.length;
    document.body.dataset.slide = String(current);
    slideStart = Date.now();
    draw(current);
  }

  function setPaused(value) {
    paused = value;
    pausedLabel.hidden = !paused;
    slideStart = Date.now();
  }

  function touched() {
    lastInput = Date.now();
    idleLoop = false;
  }

  document.addEventListener("keydown", function (event) {
    var key = event.key;
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    var handled = true;
    if (key === "ArrowRight" || key === "PageDown" || key === " " || key === "Spacebar") {
      show(current + 1);
    } else if (key === "ArrowLeft" || key === "PageUp") {
      show(current - 1);
    } else if (key === "Home") {
      show(0);
    } else if (key === "End") {
      show(slides.length - 1);
    } else if (key === "p" || key === "P") {
      setPaused(!paused);
    } else if (key === "f" || key === "F") {
      if (document.fullscreenElement) {
        document.exitFullscreen().catch(function () {});
      } else if (document.documentElement.requestFullscreen) {
        document.documentElement.requestFullscreen().catch(function () {});
      }
    } else {
      handled = false;
    }
    if (handled) { event.preventDefault(); touched(); }
  });

  function tick() {
    var now = Date.now();
    if (!idleLoop && now - lastInput > config.idle * 1000) {
      // Nobody is presenting: restart the deck and let it run by itself.
      idleLoop = true;
      setPaused(false);
      show(0);
    }
    var every = pace();
    if (!every || paused) {
      fill.style.width = "0";
      return;
    }
    var done = (now - slideStart) / every;
    if (done >= 1) { show(current + 1); done = 0; }
    fill.style.width = (done * 100).toFixed(1) + "%";
  }

  // Live values: ages in the page's language; on a failed fetch the last values stay.
  var ages = window.Intl && Intl.RelativeTimeFormat
    ? new Intl.RelativeTimeFormat(config.lang, { numeric: "auto" }) : null;
  var numbers = new Intl.NumberFormat(config.lang, { maximumFractionDigits: 0 });

  function age(time) {
    var seconds = (new Date(time).getTime() - Date.now()) / 1000;
    var units = [["year", 31536000], ["month", 2592000], ["day", 86400], ["hour", 3600], ["minute", 60]];
    for (var i = 0; i < units.length; i++) {
      if (Math.abs(seconds) >= units[i][1] || i === units.length - 1) {
        var value = Math.round(seconds / units[i][1]);
        return ages ? ages.format(value, units[i][0]) : "";
      }
    }
    return "";
  }

  function showLive(values) {
    values.forEach(function (tile) {
      Object.keys(tile.cities).forEach(function (city) {
        var point = tile.cities[city];
        var holder = document.querySelector(
          '.live-point[data-kind="' + tile.kind + '"][data-city="' + city + '"]');
        if (!holder) { return; }
        var value = holder.querySelector(".live-value");
        var unit = value.textContent.replace(/^[\d\s.,\u202f\u00a0]+/, "");
        value.textContent = numbers.format(point.value) + " " + unit;
        holder.querySelector(".live-age").dataset.time = point.time;
        holder.dataset.stale = point.stale ? "1" : "";
      });
    });
  }

  // A value is stale when the server says so, or once it is older than its indicator
  // allows: offline, the strip keeps aging and marks it by itself.
  function refreshAges() {
    document.querySelectorAll(".live-point").forEach(function (holder) {
      var span = holder.querySelector(".live-age");
      if (!span || !span.dataset.time) { return; }
      span.textContent = " (" + age(span.dataset.time) + ")";
      var limit = parseFloat(holder.dataset.staleAfter);
      var old = limit > 0 && (Date.now() - new Date(span.dataset.time).getTime()) / 1000 > limit;
      var mark = holder.querySelector(".live-stale");
      if (mark) { mark.hidden = !(old || holder.dataset.stale === "1"); }
    });
  }

  function poll() {
    if (!window.fetch) { return; }
    fetch("/api/latest", { cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (values) {
        document.body.dataset.offline = values ? "" : "1";
        if (values) { showLive(values); refreshAges(); }
      })
      .catch(function () { document.body.dataset.offline = "1"; });
  }

  show(0);
  refreshAges();
  setInterval(tick, 200);
  setInterval(refreshAges, 30000);
  setInterval(poll, 60000);
  window.addEventListener("load", function () { draw(current); });
})();
