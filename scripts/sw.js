// headroom's service worker, written into dist/ by scripts/csp.mjs with this
// build's version and files. It precaches every file of the build on install,
// answers from that cache (the network only for what is not in it), keeps the
// previous build's cache when it takes over (a tab still on that build fetches
// its pages from it) and drops older ones, and waits to take over until the page
// asks (the "newer version" notice of sw-register.js).
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
      // Cache names come in the order they were created: the last older one is
      // the previous build's.
      .then((keys) => {
        const older = keys.filter((k) => k.startsWith(PREFIX) && k !== CACHE);
        return Promise.all(older.slice(0, -1).map((k) => caches.delete(k)));
      })
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
      cache
        .match(request, { ignoreSearch: true })
        // A file of the previous build (its names carry their content's hash),
        // asked for by a tab still on it.
        .then((hit) => hit || caches.match(request, { ignoreSearch: true }))
        .then(
          (hit) =>
            hit ||
            fetch(request).catch(() =>
              request.mode === 'navigate' ? cache.match('./') : Promise.reject(new Error('offline')),
            ),
        ),
    ),
  );
});
