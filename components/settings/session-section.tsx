"use client";
import { useLiveQuery } from "dexie-react-hooks";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useClient } from "@/components/client/client-context";
import { forgetSession } from "@/components/session/storage";
import { buttonStyles } from "@/components/ui/button-styles";
import { DeleteDataDialog } from "./delete-data-dialog";
import { SettingsSection } from "./settings-section";

/** Disconnect (keep messages here) or delete everything this browser holds. */
export function SessionSection() {
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const { client } = useClient();
  // With sign to unlock on, the wallet's signature is what opens the messages again.
  const signToUnlock = useLiveQuery(() => client.signToUnlockEnabled(), [client]);

  return (
    <>
      <SettingsSection title="This browser">
        <div className="flex flex-col gap-4 sm:flex-row sm:items-center">
          <p className="flex-1 text-sm text-zinc-600 dark:text-zinc-400">
            Disconnecting signs you out here. Your messages stay on this device;{" "}
            {signToUnlock
              ? "connecting the same wallet again asks for one signature to unlock them."
              : "connecting the same wallet again needs no new signature."}
          </p>
          <button
            type="button"
            data-testid="disconnect"
            className={buttonStyles.secondary}
            onClick={() => {
              forgetSession();
              router.replace("/");
            }}
          >
            Disconnect
          </button>
        </div>
        <div className="mt-5 flex flex-col gap-4 border-t border-zinc-200 pt-5 sm:flex-row sm:items-center dark:border-zinc-800">
          <p className="flex-1 text-sm text-zinc-600 dark:text-zinc-400">
            Delete this browser&apos;s keys and message history. Others keep their copies; you would
            need to activate again.
          </p>
          <button
            type="button"
            data-testid="delete-local-data"
            className={buttonStyles.danger}
            onClick={() => setConfirming(true)}
          >
            Delete local data
          </button>
        </div>
      </SettingsSection>
      <DeleteDataDialog open={confirming} onClose={() => setConfirming(false)} />
    </>
  );
}
