/* For pages that embed Sister Cities charts: sizes each
   <iframe data-sistercities-embed> to its content. Without this script an embed keeps
   the height its iframe was given. Only messages from the iframe's own window count. */
(function () {
  if (window.sisterCitiesEmbedHost) { return; }
  window.sisterCitiesEmbedHost = true;
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.type !== "sistercities:embed-height") { return; }
    var height = Number(data.height);
    if (!isFinite(height) || height < 100 || height > 5000) { return; }
    var frames = document.querySelectorAll("iframe[data-sistercities-embed]");
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === event.source) {
        frames[i].style.height = height + "px";
        frames[i].setAttribute("height", String(height));
      }
    }
  });
})();
