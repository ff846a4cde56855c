// headroom's service worker, written into dist/ by scripts/csp.mjs with this
// build's version and files. It precaches every file of the build on install,
// answers from that cache (the network only for what is not in it), drops the
// caches of older builds of the same scope when it takes over, and waits to take
// over until the page asks (the "newer version" notice of sw-register.js).
const VERSION = '__VERSION__';
const FILES = __FILES__;
const PREFIX = `headroom:${self.registration.scope}:`;
const CACHE = PREFIX + VERSION;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES)));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith(PREFIX) && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(
    caches.open(CACHE).then((cache) =>
      cache.match(request, { ignoreSearch: true }).then(
        (hit) =>
          hit ||
          fetch(request).catch(() =>
            request.mode === 'navigate' ? cache.match('./') : Promise.reject(new Error('offline')),
          ),
      ),
    ),
  );
});
