"use client";
import { useEffect } from "react";

/** What public/sw.js posts when a notification click targets the page already open. */
type NavigateMessage = { type: "messenger:navigate"; url: string };

function isNavigateMessage(data: unknown): data is NavigateMessage {
  return (
    typeof data === "object" &&
    data !== null &&
    (data as { type?: unknown }).type === "messenger:navigate" &&
    typeof (data as { url?: unknown }).url === "string"
  );
}

/**
 * Registers /sw.js (offline app shell, notification clicks) in production builds on
 * secure contexts. In dev it does nothing: a caching worker would serve stale code.
 */
export function ServiceWorkerRegistrar(): null {
  useEffect(() => {
    if (process.env.NODE_ENV !== "production") return;
    if (!window.isSecureContext || !("serviceWorker" in navigator)) return;
    const sw = navigator.serviceWorker;
    const onMessage = (event: MessageEvent) => {
      if (!isNavigateMessage(event.data)) return;
      const target = new URL(event.data.url, window.location.origin);
      if (target.origin !== window.location.origin) return;
      if (target.pathname === window.location.pathname) {
        // Next syncs useSearchParams with pushState: switches conversation, no reload.
        window.history.pushState(null, "", target.pathname + target.search);
      } else {
        window.location.assign(target.href);
      }
    };
    sw.addEventListener("message", onMessage);
    sw.register(`/sw.js?v=${process.env.NEXT_PUBLIC_BUILD_ID ?? "dev"}`, {
      scope: "/",
      updateViaCache: "none",
    }).catch((err: unknown) => {
      console.warn("Service worker registration failed; the app works online only.", err);
    });
    return () => sw.removeEventListener("message", onMessage);
  }, []);
  return null;
}
