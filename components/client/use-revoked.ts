"use client";
import { useEffect, useState } from "react";
import type { Client } from "@/lib/client";
import type { ConnectionView } from "./client-context";

/** Asks the node (through the verified identity log); a failed check reports nothing. */
function watchRevoked(client: Client, onRevoked: () => void): () => void {
  let cancelled = false;
  client.isRevoked().then(
    (yes) => {
      if (yes && !cancelled) onRevoked();
    },
    () => undefined, // node unreachable: asked again when the stream is live
  );
  return () => {
    cancelled = true;
  };
}

/**
 * Whether another device revoked this one: asked once at start when the browser is
 * online, and each time the connection becomes live (a revocation made while this
 * tab was away or offline). Once revoked, it stays revoked.
 */
export function useRevoked(client: Client, connection: ConnectionView): boolean {
  const [revoked, setRevoked] = useState(false);
  const live = connection === "live";

  useEffect(() => {
    if (typeof navigator !== "undefined" && navigator.onLine)
      return watchRevoked(client, () => setRevoked(true));
  }, [client]);

  useEffect(() => {
    if (live) return watchRevoked(client, () => setRevoked(true));
  }, [client, live]);

  return revoked;
}
