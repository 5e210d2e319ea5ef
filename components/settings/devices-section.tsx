"use client";
import Link from "next/link";
import { useClient } from "@/components/client/client-context";
import { useHistorySync } from "@/components/devices/use-history-sync";
import { Spinner } from "@/components/ui/spinner";
import { buttonStyles } from "@/components/ui/button-styles";
import { SettingsSection } from "./settings-section";

/** The way to /devices (a wallet page: revoking needs a signature). */
export function DevicesSection() {
  const { client } = useClient();
  const history = useHistorySync(client);
  const busy = ["requesting", "waiting", "downloading", "importing"].includes(history.phase);
  return (
    <SettingsSection title="Devices">
      <div className="flex flex-col gap-4 sm:flex-row sm:items-center">
        <p className="flex-1 text-sm text-zinc-600 dark:text-zinc-400">
          Each browser you activate is a device of your inbox, up to 10.
        </p>
        <Link href="/devices" data-testid="manage-devices" className={buttonStyles.secondary}>
          Manage devices
        </Link>
      </div>
      <div className="mt-4 flex flex-col gap-3 border-t border-zinc-100 pt-4 sm:flex-row sm:items-center dark:border-zinc-800">
        <p role="status" className="flex-1 text-sm text-zinc-600 dark:text-zinc-400">
          {history.phase === "done"
            ? `History restored: ${history.messages} messages.`
            : history.phase === "failed"
              ? `History not restored: ${history.reason}.`
              : "Copy conversations and messages from one of your other devices (it must be open)."}
        </p>
        <button
          type="button"
          data-testid="request-history"
          className={buttonStyles.secondary}
          disabled={busy}
          onClick={() => void client.deviceSync.requestHistory().catch(() => undefined)}
        >
          {busy && <Spinner />}
          {busy ? "Getting history…" : "Get history"}
        </button>
      </div>
    </SettingsSection>
  );
}
