/* Civitas service worker: the app shell and a few reads stay available without network, so a grid
 * worker can reopen the app offline and keep working; their changes wait in IndexedDB (see
 * src/features/cases/offline-queue.ts). Hand-written to stay small and auditable. */
const SHELL = 'civitas-shell-v2';
const DATA = 'civitas-data-v2';

/* GET reads a grid worker needs for the day offline (their account, the categories and their rules,
 * the task list, each task they opened and its timeline and photos list); answered from the network
 * first, the cache after. Pages whose reads are not here say offline that they need the network. */
const CACHED_READS = [
  /^\/api\/v1\/auth\/me$/,
  /^\/api\/v1\/config\/public$/,
  /^\/api\/v1\/case-categories$/,
  /^\/api\/v1\/cases$/,
  /^\/api\/v1\/cases\/[0-9a-f-]{36}(\/timeline|\/attachments)?$/,
  /^\/api\/v1\/notifications$/,
];

/* Every page's code, from the build's list (vite.config.ts), so no route goes white offline. */
async function listedAssets() {
  const listed = await fetch('/offline-assets.json', { cache: 'no-store' })
    .then((r) => (r.ok ? r.json() : []))
    .catch(() => []);
  return Array.isArray(listed) ? listed.filter((u) => typeof u === 'string' && u.startsWith('/assets/')) : [];
}

/* Hashed names never change content: fetch only what is not cached yet (phone data is dear). */
async function addMissing(cache, urls) {
  const unique = [...new Set(urls)];
  const missing = await Promise.all(unique.map(async (u) => ((await cache.match(u)) ? null : u)));
  await cache.addAll(missing.filter((u) => u !== null));
}

async function cacheShell() {
  const cache = await caches.open(SHELL);
  const response = await fetch('/', { cache: 'no-store' });
  if (!response.ok) return;
  const html = await response.clone().text();
  await cache.put('/', response);
  const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
  await addMissing(cache, [...assets, ...(await listedAssets())]);
}

self.addEventListener('install', (event) => {
  event.waitUntil(cacheShell().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== SHELL && k !== DATA).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

/* The page tells the worker which hashed chunks and reads it loaded before the worker took control. */
self.addEventListener('message', (event) => {
  const data = event.data;
  if (!data || data.type !== 'cache-assets' || !Array.isArray(data.urls)) return;
  const urls = data.urls.filter((u) => typeof u === 'string' && u.startsWith('/assets/'));
  const reads = (Array.isArray(data.reads) ? data.reads : []).filter(
    (u) =>
      typeof u === 'string' && CACHED_READS.some((re) => re.test(new URL(u, self.location.origin).pathname)),
  );
  event.waitUntil(
    Promise.all([
      // A build newer than this worker's install brings chunks the install never saw.
      Promise.all([caches.open(SHELL), listedAssets()]).then(([cache, listed]) =>
        addMissing(cache, [...urls, ...listed]),
      ),
      caches.open(DATA).then((cache) => cache.addAll(reads)),
    ]).then(
      () => event.source && event.source.postMessage({ type: 'assets-cached', ok: true }),
      () => event.source && event.source.postMessage({ type: 'assets-cached', ok: false }),
    ),
  );
});

async function networkFirst(request, cacheName, fallbackKey) {
  const cache = await caches.open(cacheName);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(fallbackKey ?? request, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(fallbackKey ?? request);
    if (cached) return cached;
    throw error;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(SHELL);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method !== 'GET') {
    // Signing out must not leave the last user's data readable offline.
    if (url.pathname === '/api/v1/auth/logout') event.waitUntil(caches.delete(DATA));
    return;
  }
  if (request.mode === 'navigate') {
    event.respondWith(networkFirst(request, SHELL, '/'));
  } else if (url.pathname.startsWith('/assets/')) {
    // Hashed file names never change content, so the cached copy is always right.
    event.respondWith(cacheFirst(request));
  } else if (CACHED_READS.some((re) => re.test(url.pathname))) {
    event.respondWith(networkFirst(request, DATA));
  }
});
