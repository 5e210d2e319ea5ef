// The browser side of Web Push: a PushManager subscription under the node's VAPID key.
// Needs the service worker (production builds, secure contexts).

const READY_TIMEOUT_MS = 5000;

function base64UrlToBytes(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/"));
  const out = new Uint8Array(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

async function registration(): Promise<ServiceWorkerRegistration> {
  if (!("serviceWorker" in navigator) || !("PushManager" in window))
    throw new Error("This browser can't receive push messages.");
  const ready = await Promise.race([
    navigator.serviceWorker.ready,
    new Promise<undefined>((r) => setTimeout(() => r(undefined), READY_TIMEOUT_MS)),
  ]);
  if (!ready)
    throw new Error("The app's service worker isn't running (is this a production build?).");
  return ready;
}

/** Subscribes (or reuses the subscription made with the same key) and returns it as JSON. */
export async function subscribeToPush(vapidPublicKey: string): Promise<PushSubscriptionJSON> {
  const reg = await registration();
  const key = base64UrlToBytes(vapidPublicKey);
  let sub = await reg.pushManager.getSubscription();
  if (sub) {
    const current = sub.options.applicationServerKey;
    const same =
      current &&
      new Uint8Array(current).every((b, i) => b === key[i]) &&
      current.byteLength === key.length;
    if (!same) {
      await sub.unsubscribe(); // made for another node: a new one for this node's key
      sub = null;
    }
  }
  sub ??= await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
  return sub.toJSON();
}

export async function unsubscribeFromPush(): Promise<void> {
  const reg = await registration().catch(() => undefined);
  await (await reg?.pushManager.getSubscription())?.unsubscribe();
}
