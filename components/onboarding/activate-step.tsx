"use client";
import { chainRpcUrls } from "@/components/session/chain";
import { useState } from "react";
import { useDisconnect, useWalletClient } from "wagmi";
import { isClientError } from "@/components/client/errors";
import { loadClientModule } from "@/components/client/load-client";
import { shortAddress } from "@/components/format/address";
import { forgetSession, lastAddress, nodeUrl } from "@/components/session/storage";
import { Avatar } from "@/components/ui/avatar";
import { buttonStyles } from "@/components/ui/button-styles";
import { CheckIcon } from "@/components/ui/icons";
import { Spinner } from "@/components/ui/spinner";
import { activationErrorMessage } from "./activation-error";
import { InstallationLimitPanel } from "./installation-limit-panel";
import { StepCard } from "./step-card";

const FACTS = [
  "Creates your messaging inbox, tied to this address",
  "Authorises this browser to send and read your messages",
  "It is not a transaction: no gas, no fees, nothing on chain",
];

/** Step 1: explain the one signature, then ask for it. A refusal is explained and can be retried. */
export function ActivateStep({
  address,
  onActivated,
}: {
  address: `0x${string}`;
  onActivated: () => void;
}) {
  const { data: walletClient } = useWalletClient();
  const { disconnect } = useDisconnect();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  // How many times activation met a full inbox (0: not full); a new count reloads the panel.
  const [limitHits, setLimitHits] = useState(0);

  async function activate() {
    if (!walletClient) return;
    setBusy(true);
    setError(undefined);
    const apiUrl = nodeUrl.get();
    try {
      const { Client, signerForWallet } = await loadClientModule();
      // A contract wallet (ERC-1271) is found on its chain when an RPC for it is configured.
      const signer = await signerForWallet(walletClient, address, { chainRpcUrls });
      const client = await Client.create(signer, { apiUrl, chainRpcUrls });
      lastAddress.set(client.address);
      await client.close();
      onActivated();
    } catch (err) {
      if (isClientError(err, "installation_limit")) return setLimitHits((n) => n + 1);
      setLimitHits(0);
      setError(activationErrorMessage(err, apiUrl));
    } finally {
      setBusy(false);
    }
  }

  if (limitHits > 0)
    return (
      <StepCard step={1} total={2} title="Make room for this browser">
        <InstallationLimitPanel
          key={limitHits}
          address={address}
          onContinue={activate}
          onCancel={() => setLimitHits(0)}
        />
      </StepCard>
    );

  return (
    <StepCard step={1} total={2} title="Activate messaging">
      <div className="flex items-center gap-3 rounded-2xl bg-zinc-50 p-3 dark:bg-zinc-800/60">
        <Avatar seed={address} size="sm" />
        <div className="min-w-0 flex-1">
          <p className="text-xs text-zinc-500 dark:text-zinc-400">Connected wallet</p>
          <p className="truncate font-mono text-sm" title={address}>
            {shortAddress(address)}
          </p>
        </div>
        <button
          type="button"
          className={`${buttonStyles.ghost} text-sm`}
          onClick={() => {
            forgetSession();
            disconnect();
          }}
        >
          Switch
        </button>
      </div>
      <p className="mt-5 text-zinc-600 dark:text-zinc-400">
        Your wallet will ask you to sign one message. Signing it:
      </p>
      <ul className="mt-3 space-y-2">
        {FACTS.map((f) => (
          <li key={f} className="flex gap-2.5 text-sm">
            <CheckIcon className="mt-0.5 h-4 w-4 shrink-0 text-emerald-600 dark:text-emerald-400" />
            <span>{f}</span>
          </li>
        ))}
      </ul>
      {error && (
        <p
          role="alert"
          data-testid="onboarding-error"
          className="mt-5 rounded-xl border border-red-200 bg-red-50 p-3 text-sm text-red-800 dark:border-red-900 dark:bg-red-950/50 dark:text-red-200"
        >
          {error}
        </p>
      )}
      <button
        type="button"
        data-testid="activate-messaging"
        className={`${buttonStyles.primary} mt-6 w-full py-3`}
        disabled={busy || !walletClient}
        onClick={() => void activate()}
      >
        {busy ? (
          <>
            <Spinner /> Waiting for your wallet…
          </>
        ) : error ? (
          "Try again"
        ) : (
          "Activate messaging"
        )}
      </button>
    </StepCard>
  );
}
