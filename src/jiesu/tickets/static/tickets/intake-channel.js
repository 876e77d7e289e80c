// The staff intake form shows the fields that belong to the chosen channel; without script every field stays
// visible. A static file, not an inline script: the Content-Security-Policy allows scripts from this site only.
(function () {
  "use strict";
  function start() {
    var form = document.getElementById("staff-intake");
    if (!form) {
      return;
    }
    var channel = form.querySelector("[name=channel]");
    if (!channel) {
      return;
    }
    function sync() {
      form.querySelectorAll("[data-show-for]").forEach(function (el) {
        el.hidden = el.getAttribute("data-show-for").split(" ").indexOf(channel.value) < 0;
      });
    }
    channel.addEventListener("change", sync);
    sync();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
