/* global self, caches, fetch, Response, URL */
/*
 * Offline shell for the browser client: a member who reloads during a network cut gets the app
 * back (from this cache) and, from IndexedDB, everything they had plus their unsent edits.
 * Pages: network first, cache as fallback. Hashed assets: cache first. Nothing else is touched
 * (socket.io, /healthz, /metrics go straight to the network).
 */
const CACHE = 'warroom-shell-v1';
const SHELL = new URL('./', self.location.href).href;

async function cacheShell(response) {
  const cache = await caches.open(CACHE);
  const html = await response.clone().text();
  await cache.put(SHELL, response);
  const assets = [...html.matchAll(/(?:src|href)="([^"]*assets\/[^"]+)"/g)].map((m) => new URL(m[1], SHELL).href);
  await Promise.all(assets.map(async (url) => {
    if (await cache.match(url)) return;
    const r = await fetch(url);
    if (r.ok) await cache.put(url, r);
  }));
}

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const res = await fetch(SHELL, { cache: 'no-store' });
    if (res.ok) await cacheShell(res);
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (req.mode === 'navigate') {
    event.respondWith((async () => {
      try {
        const res = await fetch(req);
        if (res.ok) event.waitUntil(cacheShell(res.clone()).catch(() => undefined));
        return res;
      } catch {
        return (await caches.match(SHELL)) ?? Response.error();
      }
    })());
  } else if (url.pathname.includes('/assets/')) {
    event.respondWith((async () => {
      const hit = await caches.match(req);
      if (hit) return hit;
      const res = await fetch(req);
      if (res.ok) {
        const copy = res.clone();
        event.waitUntil(caches.open(CACHE).then((c) => c.put(req, copy)));
      }
      return res;
    })());
  }
});
