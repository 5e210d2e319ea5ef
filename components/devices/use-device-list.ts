"use client";
import { chainRpcUrls } from "@/components/session/chain";
import { useCallback, useEffect, useState } from "react";
import type { Client, InstallationInfo } from "@/lib/client";
import { isClientError } from "@/components/client/errors";
import { loadClientModule } from "@/components/client/load-client";
import { lastAddress, nodeUrl } from "@/components/session/storage";

export type OpenState =
  | { kind: "opening" }
  /** This browser holds no activated installation: nothing to manage here. */
  | { kind: "none" }
  | { kind: "failed"; message: string }
  | { kind: "open"; client: Client; address: string; limit: number };

export interface DeviceList {
  open: OpenState;
  /** Undefined until the first answer from the node. */
  devices: InstallationInfo[] | undefined;
  loading: boolean;
  error: string | undefined;
  refresh(): Promise<void>;
}

function listErrorMessage(err: unknown): string {
  if (err instanceof TypeError) {
    const url = nodeUrl.get();
    return `Couldn't reach the message node${url ? ` at ${url}` : ""}. Check your connection and try again.`;
  }
  return `Couldn't load your devices: ${err instanceof Error ? err.message : String(err)}`;
}

/**
 * The signed-in inbox's devices. Opens this browser's installation with no wallet
 * (`Client.restore`), asks the node for the inbox's installations, and closes the
 * client when the page goes away.
 */
export function useDeviceList(): DeviceList {
  const [open, setOpen] = useState<OpenState>({ kind: "opening" });
  const [devices, setDevices] = useState<InstallationInfo[]>();
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string>();

  const load = useCallback(async (client: Client) => {
    setLoading(true);
    try {
      setDevices(await client.installations());
      setError(undefined);
    } catch (err) {
      setError(listErrorMessage(err));
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    let cancelled = false;
    let opened: Client | undefined;
    void (async () => {
      const address = lastAddress.get();
      if (!address) return setOpen({ kind: "none" });
      try {
        const mod = await loadClientModule();
        const client = await mod.Client.restore(address, { apiUrl: nodeUrl.get(), chainRpcUrls });
        if (cancelled) return void client.close();
        opened = client;
        setOpen({ kind: "open", client, address, limit: mod.MAX_INSTALLATIONS_PER_INBOX });
      } catch (err) {
        if (cancelled) return;
        if (isClientError(err, "not_registered")) return setOpen({ kind: "none" });
        return setOpen({
          kind: "failed",
          message: err instanceof Error ? err.message : String(err),
        });
      }
      await load(opened);
    })();
    return () => {
      cancelled = true;
      void opened?.close();
    };
  }, [load]);

  const refresh = useCallback(
    () => (open.kind === "open" ? load(open.client) : Promise.resolve()),
    [open, load],
  );

  return { open, devices, loading, error, refresh };
}
