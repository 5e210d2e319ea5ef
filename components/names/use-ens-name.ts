"use client";
import { useEffect, useState } from "react";
import { useClient } from "@/components/client/client-context";

/**
 * The address's ENS name, forward-verified by the client (cached in IndexedDB); undefined
 * while unknown, when it has none, or when no RPC for names is configured.
 */
export function useEnsName(address: string | undefined): string | undefined {
  const { client } = useClient();
  const [found, setFound] = useState<{ address: string; name: string | undefined }>();
  useEffect(() => {
    if (!address || !client.names.enabled) return;
    let live = true;
    void client.names.nameOf(address).then((name) => live && setFound({ address, name }));
    return () => {
      live = false;
    };
  }, [client, address]);
  return found && found.address === address ? found.name : undefined;
}
