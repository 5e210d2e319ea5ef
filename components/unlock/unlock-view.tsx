"use client";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { Suspense, useEffect, useSyncExternalStore } from "react";
import { shortAddress } from "@/components/format/address";
import { useRevokeWallet } from "@/components/devices/use-revoke-wallet";
import { lastAddress } from "@/components/session/storage";
import { buttonStyles } from "@/components/ui/button-styles";
import { LockIcon } from "@/components/ui/icons";
import { Spinner } from "@/components/ui/spinner";
import { ConnectWalletButton } from "@/components/wallet/connect-wallet-button";
import { useSignToUnlock } from "./use-sign-to-unlock";

/**
 * `/unlock`: "Unlock with your wallet" (sign to unlock is on and this tab has not been
 * unlocked), or, with `?enable=1`, turning sign to unlock on (from Settings).
 */
export function UnlockView() {
  return (
    <Suspense>
      <Unlock />
    </Suspense>
  );
}

const noSubscription = () => () => {};

function Unlock() {
  const router = useRouter();
  const enabling = useSearchParams().get("enable") === "1";
  // localStorage: read on the client only (the prerendered HTML has no address).
  const address = useSyncExternalStore(
    noSubscription,
    () => lastAddress.get() ?? null,
    () => undefined,
  );
  useEffect(() => {
    if (address === null) router.replace("/");
  }, [address, router]);
  const wallet = useRevokeWallet(address ?? "0x");
  const { state, run } = useSignToUnlock(address ?? undefined, wallet);
  const busy = state.kind === "signing";
  const owner = address ? <span className="font-mono">{shortAddress(address)}</span> : null;

  const act = async () => {
    if (await run(enabling ? "enable" : "unlock"))
      router.replace(enabling ? "/settings" : "/conversations");
  };

  return (
    <main className="flex min-h-dvh items-center justify-center bg-zinc-50 p-4 dark:bg-zinc-950">
      <section
        aria-labelledby="unlock-title"
        data-testid={enabling ? "enable-sign-to-unlock" : "unlock-screen"}
        className="w-full max-w-md rounded-2xl border border-zinc-200 bg-white p-6 shadow-sm dark:border-zinc-800 dark:bg-zinc-900"
      >
        <span className="inline-flex h-11 w-11 items-center justify-center rounded-full bg-indigo-100 text-indigo-700 dark:bg-indigo-500/20 dark:text-indigo-300">
          <LockIcon className="h-5 w-5" />
        </span>
        <h1 id="unlock-title" className="mt-4 text-xl font-semibold">
          {enabling ? "Turn on sign to unlock" : "Unlock with your wallet"}
        </h1>
        {enabling ? (
          <div className="mt-2 space-y-2 text-sm text-zinc-600 dark:text-zinc-400">
            <p>
              Your messages on this browser will open only after your wallet signs a message. Anyone
              who copies this browser&apos;s storage without your wallet can&apos;t read them.
            </p>
            <p>
              Your wallet asks you to sign the same text twice: a wallet that signs it differently
              each time could never unlock again, so it is refused. Signing is free and sends
              nothing to any network.
            </p>
          </div>
        ) : (
          <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">
            Sign to unlock is on for this browser: your messages are encrypted here with a key only
            a signature from {owner ?? "your wallet"} can re-create. Signing is free and sends
            nothing to any network.
          </p>
        )}

        <div className="mt-5 space-y-3">
          {wallet.kind === "disconnected" && <ConnectWalletButton />}
          {wallet.kind === "connecting" && (
            <p role="status" className="flex items-center gap-2 text-sm text-zinc-500">
              <Spinner /> Connecting to your wallet…
            </p>
          )}
          {wallet.kind === "other-account" && (
            <div className="space-y-3">
              <p role="alert" className="text-sm text-amber-800 dark:text-amber-300">
                Your wallet is connected as{" "}
                <span className="font-mono">{shortAddress(wallet.connected)}</span>, but these
                messages belong to {owner}. Switch to that account in your wallet.
              </p>
              <button type="button" className={buttonStyles.secondary} onClick={wallet.disconnect}>
                Disconnect wallet
              </button>
            </div>
          )}
          {wallet.kind === "ready" && (
            <button
              type="button"
              data-testid={enabling ? "confirm-sign-to-unlock" : "unlock-with-wallet"}
              className={`${buttonStyles.primary} w-full py-3 text-base`}
              disabled={busy}
              onClick={() => void act()}
            >
              {busy ? <Spinner /> : <LockIcon className="h-4 w-4" />}
              {busy
                ? "Waiting for your wallet…"
                : enabling
                  ? "Sign and turn on"
                  : "Unlock with your wallet"}
            </button>
          )}
          {state.kind === "failed" && (
            <p
              role="alert"
              data-testid="unlock-error"
              className="text-sm text-red-700 dark:text-red-400"
            >
              {state.message}
            </p>
          )}
          {enabling && (
            <Link href="/settings" className={`${buttonStyles.secondary} w-full`}>
              Cancel
            </Link>
          )}
        </div>
      </section>
    </main>
  );
}
