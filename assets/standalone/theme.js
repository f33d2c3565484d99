/* Loaded synchronously in <head>: resolves data-theme="auto" from the reader's
   prefers-color-scheme before the first paint, so a dark host page never flashes white. */
(function () {
  var root = document.documentElement;
  if (root.dataset.theme !== "auto") { return; }
  var dark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)");
  root.dataset.auto = "1";
  root.dataset.theme = dark && dark.matches ? "dark" : "light";
})();
