"use client";
import { useEffect, useState } from "react";
import type { NameInfo } from "@/lib/client";
import { useClient } from "@/components/client/client-context";

/**
 * The address's verified name (ENS or Basename) and avatar, as the client has them (cached in
 * IndexedDB); undefined while unknown, when it has none, or when no RPC for names is configured.
 * `remoteAvatar: false` keeps only an avatar that loads nothing (data:): an avatar on a server
 * tells that server the viewer's IP, so a stranger's message request must not be able to ask
 * for it by merely showing up in the list.
 */
export function useName(
  address: string | undefined,
  { remoteAvatar = true }: { remoteAvatar?: boolean } = {},
): NameInfo | undefined {
  const { client } = useClient();
  const [found, setFound] = useState<{ address: string; info: NameInfo | undefined }>();
  useEffect(() => {
    if (!address || !client.names.enabled) return;
    let live = true;
    void client.names.profileOf(address).then((info) => live && setFound({ address, info }));
    return () => {
      live = false;
    };
  }, [client, address]);
  const info = found && found.address === address ? found.info : undefined;
  if (!info?.avatarUrl || remoteAvatar || info.avatarUrl.startsWith("data:")) return info;
  return { name: info.name, chainId: info.chainId };
}
