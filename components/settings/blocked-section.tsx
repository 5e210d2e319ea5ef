"use client";
import { useLiveQuery } from "dexie-react-hooks";
import { useState } from "react";
import { useClient } from "@/components/client/client-context";
import { useInboxLabels } from "@/components/group/inbox-labels";
import { Avatar } from "@/components/ui/avatar";
import { buttonStyles } from "@/components/ui/button-styles";
import { SettingsSection } from "./settings-section";

/** Everyone you blocked, with Unblock. Their messages were kept, only hidden. */
export function BlockedSection() {
  const { client } = useClient();
  const blocked = useLiveQuery(() => client.preferences.deniedInboxes(), [client]);
  const name = useInboxLabels(client, blocked?.map((b) => b.inboxId) ?? []);
  const [busy, setBusy] = useState<string>();
  return (
    <SettingsSection title="Blocked">
      {!blocked || blocked.length === 0 ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          Nobody. When you block someone, their messages stop appearing and never notify you.
        </p>
      ) : (
        <ul
          data-testid="blocked-list"
          className="-my-1 divide-y divide-zinc-100 dark:divide-zinc-800"
        >
          {blocked.map((b) => (
            <li key={b.inboxId} data-testid="blocked-item" className="flex items-center gap-3 py-2">
              <Avatar seed={name(b.inboxId)} size="sm" />
              <span className="min-w-0 flex-1 truncate font-mono text-sm">{name(b.inboxId)}</span>
              <button
                type="button"
                data-testid="unblock"
                className={`${buttonStyles.ghost} text-sm`}
                disabled={busy === b.inboxId}
                onClick={() => {
                  setBusy(b.inboxId);
                  void client.preferences
                    .setConsentStates([
                      { entity: { kind: "inbox", inboxId: b.inboxId }, state: "allowed" },
                    ])
                    .finally(() => setBusy(undefined));
                }}
              >
                Unblock
              </button>
            </li>
          ))}
        </ul>
      )}
    </SettingsSection>
  );
}
