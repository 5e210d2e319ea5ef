"use client";
import { useLiveQuery } from "dexie-react-hooks";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useClient } from "@/components/client/client-context";
import { SettingsSection } from "./settings-section";

/**
 * Sign to unlock: off, a reload opens the messages with this browser's own key; on, only a
 * wallet signature does. Turning it on needs the wallet (its page); off needs nothing.
 */
export function SignToUnlockSection() {
  const router = useRouter();
  const { client } = useClient();
  const enabled = useLiveQuery(() => client.signToUnlockEnabled(), [client]);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const toggle = async (on: boolean) => {
    setError(undefined);
    if (on) return router.push("/unlock?enable=1");
    setBusy(true);
    try {
      await client.disableSignToUnlock();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <SettingsSection title="Security">
      <label className="flex cursor-pointer items-start gap-3">
        <input
          type="checkbox"
          role="switch"
          data-testid="sign-to-unlock-toggle"
          checked={enabled ?? false}
          disabled={enabled === undefined || busy}
          aria-describedby="sign-to-unlock-help"
          onChange={(e) => void toggle(e.target.checked)}
          className="mt-1 h-4 w-4 accent-indigo-600"
        />
        <span>
          <span className="block text-sm font-medium">Sign to unlock</span>
          <span id="sign-to-unlock-help" className="block text-sm text-zinc-600 dark:text-zinc-400">
            Your messages are always stored encrypted on this browser. With this on, opening them
            after a reload also needs a signature from your wallet, so someone who copies this
            browser&apos;s storage can&apos;t read them without it. If you lose the wallet, these
            messages can&apos;t be opened here.
          </span>
        </span>
      </label>
      {error && (
        <p role="alert" className="mt-3 text-sm text-red-700 dark:text-red-400">
          {error}
        </p>
      )}
    </SettingsSection>
  );
}
