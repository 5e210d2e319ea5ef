"use client";
import type { WalletClient } from "viem";
import { useAccount, useDisconnect, useWalletClient } from "wagmi";

/** Whether the wallet that owns `address` is here to sign a revocation. */
export type RevokeWallet =
  | { kind: "connecting" }
  | { kind: "disconnected" }
  /** A wallet is connected, but with an account that does not own this inbox. */
  | { kind: "other-account"; connected: string }
  | { kind: "ready"; account: `0x${string}`; walletClient: WalletClient };

export function useRevokeWallet(address: string): RevokeWallet & { disconnect(): void } {
  const account = useAccount();
  const { data: walletClient } = useWalletClient();
  const { disconnect } = useDisconnect();

  let wallet: RevokeWallet;
  if (account.status === "connecting" || account.status === "reconnecting")
    wallet = { kind: "connecting" };
  else if (account.status !== "connected" || !account.address) wallet = { kind: "disconnected" };
  else if (account.address.toLowerCase() !== address.toLowerCase())
    wallet = { kind: "other-account", connected: account.address };
  // Connected, but wagmi has not built the client yet: a moment more.
  else if (!walletClient) wallet = { kind: "connecting" };
  else wallet = { kind: "ready", account: account.address, walletClient };

  return { ...wallet, disconnect: () => disconnect() };
}
