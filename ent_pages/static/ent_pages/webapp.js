/* Préau as an installable app (ent_pages.webapp, docs/webapp.md): registers the service worker, keeps
 * only the signed-in user's offline pages, and offers to install the app where the browser allows it. */
(function () {
  "use strict";
  var USER_PREFIX = "preau-user-";
  var script = document.currentScript;
  var meta = document.querySelector('meta[name="preau-offline-key"]');

  // Who this page was built for ("" for a visitor not signed in; no meta on the offline page):
  // every other user's offline pages are deleted, whether or not the worker runs yet.
  if (meta) {
    var keep = meta.content ? USER_PREFIX + meta.content : null;
    if (window.caches) {
      caches.keys().then(function (names) {
        return Promise.all(names.filter(function (name) {
          return name.indexOf(USER_PREFIX) === 0 && name !== keep;
        }).map(function (name) { return caches.delete(name); }));
      });
    }
  }

  if ("serviceWorker" in navigator && script && script.dataset.worker) {
    navigator.serviceWorker.register(script.dataset.worker, { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      if (meta && registration.active) {
        registration.active.postMessage({ type: "signed-in-as", key: meta.content });
      }
    }).catch(function () { /* no worker (private browsing, old browser): the site works online */ });
  }

  // "Installer Préau sur ce téléphone": shown only when the browser offers installation.
  var button = document.querySelector("[data-install-app]");
  if (!button) return;
  var offer = null;
  window.addEventListener("beforeinstallprompt", function (event) {
    event.preventDefault();
    offer = event;
    button.hidden = false;
  });
  button.addEventListener("click", function () {
    if (!offer) return;
    var shown = offer;
    offer = null;
    button.hidden = true;
    shown.prompt();
  });
  window.addEventListener("appinstalled", function () {
    offer = null;
    button.hidden = true;
  });
}());
