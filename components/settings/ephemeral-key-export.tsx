"use client";
import { useEffect, useState } from "react";
import { shortAddress } from "@/components/format/address";
import { buttonStyles } from "@/components/ui/button-styles";
import { CopyButton } from "@/components/ui/copy-button";
import { AlertIcon } from "@/components/ui/icons";

/**
 * Before the ephemeral wallet's key is deleted with the local data: it is the only key
 * of that account (its inbox's recovery address), so say so and offer to save it. The
 * key is shown only after an explicit tap, or saved to a file the person chooses.
 */
export function EphemeralKeyExport({ privateKey }: { privateKey: string }) {
  const [revealed, setRevealed] = useState(false);
  const address = useAddressOf(privateKey);
  const who = address ? shortAddress(address) : "this wallet";

  function download() {
    const text =
      `Ephemeral wallet ${address ?? ""}\n` +
      "Private key (anyone holding it controls this account; keep it secret):\n" +
      `${privateKey}\n`;
    const url = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = `ephemeral-wallet-${address ?? "key"}.txt`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }

  return (
    <section
      data-testid="ephemeral-key-export"
      aria-labelledby="ephemeral-key-title"
      className="mb-4 rounded-xl border border-amber-300 bg-amber-50 p-3.5 text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950/40 dark:text-amber-100"
    >
      <h3 id="ephemeral-key-title" className="flex items-center gap-1.5 font-semibold">
        <AlertIcon className="h-4 w-4 shrink-0" /> Save your wallet key first
      </h3>
      <p className="mt-1.5">
        You signed in with the ephemeral wallet <span className="font-mono">{who}</span>. Its
        private key exists only in this browser and is the only way into that account. Once it is
        deleted, this account can never be used again — here or anywhere.
      </p>
      <div className="mt-3 flex flex-wrap gap-2">
        <button
          type="button"
          data-testid="download-ephemeral-key"
          className={buttonStyles.secondary}
          onClick={download}
        >
          Download key file
        </button>
        {!revealed && (
          <button
            type="button"
            data-testid="reveal-ephemeral-key"
            className={buttonStyles.ghost}
            onClick={() => setRevealed(true)}
          >
            Show key
          </button>
        )}
      </div>
      {revealed && (
        <div className="mt-3">
          <p className="text-xs">Anyone who sees this key controls the account. Keep it secret.</p>
          <div className="mt-1.5 flex items-center gap-1 rounded-lg border border-amber-300 bg-white p-2 dark:border-amber-800 dark:bg-zinc-950">
            <code
              data-testid="ephemeral-key-value"
              className="min-w-0 flex-1 font-mono text-xs break-all select-all"
            >
              {privateKey}
            </code>
            <CopyButton value={privateKey} label="private key" />
          </div>
        </div>
      )}
    </section>
  );
}

/** The key's address, derived lazily so the settings page does not load viem up front. */
function useAddressOf(privateKey: string): string | undefined {
  const [address, setAddress] = useState<string>();
  useEffect(() => {
    let live = true;
    void import("viem/accounts").then(({ privateKeyToAccount }) => {
      if (live) setAddress(privateKeyToAccount(privateKey as `0x${string}`).address.toLowerCase());
    });
    return () => {
      live = false;
    };
  }, [privateKey]);
  return address;
}
