/* Title suggestions under the search box (arrow keys to move, Enter to open, Escape to close). */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var input = document.querySelector("[data-suggest-url]");
    if (!input) { return; }
    var list = document.getElementById(input.getAttribute("aria-controls"));
    var timer = null, active = -1;

    function close() { list.hidden = true; list.textContent = ""; active = -1; input.removeAttribute("aria-activedescendant"); }
    function show(items) {
      list.textContent = "";
      items.forEach(function (item, i) {
        var li = document.createElement("li"), a = document.createElement("a");
        li.id = "suggestion-" + i; li.setAttribute("role", "option");
        a.href = item.url; a.textContent = item.title; a.tabIndex = -1;
        li.appendChild(a); list.appendChild(li);
      });
      list.hidden = items.length === 0;
    }
    function move(step) {
      var items = list.querySelectorAll("li");
      if (!items.length) { return; }
      if (active >= 0) { items[active].removeAttribute("aria-selected"); }
      active = (active + step + items.length) % items.length;
      items[active].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", items[active].id);
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2) { close(); return; }
      timer = setTimeout(function () {
        fetch(input.dataset.suggestUrl + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
          .then(function (r) { return r.json(); })
          .then(function (data) { show(data.suggestions || []); })
          .catch(close);
      }, 150);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") { move(1); event.preventDefault(); }
      else if (event.key === "ArrowUp") { move(-1); event.preventDefault(); }
      else if (event.key === "Escape") { close(); }
      else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        window.location.href = list.querySelectorAll("a")[active].href;
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 200); });
  });
})();
