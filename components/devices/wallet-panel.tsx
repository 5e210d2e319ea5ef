"use client";
import { shortAddress } from "@/components/format/address";
import { buttonStyles } from "@/components/ui/button-styles";
import { WalletIcon } from "@/components/ui/icons";
import { Spinner } from "@/components/ui/spinner";
import { ConnectWalletButton } from "@/components/wallet/connect-wallet-button";
import type { RevokeWallet } from "./use-revoke-wallet";

/** Why the wallet is needed, and how to get the right one here. */
export function WalletPanel({
  id,
  address,
  wallet,
  onDisconnect,
}: {
  /** Referenced by the disabled revoke buttons (aria-describedby). */
  id: string;
  address: string;
  wallet: RevokeWallet;
  onDisconnect: () => void;
}) {
  const owner = <span className="font-mono">{shortAddress(address)}</span>;
  return (
    <section
      aria-label="Wallet"
      className="rounded-2xl border border-zinc-200 bg-white p-5 dark:border-zinc-800 dark:bg-zinc-900"
    >
      <div className="flex gap-3">
        <span className="inline-flex h-9 w-9 shrink-0 items-center justify-center rounded-full bg-indigo-100 text-indigo-700 dark:bg-indigo-500/20 dark:text-indigo-300">
          <WalletIcon className="h-4 w-4" />
        </span>
        <div id={id} role="status" className="min-w-0 flex-1 text-sm">
          {wallet.kind === "ready" ? (
            <p className="text-zinc-600 dark:text-zinc-400">
              Wallet {owner} is connected. Revoking asks it for one signature.
            </p>
          ) : wallet.kind === "connecting" ? (
            <p className="flex items-center gap-2 text-zinc-600 dark:text-zinc-400">
              <Spinner /> Connecting to your wallet…
            </p>
          ) : wallet.kind === "other-account" ? (
            <p className="text-amber-800 dark:text-amber-300" data-testid="wallet-other-account">
              Your wallet is connected as{" "}
              <span className="font-mono">{shortAddress(wallet.connected)}</span>, but this inbox
              belongs to {owner}. Switch to that account in your wallet, or disconnect and connect
              the right one.
            </p>
          ) : (
            <p className="text-zinc-600 dark:text-zinc-400">
              Revoking asks your wallet for one signature. Connect the wallet of {owner} to remove
              devices; listing them needs no wallet.
            </p>
          )}
        </div>
      </div>
      {wallet.kind === "disconnected" && (
        <div className="mt-4">
          <ConnectWalletButton />
        </div>
      )}
      {wallet.kind === "other-account" && (
        <div className="mt-4">
          <button type="button" className={buttonStyles.secondary} onClick={onDisconnect}>
            Disconnect wallet
          </button>
        </div>
      )}
    </section>
  );
}
