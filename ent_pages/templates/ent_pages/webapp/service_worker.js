{% autoescape off %}/* Préau's service worker (ent_pages.webapp, docs/webapp.md). Version {{ version }}.
 *
 * - The app shell (CSS, scripts, icons, the offline page) is kept in one shared cache, answered from
 *   the cache and refreshed behind (stale-while-revalidate).
 * - Pages are always asked from the network first. A page whose response names a user's offline key
 *   (header {{ key_header }}, set by the server for families' home, notes and homework) is kept in that
 *   user's own cache, "preau-user-<key>"; every other user's cache is deleted first, so only one
 *   user's pages are ever on the device. Offline, a page comes from that cache, else the offline page.
 * - Never answered here: the admin and private files (photos, documents: their signed links expire
 *   and are never kept).
 * - At logout the server sends Clear-Site-Data, and every page says who it was built for: the page
 *   script deletes other users' caches and tells this worker the same ("signed-in-as").
 */
"use strict";

const VERSION = "{{ version }}";
const SHELL_CACHE = "preau-shell-" + VERSION;
const USER_PREFIX = "preau-user-";
const SHELL = {{ shell }};
const OFFLINE_URL = {{ offline_url }};
const KEY_HEADER = {{ key_header }};
const IGNORED = {{ ignores }};
const MAX_PAGES = {{ max_pages }};
const KEY_PATTERN = /^[0-9a-f]{32}$/;
const ICON = {{ icon }};
const HOME_URL = {{ home_url }};

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(
        names.filter((name) => name.startsWith("preau-shell-") && name !== SHELL_CACHE).map((name) => caches.delete(name)),
      ))
      .then(() => self.clients.claim()),
  );
});

/** Delete every user's cache but `keep` (a cache name, or null for all of them). */
async function forgetUsers(keep) {
  const names = await caches.keys();
  await Promise.all(names.filter((name) => name.startsWith(USER_PREFIX) && name !== keep).map((name) => caches.delete(name)));
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "signed-in-as") {
    const key = KEY_PATTERN.test(data.key || "") ? data.key : "";
    event.waitUntil(forgetUsers(key ? USER_PREFIX + key : null));
  }
});

async function keep(key, url, response) {
  const name = USER_PREFIX + key;
  await forgetUsers(name);
  const cache = await caches.open(name);
  await cache.put(url, response);
  const urls = await cache.keys();  // oldest first: a page read again moves to the end
  await Promise.all(urls.slice(0, Math.max(0, urls.length - MAX_PAGES)).map((old) => cache.delete(old)));
}

async function keptPage(url) {
  const names = (await caches.keys()).filter((name) => name.startsWith(USER_PREFIX));
  for (const name of names) {
    const response = await (await caches.open(name)).match(url, { ignoreVary: true });
    if (response) return response;
  }
  return null;
}

async function page(event) {
  const request = event.request;
  try {
    const response = await fetch(request);
    const key = response.headers.get(KEY_HEADER) || "";
    if (response.status === 200 && response.type === "basic" && KEY_PATTERN.test(key)) {
      event.waitUntil(keep(key, request.url, response.clone()));
    }
    return response;
  } catch (error) {
    return (await keptPage(request.url)) || (await caches.match(OFFLINE_URL, { cacheName: SHELL_CACHE })) || Response.error();
  }
}

async function shellFile(event) {
  const cache = await caches.open(SHELL_CACHE);
  const cached = await cache.match(event.request);
  const fresh = fetch(event.request).then((response) => {
    if (response.ok) return cache.put(event.request, response.clone()).then(() => response);
    return response;
  });
  if (cached) {
    event.waitUntil(fresh.catch(() => null));
    return cached;
  }
  return fresh;
}

/* Push notifications (push app, docs/push.md): the payload says a class and a kind of news, never a
 * child's name nor what was written, and a link inside Préau, opened on click. */
function insideUrl(value) {
  try {
    const url = new URL(value || HOME_URL, self.location.origin);
    return url.origin === self.location.origin ? url.href : new URL(HOME_URL, self.location.origin).href;
  } catch (error) {
    return new URL(HOME_URL, self.location.origin).href;
  }
}

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = {};
  }
  event.waitUntil(self.registration.showNotification(data.title || "Préau", {
    body: data.body || "", tag: data.tag || "preau", lang: data.lang || "fr", icon: ICON, badge: ICON,
    data: { url: insideUrl(data.url) },
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = insideUrl(event.notification.data && event.notification.data.url);
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
    const open = windows.find((client) => client.url === url && "focus" in client);
    return open ? open.focus() : self.clients.openWindow(url);
  }));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || IGNORED.some((prefix) => url.pathname.startsWith(prefix))) return;
  if (request.mode === "navigate") {
    event.respondWith(page(event));
  } else if (SHELL.includes(url.pathname)) {
    event.respondWith(shellFile(event));
  }
});
{% endautoescape %}
