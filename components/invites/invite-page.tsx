"use client";
import { useSyncExternalStore } from "react";
import { ClientProvider } from "@/components/client/client-provider";
import { pendingInvite } from "@/components/session/storage";
import { JoinInvite } from "./join-invite";

/** Another link pasted into this tab changes only the #: no page load, so listen for it. */
const onHashChange = (notify: () => void) => {
  window.addEventListener("hashchange", notify);
  return () => window.removeEventListener("hashchange", notify);
};

/**
 * Keeps the invite (this tab's session storage) before the signed-in app may send a new
 * browser through onboarding, which drops the URL's #; the signed-in app comes back here.
 */
export function InvitePage() {
  // null on the server: the # exists only in the browser.
  const token = useSyncExternalStore(
    onHashChange,
    () => window.location.hash.slice(1),
    () => null,
  );
  if (token === null) return null;
  if (token) pendingInvite.set(token); // idempotent: safe to repeat on each render
  return (
    <ClientProvider>
      <JoinInvite key={token} />
    </ClientProvider>
  );
}
