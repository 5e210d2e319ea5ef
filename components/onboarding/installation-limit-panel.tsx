"use client";
import { chainRpcUrls } from "@/components/session/chain";
import { useEffect, useState } from "react";
import { useWalletClient } from "wagmi";
import type { InstallationInfo } from "@/lib/client";
import { loadClientModule } from "@/components/client/load-client";
import { addedLabel, orderDevices, shortDeviceId } from "@/components/devices/device-labels";
import { revokeErrorMessage } from "@/components/devices/revoke-error";
import { nodeUrl } from "@/components/session/storage";
import { buttonStyles } from "@/components/ui/button-styles";
import { Spinner } from "@/components/ui/spinner";

type Found =
  | { kind: "loading" }
  | { kind: "ready"; installations: InstallationInfo[]; limit: number }
  | { kind: "failed"; message: string };

/**
 * The inbox is full (10 devices) and this browser has no installation yet: pick devices
 * to revoke with the wallet alone, then activation runs again (a second signature).
 */
export function InstallationLimitPanel({
  address,
  onContinue,
  onCancel,
}: {
  address: `0x${string}`;
  /** Activation again; it reports its own failures. */
  onContinue: () => Promise<void>;
  onCancel: () => void;
}) {
  const { data: walletClient } = useWalletClient();
  const [found, setFound] = useState<Found>({ kind: "loading" });
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [busy, setBusy] = useState<"revoking" | "activating">();
  const [error, setError] = useState<string>();

  useEffect(() => {
    let cancelled = false;
    const apiUrl = nodeUrl.get();
    loadClientModule()
      .then(({ installationsForAddress }) =>
        installationsForAddress(address, { apiUrl, chainRpcUrls }),
      )
      .then(
        (result) => {
          if (cancelled) return;
          setFound(
            result
              ? {
                  kind: "ready",
                  installations: orderDevices(result.installations),
                  limit: result.limit,
                }
              : { kind: "failed", message: "The node has no inbox for this address any more." },
          );
        },
        (err: unknown) => {
          if (!cancelled) setFound({ kind: "failed", message: revokeErrorMessage(err, apiUrl) });
        },
      );
    return () => {
      cancelled = true;
    };
  }, [address]);

  function toggle(id: string, on: boolean) {
    setSelected((prev) => {
      const next = new Set(prev);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  }

  async function revokeAndContinue() {
    if (!walletClient || selected.size === 0) return;
    const apiUrl = nodeUrl.get();
    setBusy("revoking");
    setError(undefined);
    try {
      const { revokeWithWallet, signerForWallet } = await loadClientModule();
      const signer = await signerForWallet(walletClient, address, { chainRpcUrls });
      await revokeWithWallet(signer, [...selected], { apiUrl, chainRpcUrls });
    } catch (err) {
      setError(revokeErrorMessage(err, apiUrl));
      setBusy(undefined);
      return;
    }
    setBusy("activating");
    await onContinue();
    setBusy(undefined);
  }

  const n = found.kind === "ready" ? found.installations.length : undefined;
  return (
    <div data-testid="installation-limit">
      <p className="text-zinc-600 dark:text-zinc-400">
        This address already uses{" "}
        {found.kind === "ready"
          ? `${n} of its ${found.limit} devices`
          : "all the devices an inbox may have"}
        . Revoke one you no longer use to add this browser. Revoked devices stop receiving new
        messages.
      </p>

      {found.kind === "loading" ? (
        <p role="status" className="mt-5 flex items-center gap-2 text-sm text-zinc-500">
          <Spinner /> Loading your devices…
        </p>
      ) : found.kind === "failed" ? (
        <p
          role="alert"
          className="mt-5 rounded-xl border border-red-200 bg-red-50 p-3 text-sm text-red-800 dark:border-red-900 dark:bg-red-950/50 dark:text-red-200"
        >
          {found.message}
        </p>
      ) : (
        <fieldset className="mt-5" disabled={busy !== undefined}>
          <legend className="text-sm font-medium">Devices to revoke</legend>
          <ul className="mt-2 max-h-72 divide-y divide-zinc-200 overflow-y-auto rounded-2xl border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800">
            {found.installations.map((d) => (
              <li key={d.id} data-testid="limit-device" data-installation-id={d.id}>
                <label className="flex cursor-pointer items-center gap-3 px-4 py-3 has-[:checked]:bg-indigo-50 dark:has-[:checked]:bg-indigo-500/10">
                  <input
                    type="checkbox"
                    checked={selected.has(d.id)}
                    onChange={(e) => toggle(d.id, e.target.checked)}
                    className="h-4 w-4 shrink-0 accent-indigo-600"
                  />
                  <span className="min-w-0">
                    <span className="block text-sm font-medium">
                      Device <span className="font-mono">{shortDeviceId(d.id)}</span>
                    </span>
                    <span className="block text-sm text-zinc-500 dark:text-zinc-400">
                      {addedLabel(d.createdAtNs)}
                    </span>
                  </span>
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
      )}

      <p className="mt-5 text-sm text-zinc-600 dark:text-zinc-400">
        Your wallet will ask for two signatures: one to revoke, one to add this browser.
      </p>
      {error && (
        <p
          role="alert"
          data-testid="revoke-error"
          className="mt-4 rounded-xl border border-red-200 bg-red-50 p-3 text-sm text-red-800 dark:border-red-900 dark:bg-red-950/50 dark:text-red-200"
        >
          {error}
        </p>
      )}
      <button
        type="button"
        data-testid="revoke-and-continue"
        className={`${buttonStyles.primary} mt-6 w-full py-3`}
        disabled={busy !== undefined || !walletClient || selected.size === 0}
        onClick={() => void revokeAndContinue()}
      >
        {busy ? (
          <>
            <Spinner />{" "}
            {busy === "revoking"
              ? "Signature 1 of 2: revoking…"
              : "Signature 2 of 2: adding this browser…"}
          </>
        ) : (
          "Revoke selected and continue"
        )}
      </button>
      <button
        type="button"
        className={`${buttonStyles.ghost} mt-2 w-full`}
        disabled={busy !== undefined}
        onClick={onCancel}
      >
        Back
      </button>
    </div>
  );
}
