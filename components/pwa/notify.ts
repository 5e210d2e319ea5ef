// System notifications and the app badge. Every function is a safe no-op where the
// browser lacks the API or the user has not granted permission.

export type MessageNotification = {
  /** Who wrote (e.g. the peer's short address). */
  title: string;
  /** A preview of the message. */
  body: string;
  /** Where a click goes, e.g. `/conversations?c=<id>`. */
  url: string;
  /** One notification per conversation: a newer message replaces the older one. */
  tag: string;
};

const READY_TIMEOUT_MS = 3000;

async function serviceWorkerRegistration(): Promise<ServiceWorkerRegistration | undefined> {
  if (!("serviceWorker" in navigator)) return undefined;
  // `ready` never settles when no worker is registered (dev): do not wait forever.
  return Promise.race([
    navigator.serviceWorker.ready,
    new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), READY_TIMEOUT_MS)),
  ]);
}

/**
 * Shows a system notification through the service worker (so clicking it opens
 * `url` even when the app is in the background). Returns whether one was shown.
 */
export async function showMessageNotification(n: MessageNotification): Promise<boolean> {
  if (typeof Notification === "undefined" || Notification.permission !== "granted") return false;
  const options: NotificationOptions = {
    body: n.body,
    tag: n.tag,
    data: { url: n.url },
    icon: "/icons/icon-192.png",
    badge: "/icons/icon-192.png",
  };
  const registration = await serviceWorkerRegistration();
  if (registration) {
    await registration.showNotification(n.title, options);
    return true;
  }
  // No worker (dev build): a page notification that focuses this tab on click.
  const page = new Notification(n.title, options);
  page.onclick = () => {
    window.focus();
    window.history.pushState(null, "", n.url);
    page.close();
  };
  return true;
}

/** Closes the notifications shown for a conversation (its message disappeared). */
export async function closeNotifications(tag: string): Promise<void> {
  const registration = await serviceWorkerRegistration();
  for (const n of (await registration?.getNotifications({ tag })) ?? []) n.close();
}

type BadgingNavigator = Navigator & {
  setAppBadge?: (count?: number) => Promise<void>;
  clearAppBadge?: () => Promise<void>;
};

/** Sets the installed app's badge to `count` (clears it at 0). Badging API only. */
export async function setAppBadge(count: number): Promise<void> {
  const nav = navigator as BadgingNavigator;
  try {
    if (count > 0) await nav.setAppBadge?.(count);
    else await nav.clearAppBadge?.();
  } catch {
    // Not installed, or the browser refuses badges: the tab title still shows the count.
  }
}

/** Clears the app badge. */
export function clearAppBadge(): Promise<void> {
  return setAppBadge(0);
}
