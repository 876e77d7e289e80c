// Site-wide behaviour (issue 14 items 1-2). A static file, not an inline script: the Content-Security-Policy
// allows scripts from this site only. Every page works without it; it only adds comfort on top.
(function () {
  "use strict";

  var texts = {};

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) {
      return String(values[key]);
    });
  }

  // A field with a maximum length shows how much is used; going over is said in words and blocks sending,
  // instead of the browser silently cutting pasted text at maxlength.
  function counter(field) {
    var max = parseInt(field.getAttribute("maxlength"), 10);
    if (!max || field.dataset.counted || field.type === "hidden") {
      return;
    }
    field.dataset.counted = "1";
    field.removeAttribute("maxlength");
    field.dataset.maxlength = String(max);
    var note = document.createElement("small");
    note.className = "counter";
    note.setAttribute("aria-live", "polite");
    note.dataset.testid = "char-counter";
    field.insertAdjacentElement("afterend", note);
    function update() {
      var used = field.value.length;
      var over = used - max;
      note.classList.toggle("over", over > 0);
      if (over > 0) {
        var message = format(texts.over || "{over} characters too many (at most {max})", {
          over: over,
          max: max,
        });
        note.textContent = message;
        field.setCustomValidity(message);
      } else {
        note.textContent = format(texts.count || "{used} / {max}", { used: used, max: max });
        field.setCustomValidity("");
      }
      note.hidden = field.tagName !== "TEXTAREA" && used < max * 0.8 && over <= 0;
    }
    field.addEventListener("input", update);
    update();
  }

  // Tables become one card per row on a phone: every cell is labelled with its column's heading.
  function stack(table) {
    var heads = table.querySelectorAll("thead th");
    if (!heads.length) {
      return;
    }
    table.classList.add("table-stack");
    table.querySelectorAll("tbody tr").forEach(function (row) {
      var cells = row.children;
      if (cells.length !== heads.length) {
        return;
      }
      for (var i = 0; i < cells.length; i++) {
        var label = heads[i].textContent.trim();
        if (label && !cells[i].hasAttribute("data-label")) {
          cells[i].setAttribute("data-label", label);
        }
      }
    });
  }

  // On a phone a list's filter form folds behind one button, so the list itself is on the first screen.
  var phone = window.matchMedia("(max-width: 720px)");

  function fold(form) {
    if (form.dataset.folded || !phone.matches) {
      return;
    }
    form.dataset.folded = "1";
    var set = 0;
    new URLSearchParams(window.location.search).forEach(function (value, key) {
      if (value && key !== "page" && key !== "before" && key !== "after") {
        set += 1;
      }
    });
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-small filter-toggle";
    button.dataset.testid = "filter-toggle";
    button.setAttribute("aria-expanded", "false");
    button.textContent = (texts.filters || "Filters") + (set ? " (" + set + ")" : "") + " ▾";
    form.hidden = true;
    button.addEventListener("click", function () {
      form.hidden = !form.hidden;
      button.setAttribute("aria-expanded", String(!form.hidden));
    });
    form.insertAdjacentElement("beforebegin", button);
  }

  function enhance(root) {
    root.querySelectorAll("textarea[maxlength], input[maxlength]").forEach(counter);
    root.querySelectorAll("main table.table").forEach(stack);
    root.querySelectorAll('main form[method=get][data-testid$="filters"]').forEach(fold);
  }

  function start() {
    // The words come translated from the page (data-text-* on <body>): no inline script is allowed.
    texts = {
      count: document.body.dataset.textCount,
      over: document.body.dataset.textOver,
      filters: document.body.dataset.textFilters,
    };
    enhance(document);
    // Forms swapped in by htmx (the ticket page's actions) get the same treatment.
    document.body.addEventListener("htmx:afterSwap", function (event) {
      enhance(event.target.parentNode || document);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
