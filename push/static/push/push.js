/* "Recevoir les notifications sur cet appareil" (push app, docs/push.md): asks the browser's permission,
 * subscribes this device with Préau's VAPID public key through the service worker that webapp.js
 * registered, and sends the subscription with the kinds checked. Without the Push API the button stays
 * hidden and the page says why. */
(function () {
  "use strict";
  var form = document.querySelector("[data-push-form]");
  if (!form) return;
  var button = form.querySelector("[data-push-subscribe]");
  var status = form.querySelector("[data-push-status]");
  var unsupported = form.querySelector("[data-push-unsupported]");
  if (!("serviceWorker" in navigator && "PushManager" in window && "Notification" in window)) return;
  unsupported.hidden = true;
  button.hidden = false;

  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function say(text) { status.textContent = text; }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var kinds = Array.prototype.map.call(form.querySelectorAll("input[name=kinds]:checked"), function (box) { return box.value; });
    button.disabled = true;
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") throw new Error("denied");
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      return registration.pushManager.getSubscription().then(function (existing) {
        return existing || registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(form.dataset.key) });
      });
    }).then(function (subscription) {
      return fetch(form.dataset.url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify({ subscription: subscription.toJSON(), kinds: kinds }),
      });
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) {
          var refused = new Error("refused");
          refused.detail = data.error;  // a French message from Préau
          throw refused;
        }
        say(data.message);
        window.location.reload();
      });
    }).catch(function (error) {
      button.disabled = false;
      say(error.message === "denied" ? form.dataset.denied : (error.detail || form.dataset.failed));
    });
  });
}());
