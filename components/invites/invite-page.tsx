"use client";
import { useSyncExternalStore } from "react";
import { ClientProvider } from "@/components/client/client-provider";
import { pendingInvite } from "@/components/session/storage";
import { JoinInvite } from "./join-invite";

const noSubscription = () => () => undefined;

/**
 * Keeps the invite (this tab's session storage) before the signed-in app may send a new
 * browser through onboarding, which drops the URL's #; the signed-in app comes back here.
 */
export function InvitePage() {
  // null on the server: the # exists only in the browser.
  const token = useSyncExternalStore(
    noSubscription,
    () => window.location.hash.slice(1),
    () => null,
  );
  if (token === null) return null;
  if (token) pendingInvite.set(token); // idempotent: safe to repeat on each render
  return (
    <ClientProvider>
      <JoinInvite />
    </ClientProvider>
  );
}
