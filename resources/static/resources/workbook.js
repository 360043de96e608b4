/* Holiday workbooks: immediate feedback, score, per-child progress. No dependency, keyboard only is enough.
 * Grading rules mirror resources/workbooks.py (the server grades again before keeping progress). */
(function () {
  "use strict";

  function fold(text) {
    return String(text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/\u2019/g, "'").toLowerCase().split(/\s+/).filter(Boolean).join(" ");
  }
  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }
  function sameSet(a, b) {
    a = a.slice().sort(); b = b.slice().sort();
    return a.length === b.length && a.every(function (v, i) { return v === b[i]; });
  }

  function readAnswer(section, spec) {
    if (spec.type === "multiple_choice") {
      return Array.prototype.map.call(section.querySelectorAll("input:checked"), function (el) { return Number(el.value); });
    }
    if (spec.type === "fill_blanks") {
      return Array.prototype.map.call(section.querySelectorAll("[data-blank]"), function (el) { return el.value; });
    }
    if (spec.type === "matching") {
      return Array.prototype.map.call(section.querySelectorAll("[data-match]"), function (el) {
        return el.value === "" ? -1 : Number(el.value);
      });
    }
    return Array.prototype.map.call(section.querySelectorAll("[data-order] > li"), function (li) { return Number(li.dataset.index); });
  }

  function writeAnswer(section, spec, answer) {
    if (!Array.isArray(answer)) { return; }
    if (spec.type === "multiple_choice") {
      section.querySelectorAll("input").forEach(function (el) { el.checked = answer.indexOf(Number(el.value)) !== -1; });
    } else if (spec.type === "fill_blanks") {
      section.querySelectorAll("[data-blank]").forEach(function (el, i) { el.value = answer[i] || ""; });
    } else if (spec.type === "matching") {
      section.querySelectorAll("[data-match]").forEach(function (el, i) { el.value = answer[i] >= 0 ? String(answer[i]) : ""; });
    } else {
      var list = section.querySelector("[data-order]");
      answer.forEach(function (index) {
        var li = list.querySelector('li[data-index="' + index + '"]');
        if (li) { list.appendChild(li); }
      });
    }
  }

  function grade(spec, answer) {
    var score = 0, expected;
    if (spec.type === "multiple_choice") {
      score = sameSet(answer, spec.solution) ? 1 : 0;
      expected = spec.solution.map(function (i) { return spec.choices[i]; });
    } else if (spec.type === "fill_blanks") {
      spec.solution.forEach(function (accepted, i) {
        if (accepted.map(fold).indexOf(fold(answer[i])) !== -1) { score += 1; }
      });
      expected = spec.solution.map(function (accepted) { return accepted[0]; });
    } else if (spec.type === "matching") {
      spec.solution.forEach(function (right, i) { if (answer[i] === right) { score += 1; } });
      expected = spec.left.map(function (left, i) { return left + " → " + spec.right[i]; });
    } else {
      score = answer.join(",") === spec.solution.join(",") ? 1 : 0;
      expected = spec.items.slice();
    }
    return { score: score, max: spec.max, correct: score === spec.max, expected: expected };
  }

  function init(root) {
    var specs = JSON.parse(document.getElementById("workbook-data").textContent);
    var text = JSON.parse(document.getElementById("workbook-i18n").textContent);
    var byId = {};
    specs.forEach(function (spec) { byId[spec.id] = spec; });

    function sectionFor(spec) { return root.querySelector('[data-exercise="' + spec.id + '"]'); }

    function check(section) {
      var spec = byId[section.dataset.exercise];
      var result = grade(spec, readAnswer(section, spec));
      var feedback = section.querySelector("[data-feedback]");
      feedback.textContent = "";
      var p = document.createElement("p");
      p.className = result.correct ? "feedback-right" : "feedback-wrong";
      p.textContent = result.correct ? text.correct : text.wrong + " " + result.expected.join(" ; ");
      feedback.appendChild(p);
      if (spec.correction) {
        var c = document.createElement("p");
        c.className = "correction";
        c.textContent = spec.correction;
        feedback.appendChild(c);
      }
      section.dataset.result = result.correct ? "right" : "wrong";
      return result;
    }

    root.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) { return; }
      if (button.hasAttribute("data-check")) {
        check(button.closest("[data-exercise]"));
      } else if (button.hasAttribute("data-move")) {
        var li = button.closest("li"), list = li.parentNode, step = Number(button.dataset.move);
        var sibling = step < 0 ? li.previousElementSibling : li.nextElementSibling;
        if (sibling) {
          list.insertBefore(li, step < 0 ? sibling : sibling.nextElementSibling);
          button.focus();
          var position = Array.prototype.indexOf.call(list.children, li) + 1;
          button.closest("[data-exercise]").querySelector("[data-feedback]").textContent = format(text.moved, { n: position });
        }
      } else if (button.hasAttribute("data-score-button")) {
        var total = 0, max = 0;
        specs.forEach(function (spec) { var r = check(sectionFor(spec)); total += r.score; max += r.max; });
        root.querySelector("[data-score]").textContent = format(text.score, { score: total, max: max });
      } else if (button.hasAttribute("data-save")) {
        save();
      }
    });

    var form = root.querySelector("[data-child-form]");
    function answers() {
      var result = {};
      specs.forEach(function (spec) { result[spec.id] = readAnswer(sectionFor(spec), spec); });
      return result;
    }
    function save() {
      var status = form.querySelector("[data-save-status]");
      fetch(root.dataset.progressUrl, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": form.querySelector("[name=csrfmiddlewaretoken]").value },
        body: JSON.stringify({ pupil: Number(form.querySelector("[data-pupil]").value), answers: answers() })
      }).then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      }).then(function (data) {
        status.textContent = text.saved + " " + format(text.score, { score: data.score, max: data.max });
      }).catch(function () { status.textContent = text.error; });
    }
    function load() {
      var pupil = form.querySelector("[data-pupil]").value;
      fetch(root.dataset.progressUrl + "?pupil=" + encodeURIComponent(pupil), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { answers: {} }; })
        .then(function (data) {
          specs.forEach(function (spec) { writeAnswer(sectionFor(spec), spec, data.answers[spec.id]); });
        });
    }
    if (form) {
      form.querySelector("[data-pupil]").addEventListener("change", load);
      load();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.querySelector("[data-workbook]");
    if (root) { init(root); }
  });
})();
