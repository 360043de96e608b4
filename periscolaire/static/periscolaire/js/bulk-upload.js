/* Bulk photo upload into a gallery (periscolaire): one request per photo, in order, with progress.
 * A photo that fails (corrupt file, network error) is marked with the server's message and can be
 * sent again; the others go on. No dependency, no CDN. */
(function () {
  "use strict";

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }

  function init(form) {
    var input = form.querySelector('input[type="file"]');
    var list = form.querySelector("[data-list]");
    var summary = form.querySelector("[data-summary]");
    var labels = summary.dataset;
    var csrf = form.querySelector('input[name="csrfmiddlewaretoken"]').value;
    var url = form.dataset.uploadUrl;
    var maxBytes = parseInt(form.dataset.maxBytes, 10) || 0;
    var queue = [];
    var items = [];
    var busy = false;

    function refresh() {
      var done = items.filter(function (i) { return i.state === "done"; }).length;
      var failed = items.filter(function (i) { return i.state === "failed"; }).length;
      var text = format(labels.labelProgress, { done: done, total: items.length });
      if (failed) { text += " " + format(labels.labelFailed, { failed: failed }); }
      summary.textContent = text;
    }

    function setState(item, state, message) {
      item.state = state;
      item.status.textContent = message;
      item.row.className = "periscolaire-upload__item is-" + state;
      item.retry.hidden = state !== "failed";
      refresh();
    }

    function send(item) {
      return new Promise(function (resolve) {
        if (maxBytes && item.file.size > maxBytes) {
          setState(item, "failed", labels.labelTooBig);
          item.retry.hidden = true;
          resolve();
          return;
        }
        var data = new FormData();
        data.append("photo", item.file, item.file.name);
        var xhr = new XMLHttpRequest();
        xhr.open("POST", url);
        xhr.setRequestHeader("X-CSRFToken", csrf);
        xhr.setRequestHeader("Accept", "application/json");
        xhr.upload.onprogress = function (event) {
          if (event.lengthComputable) { item.bar.value = Math.round((event.loaded / event.total) * 100); }
        };
        xhr.onload = function () {
          var answer = null;
          try { answer = JSON.parse(xhr.responseText); } catch (e) { answer = null; }
          if (xhr.status >= 200 && xhr.status < 300 && answer && answer.ok) {
            item.bar.value = 100;
            if (answer.thumbnail) {
              var img = document.createElement("img");
              img.src = answer.thumbnail; img.alt = ""; img.width = 60;
              item.row.insertBefore(img, item.row.firstChild);
            }
            setState(item, "done", [labels.labelDone].concat(answer.notes || []).join(" "));
          } else {
            setState(item, "failed", (answer && answer.error) || labels.labelNetwork);
          }
          resolve();
        };
        xhr.onerror = function () { setState(item, "failed", labels.labelNetwork); resolve(); };
        setState(item, "sending", labels.labelSending);
        xhr.send(data);
      });
    }

    function pump() {
      if (busy) { return; }
      var item = queue.shift();
      if (!item) { return; }
      busy = true;
      send(item).then(function () { busy = false; pump(); });
    }

    function add(file) {
      var row = document.createElement("li");
      var name = document.createElement("span");
      name.className = "periscolaire-upload__name";
      name.textContent = file.name;
      var bar = document.createElement("progress");
      bar.max = 100; bar.value = 0;
      var status = document.createElement("span");
      status.className = "periscolaire-upload__status";
      var retry = document.createElement("button");
      retry.type = "button"; retry.className = "button button-small button-secondary";
      retry.textContent = labels.labelRetry; retry.hidden = true;
      row.append(name, bar, status, retry);
      list.appendChild(row);
      var item = { file: file, row: row, bar: bar, status: status, retry: retry, state: "waiting" };
      retry.addEventListener("click", function () {
        bar.value = 0;
        setState(item, "waiting", labels.labelWaiting);
        queue.push(item);
        pump();
      });
      items.push(item);
      setState(item, "waiting", labels.labelWaiting);
      queue.push(item);
    }

    input.addEventListener("change", function () {
      Array.prototype.forEach.call(input.files, add);
      input.value = "";
      pump();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-periscolaire-upload]"), init);
  });
})();
