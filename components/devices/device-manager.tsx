"use client";
import { chainRpcUrls } from "@/components/session/chain";
import { useId, useMemo, useState } from "react";
import type { Client, InstallationInfo } from "@/lib/client";
import { loadClientModule } from "@/components/client/load-client";
import { nodeUrl } from "@/components/session/storage";
import { buttonStyles } from "@/components/ui/button-styles";
import { Spinner } from "@/components/ui/spinner";
import { DeviceItem } from "./device-item";
import { orderDevices } from "./device-labels";
import { RevokeDialog, type RevokeTarget } from "./revoke-dialog";
import { revokeErrorMessage } from "./revoke-error";
import { useRevokeWallet } from "./use-revoke-wallet";
import { WalletPanel } from "./wallet-panel";

/** The list of an open inbox's devices, with revoking one or all others by wallet signature. */
export function DeviceManager({
  client,
  address,
  limit,
  devices,
  loading,
  listError,
  refresh,
}: {
  client: Client;
  address: string;
  limit: number;
  devices: InstallationInfo[] | undefined;
  loading: boolean;
  listError: string | undefined;
  refresh: () => Promise<void>;
}) {
  const wallet = useRevokeWallet(address);
  const walletPanelId = useId();
  const [target, setTarget] = useState<RevokeTarget>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();

  const ordered = useMemo(() => (devices ? orderDevices(devices) : []), [devices]);
  const others = ordered.filter((d) => !d.current);
  // A revoked browser is not in the list: "all others" would then be every device left.
  const isListed = ordered.some((d) => d.current);
  const canRevoke = wallet.kind === "ready" && !busy;

  function ask(next: RevokeTarget) {
    setError(undefined);
    setDone(undefined);
    setTarget(next);
  }

  async function revoke() {
    if (!target) return;
    if (wallet.kind !== "ready") {
      setError("Connect the wallet that owns this inbox first: revoking needs its signature.");
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const { signerForWallet } = await loadClientModule();
      const signer = await signerForWallet(wallet.walletClient, wallet.account, { chainRpcUrls });
      // Exactly the devices the person saw and confirmed, not whatever appeared since.
      await client.revokeInstallations(signer, target.ids);
      const n = target.ids.length;
      setTarget(undefined);
      setDone(
        n === 1
          ? "Revoked 1 device. It can no longer read new messages or send any."
          : `Revoked ${n} devices. They can no longer read new messages or send any.`,
      );
      await refresh();
    } catch (err) {
      setError(revokeErrorMessage(err, nodeUrl.get()));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <section className="rounded-2xl border border-zinc-200 bg-white p-5 dark:border-zinc-800 dark:bg-zinc-900">
        <h2 className="font-semibold">Your devices</h2>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
          Each browser where you activate messaging is a device of your inbox, up to {limit}. Revoke
          the ones you no longer use: they stop receiving new messages.
        </p>
        {devices && (
          <p className="mt-3 text-sm font-medium" data-testid="devices-count">
            {devices.length} of {limit} devices
          </p>
        )}
      </section>

      {others.length > 0 && (
        <WalletPanel
          id={walletPanelId}
          address={address}
          wallet={wallet}
          onDisconnect={wallet.disconnect}
        />
      )}

      {listError && (
        <div
          role="alert"
          className="flex flex-col gap-3 rounded-2xl border border-red-200 bg-red-50 p-4 text-sm text-red-800 sm:flex-row sm:items-center dark:border-red-900 dark:bg-red-950/50 dark:text-red-200"
        >
          <p className="flex-1">{listError}</p>
          <button
            type="button"
            className={buttonStyles.secondary}
            disabled={loading}
            onClick={() => void refresh()}
          >
            Try again
          </button>
        </div>
      )}

      {done && (
        <p
          role="status"
          data-testid="revoke-done"
          className="rounded-2xl border border-emerald-200 bg-emerald-50 p-4 text-sm text-emerald-900 dark:border-emerald-900 dark:bg-emerald-950/40 dark:text-emerald-200"
        >
          {done}
        </p>
      )}

      {devices === undefined ? (
        !listError && (
          <p role="status" className="flex items-center gap-2 px-1 text-sm text-zinc-500">
            <Spinner /> Loading your devices…
          </p>
        )
      ) : (
        <section
          aria-label="Devices"
          aria-busy={loading}
          className="overflow-hidden rounded-2xl border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900"
        >
          {!isListed && (
            <p
              role="status"
              className="border-b border-amber-200 bg-amber-50 px-5 py-3 text-sm text-amber-900 dark:border-amber-900/60 dark:bg-amber-950/40 dark:text-amber-200"
            >
              This browser is no longer one of your inbox&apos;s devices: it was revoked from
              another device.
            </p>
          )}
          <ul data-testid="devices-list" className="divide-y divide-zinc-200 dark:divide-zinc-800">
            {ordered.map((d) => (
              <DeviceItem
                key={d.id}
                device={d}
                canRevoke={canRevoke}
                describedBy={walletPanelId}
                onRevoke={() => ask({ ids: [d.id], all: false })}
              />
            ))}
          </ul>
          {isListed && others.length > 0 && (
            <div className="border-t border-zinc-200 p-4 sm:px-5 dark:border-zinc-800">
              <button
                type="button"
                data-testid="revoke-all-devices"
                className={`${buttonStyles.secondary} w-full text-red-700 sm:w-auto dark:text-red-400`}
                disabled={!canRevoke}
                aria-describedby={canRevoke ? undefined : walletPanelId}
                onClick={() => ask({ ids: others.map((d) => d.id), all: true })}
              >
                Revoke all other devices
              </button>
            </div>
          )}
          {isListed && others.length === 0 && (
            <p className="border-t border-zinc-200 px-5 py-3 text-sm text-zinc-500 dark:border-zinc-800 dark:text-zinc-400">
              This is your only device. Activate messaging in another browser to add one.
            </p>
          )}
        </section>
      )}

      <RevokeDialog
        target={target}
        busy={busy}
        error={error}
        onConfirm={() => void revoke()}
        onClose={() => setTarget(undefined)}
      />
    </>
  );
}
