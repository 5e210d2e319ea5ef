"use client";
import { chainRpcUrls, namesOptions } from "@/components/session/chain";
import { useRouter } from "next/navigation";
import { useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import type { Client } from "@/lib/client";
import { lastAddress, nodeUrl, pendingInvite } from "@/components/session/storage";
import { ClientContext, type ClientContextValue } from "./client-context";
import { isClientError } from "./errors";
import { loadClientModule } from "./load-client";
import { StartupScreen } from "./startup-screen";
import { useConnection } from "./use-connection";
import { useLeaderSync } from "./use-leader-sync";
import { useMessageNotifications } from "./use-message-notifications";
import { useRevoked } from "./use-revoked";
import { useUnreadTotal } from "./use-unread-total";

type Boot =
  { kind: "loading" } | { kind: "ready"; client: Client } | { kind: "error"; message: string };

/**
 * Signed-in pages: opens this browser's installation with no wallet and no
 * network (`Client.restore`), so cached conversations show at once, then lets
 * the leader tab start syncing. No activated installation → back to `/`; sign to unlock on
 * and not yet unlocked in this tab → `/unlock`.
 */
export function ClientProvider({ children }: { children: ReactNode }) {
  const router = useRouter();
  const [boot, setBoot] = useState<Boot>({ kind: "loading" });

  useEffect(() => {
    const address = lastAddress.get();
    if (!address) {
      router.replace("/");
      return;
    }
    let cancelled = false;
    let opened: Client | undefined;
    loadClientModule()
      .then(({ Client }) =>
        Client.restore(address, { apiUrl: nodeUrl.get(), chainRpcUrls, names: namesOptions() }),
      )
      .then(
        (client) => {
          if (cancelled) return void client.close();
          opened = client;
          setBoot({ kind: "ready", client });
        },
        (err: unknown) => {
          if (cancelled) return;
          if (isClientError(err, "not_registered")) {
            lastAddress.clear();
            router.replace("/");
            return;
          }
          // Sign to unlock is on and this tab holds no key yet: the wallet page unlocks it.
          if (isClientError(err, "store_locked")) {
            router.replace("/unlock");
            return;
          }
          setBoot({ kind: "error", message: err instanceof Error ? err.message : String(err) });
        },
      );
    return () => {
      cancelled = true;
      void opened?.close();
    };
  }, [router]);

  if (boot.kind === "ready") return <SignedIn client={boot.client}>{children}</SignedIn>;
  return <StartupScreen error={boot.kind === "error" ? boot.message : undefined} />;
}

function SignedIn({ client, children }: { client: Client; children: ReactNode }) {
  // An invite opened before signing in: back to it now that the app is open.
  useEffect(() => {
    const token = pendingInvite.get();
    if (token && window.location.pathname !== "/invite")
      window.location.replace(`/invite#${token}`);
  }, []);
  const isLeader = useLeaderSync(client);
  const connection = useConnection(client, isLeader);
  const revoked = useRevoked(client, connection);
  const openRef = useRef<string | undefined>(undefined);
  useUnreadTotal(client, isLeader);
  useMessageNotifications(client, isLeader, openRef);

  const value = useMemo<ClientContextValue>(
    () => ({
      client,
      isLeader,
      connection,
      revoked,
      setOpenConversation: (id) => {
        openRef.current = id;
      },
    }),
    [client, isLeader, connection, revoked],
  );
  return <ClientContext.Provider value={value}>{children}</ClientContext.Provider>;
}
