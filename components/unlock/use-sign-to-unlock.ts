"use client";
import { chainRpcUrls } from "@/components/session/chain";
import { useState } from "react";
import { loadClientModule } from "@/components/client/load-client";
import { nodeUrl } from "@/components/session/storage";
import type { RevokeWallet } from "@/components/devices/use-revoke-wallet";

export type UnlockAction = "unlock" | "enable";
type State = { kind: "idle" } | { kind: "signing" } | { kind: "failed"; message: string };

/**
 * Signs with the connected wallet to unlock this browser's store (one signature), or to turn
 * sign to unlock on (two signatures of the same text). The unlocked key stays in this tab's
 * memory, so the messenger screens open without asking again until the next reload.
 */
export function useSignToUnlock(address: string | undefined, wallet: RevokeWallet) {
  const [state, setState] = useState<State>({ kind: "idle" });
  async function run(action: UnlockAction): Promise<boolean> {
    if (!address || wallet.kind !== "ready") return false;
    setState({ kind: "signing" });
    try {
      const { Client, signerFromWalletClient } = await loadClientModule();
      const signer = signerFromWalletClient(wallet.walletClient, wallet.account);
      const apiUrl = nodeUrl.get();
      const client = await Client.restore(
        address,
        action === "unlock" ? { apiUrl, chainRpcUrls, unlock: signer } : { apiUrl, chainRpcUrls },
      );
      try {
        if (action === "enable") await client.enableSignToUnlock(signer);
      } finally {
        await client.close();
      }
      setState({ kind: "idle" });
      return true;
    } catch (err) {
      setState({ kind: "failed", message: err instanceof Error ? err.message : String(err) });
      return false;
    }
  }
  return { state, run };
}
