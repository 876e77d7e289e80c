// R2.7: the dispatch form's matter search. The Office types what the request is about; the dispatch catalogue's
// matching matters are listed; choosing one proposes its responsible unit (and default co-handling units) in the
// dispatch form that follows. Nothing is sent until the Office presses the form's own button.
(function () {
  "use strict";
  if (window.jiesuMatterSearch) return;
  window.jiesuMatterSearch = true;
  var timer = null;

  function formAfter(box) {
    var el = box.nextElementSibling;
    while (el && el.tagName !== "FORM") el = el.nextElementSibling;
    return el;
  }

  function choose(box, hit) {
    var form = formAfter(box);
    if (!form) return;
    var select = form.querySelector("select[name=lead_unit]");
    if (select) {
      select.value = String(hit.unit_id);
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }
    form.querySelectorAll("input[name=cohandling_units]").forEach(function (box) {
      if (hit.cohandler_ids.indexOf(Number(box.value)) >= 0) box.checked = true;
    });
    box.querySelector(".matter-chosen").textContent = box.dataset.chosen
      .replace("{matter}", hit.path)
      .replace("{unit}", hit.unit);
  }

  function show(box, results) {
    var list = box.querySelector(".matter-hits");
    list.replaceChildren();
    if (!results.length) {
      var none = document.createElement("li");
      none.className = "muted";
      none.textContent = box.dataset.none;
      list.appendChild(none);
      return;
    }
    results.forEach(function (hit) {
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-small";
      button.setAttribute("data-testid", "matter-hit");
      button.setAttribute("data-unit", hit.unit);
      var co = hit.cohandlers.length ? "（" + box.dataset.co + hit.cohandlers.join("、") + "）" : "";
      button.textContent = hit.path + " → " + hit.unit + co;
      button.addEventListener("click", function () { choose(box, hit); });
      item.appendChild(button);
      list.appendChild(item);
    });
  }

  function run(box) {
    var input = box.querySelector("input");
    var query = input.value.trim();
    if (!query) {
      box.querySelector(".matter-hits").replaceChildren();
      return;
    }
    fetch(box.dataset.url + "?q=" + encodeURIComponent(query), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) {
        if (input.value.trim() === query) show(box, data.results);
      })
      .catch(function () { show(box, []); });
  }

  document.addEventListener("input", function (event) {
    var box = event.target.closest && event.target.closest("[data-matter-search]");
    if (!box) return;
    clearTimeout(timer);
    timer = setTimeout(function () { run(box); }, 250);
  });
})();
