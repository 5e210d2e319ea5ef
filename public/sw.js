/* Messenger service worker — plain JS, no build step; the protocol code it needs for pushes
 * comes from public/sw-push.js (built from lib/ by scripts/build-push-worker.mjs).
 * Install: precache the app shell (the HTML of the four routes, every /_next/static
 * asset those pages reference, the manifest and the icons) in a cache named by a
 * hash of that list. Fetch: API paths untouched; /_next/static cache-first;
 * navigations network-first (3 s) falling back to the cached page for the same
 * pathname (search ignored: /conversations?c=… opens from /conversations), else
 * the cached /conversations. */
"use strict";

const PREFIX = "messenger-shell-";
const PAGES = ["/", "/onboarding", "/conversations", "/settings"];
const SIGNED_IN_PAGES = ["/conversations", "/settings"];
const EXTRAS = [
  "/manifest.webmanifest",
  "/icons/icon-192.png",
  "/icons/icon-512.png",
  "/icons/icon-maskable-512.png",
  "/favicon.ico",
];
const NAVIGATION_TIMEOUT_MS = 3000;
const API_PREFIXES = ["/xmtp.", "/messenger.", "/healthz", "/readyz"];

const isApi = (path) => API_PREFIXES.some((p) => path.startsWith(p));
const isStatic = (path) => path.startsWith("/_next/static/");

/** Same-origin /_next/static URLs an HTML page references (script src, link href,
 * and the chunk paths in the inline flight data that hydration loads). */
function staticAssets(html) {
  const found = new Set();
  const patterns = [/(?:src|href)\s*=\s*["']([^"']+)["']/g, /(\/_next\/static\/[^"'\\\s)<>]+)/g];
  for (const re of patterns) {
    for (const m of html.matchAll(re)) {
      let url;
      try {
        url = new URL(m[1].replace(/&amp;/g, "&"), self.location.origin);
      } catch {
        continue;
      }
      if (url.origin === self.location.origin && isStatic(url.pathname))
        found.add(url.pathname + url.search);
    }
  }
  return found;
}

async function hashOf(list) {
  const bytes = new TextEncoder().encode(list.join("\n"));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest.slice(0, 8), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A redirected response cannot answer a navigation: keep only its body and headers. */
function storable(res) {
  if (!res.redirected) return res;
  return new Response(res.body, {
    status: res.status,
    statusText: res.statusText,
    headers: res.headers,
  });
}

async function precache() {
  const pages = await Promise.all(
    PAGES.map(async (path) => {
      const res = await fetch(path, { cache: "no-store", credentials: "same-origin" });
      if (!res.ok) throw new Error(`precache: ${path} answered ${res.status}`);
      return [path, res, await res.clone().text()];
    }),
  );
  const assets = new Set();
  for (const [, , html] of pages) for (const a of staticAssets(html)) assets.add(a);
  const list = [...PAGES, ...EXTRAS, ...[...assets].sort()];
  const name = PREFIX + (await hashOf(list));
  const cache = await caches.open(name);
  await cache.addAll([...EXTRAS, ...assets]);
  // Chunks loaded by dynamic import() (the protocol client) are named only inside
  // other chunks ("static/chunks/x.js"). Follow them from the signed-in pages — what
  // the installed app needs offline — not from the wallet pages, whose lazy wallet
  // connectors are megabytes and useless offline.
  let batch = [];
  for (const [path, , html] of pages) {
    if (SIGNED_IN_PAGES.includes(path))
      batch.push(...[...staticAssets(html)].filter((a) => a.endsWith(".js")));
  }
  const followed = new Set(batch);
  for (let round = 0; round < 6 && batch.length > 0; round++) {
    const next = [];
    for (const url of batch) {
      const text = (await (await cache.match(url))?.text()) ?? "";
      for (const m of text.matchAll(
        /["'](?:\/_next\/)?(static\/chunks\/[\w.~-]+\.(?:js|css))["']/g,
      )) {
        const path = "/_next/" + m[1];
        if (followed.has(path)) continue;
        followed.add(path);
        next.push(path);
      }
    }
    // A name that only looks like a chunk must not fail the install.
    await Promise.all(
      next.map((path) => (assets.has(path) ? null : cache.add(path).catch(() => undefined))),
    );
    batch = next.filter((a) => a.endsWith(".js"));
  }
  await Promise.all(pages.map(([path, res]) => cache.put(path, storable(res))));
  // Named last, so a half-filled cache is never taken for the current one.
  const meta = await caches.open(PREFIX + "meta");
  await meta.put("/__current", new Response(name));
}

let currentName;
async function currentCache() {
  if (!currentName) {
    const meta = await caches.open(PREFIX + "meta");
    const res = await meta.match("/__current");
    currentName = res ? await res.text() : PREFIX + "runtime";
  }
  return caches.open(currentName);
}

self.addEventListener("install", (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      currentName = undefined;
      await currentCache();
      const keep = new Set([PREFIX + "meta", currentName]);
      for (const key of await caches.keys()) {
        if (key.startsWith(PREFIX) && !keep.has(key)) await caches.delete(key);
      }
      await self.clients.claim();
    })(),
  );
});

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e) => (clearTimeout(timer), reject(e)),
    );
  });
}

async function cacheFirst(request) {
  const cache = await currentCache();
  const hit = await cache.match(request);
  if (hit) return hit;
  const res = await fetch(request);
  if (res.ok && res.type === "basic") await cache.put(request, res.clone());
  return res;
}

async function navigate(request) {
  const path = new URL(request.url).pathname;
  const cache = await currentCache();
  try {
    const res = await withTimeout(fetch(request), NAVIGATION_TIMEOUT_MS);
    // Keep the offline shell as fresh as the last online visit.
    if (res.ok && res.type === "basic" && PAGES.includes(path))
      await cache.put(path, storable(res.clone()));
    return res;
  } catch (err) {
    const cached =
      (await cache.match(path, { ignoreSearch: true })) ?? (await cache.match("/conversations"));
    if (cached) return cached;
    throw err;
  }
}

async function networkThenCache(request) {
  try {
    return await fetch(request);
  } catch (err) {
    const cached = await (await currentCache()).match(request);
    if (cached) return cached;
    throw err;
  }
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || isApi(url.pathname)) return;
  if (isStatic(url.pathname)) event.respondWith(cacheFirst(request));
  else if (request.mode === "navigate") event.respondWith(navigate(request));
  else if (EXTRAS.includes(url.pathname)) event.respondWith(networkThenCache(request));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL(event.notification.data?.url ?? "/conversations", self.location.origin);
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      const client = windows.find((c) => new URL(c.url).origin === target.origin);
      if (!client) return self.clients.openWindow(target.href);
      await client.focus();
      // Same page: let the app switch conversation without a reload (keeps its stream).
      if (new URL(client.url).pathname === target.pathname) {
        client.postMessage({ type: "messenger:navigate", url: target.pathname + target.search });
        return;
      }
      try {
        await client.navigate(target.href);
      } catch {
        client.postMessage({ type: "messenger:navigate", url: target.pathname + target.search });
      }
    })(),
  );
});

/* Web Push (README "Notifications (Web Push)"). The node sends no content, only where a
 * message arrived: {v: 1, group: hex group id, id}. With no window of the app open, the
 * library's push entry (public/sw-push.js, built from lib/client/push/worker.ts) opens this
 * installation's sealed store, fetches the envelope from the node, decrypts AND stores it
 * exactly as the page's receive path would (under the group's Web Lock), and the notification
 * shows the sender and a preview. When it cannot (sign to unlock on, a commit comes first, the
 * node unreachable, anything else) the notification is a generic "New message". An open window
 * reads the message through its own stream and replaces this notification (same tag: the
 * conversation id) with the sender and a preview; a focused window shows the message itself,
 * so the worker stays quiet. */
const PUSH_BUNDLE = "/sw-push.js" + self.location.search;

/** The push entry. importScripts works after install only for scripts first imported while
 * installing, so the install step imports it once; a push then loads it from that copy. */
function pushLibrary() {
  if (!self.messengerPush) importScripts(PUSH_BUNDLE);
  return self.messengerPush;
}

const pushEnv = {
  databaseNames: async () => (await indexedDB.databases()).map((d) => d.name ?? ""),
};

function pushData(data) {
  try {
    return data?.json();
  } catch {
    return undefined; // not JSON from our node: still say something arrived
  }
}

function genericNotice(p) {
  const group =
    p && p.v === 1 && typeof p.group === "string" && /^[0-9a-f]{2,510}$/.test(p.group)
      ? p.group
      : "";
  return {
    title: "New message",
    body: "Open the app to read it.",
    tag: group || "messenger-push",
    url: group ? `/conversations?c=${group}` : "/conversations",
  };
}

async function readLocally(payload) {
  try {
    return await pushLibrary().noticeForPush(payload, pushEnv);
  } catch {
    return genericNotice(payload); // no bundle (dev) or it failed to load
  }
}

self.addEventListener("install", () => {
  try {
    pushLibrary();
  } catch {
    // Dev server or a failed fetch: pushes stay generic, the app shell still installs.
  }
});

self.addEventListener("push", (event) => {
  const payload = pushData(event.data);
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      if (windows.some((w) => w.visibilityState === "visible" && w.focused)) return;
      // An open page owns reading (its stream is the one reader): it replaces this notice.
      const notice = windows.length > 0 ? genericNotice(payload) : await readLocally(payload);
      await self.registration.showNotification(notice.title, {
        body: notice.body,
        tag: notice.tag,
        data: { url: notice.url },
        icon: "/icons/icon-192.png",
        badge: "/icons/icon-192.png",
      });
    })(),
  );
});

/* The browser rotated the subscription: register the new one with the node, signed by the
 * installation key as the page does (the key is in the sealed store; sign to unlock on → it
 * cannot, and the switch must be turned off and on again in the app). */
self.addEventListener("pushsubscriptionchange", (event) => {
  event.waitUntil(
    (async () => {
      const old = event.oldSubscription;
      await pushLibrary().resubscribe(
        old?.endpoint,
        async (vapidPublicKey) => {
          const sub =
            event.newSubscription ??
            (await self.registration.pushManager.subscribe({
              userVisibleOnly: true,
              applicationServerKey: vapidPublicKey,
            }));
          return sub.toJSON();
        },
        pushEnv,
      );
    })().catch(() => undefined),
  );
});
