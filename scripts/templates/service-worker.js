/*
 * The calculator page, offline after one visit over http (scripts/service_worker.py writes the
 * list below into the built site; javascripts/calculator-offline.js registers this worker).
 *
 * Only the calculator page and the files it loads are kept here, network first: online, a visitor
 * always gets the current page; offline, the copy from the last visit. The Python runtime is not
 * handled here: the calculator's own worker keeps it in Cache Storage under hashed URLs.
 * Pages opened from disk (file://) cannot use service workers, and never register this one.
 */
"use strict";

const PAGE_FILES = __PAGE_FILES__;
const VERSION = __VERSION__;
const CACHE = "shebao-calculator-page-" + VERSION;
const PREFIX = "shebao-calculator-page-";

const scopeURL = (path) => new URL(path, self.registration.scope).href;
const KEPT = new Set(PAGE_FILES.map(scopeURL));

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PAGE_FILES.map(scopeURL)))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith(PREFIX) && n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  url.search = "";
  url.hash = "";
  if (!KEPT.has(url.href)) return;
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(url.href, copy));
        }
        return response;
      })
      .catch(() => caches.match(url.href, { cacheName: CACHE }).then((hit) => hit || Response.error())),
  );
});
