"use client";
import { useClient } from "@/components/client/client-context";
import { CopyButton } from "@/components/ui/copy-button";
import { SettingsSection } from "./settings-section";

/** Who I am on the network, each value copyable. */
export function IdentitySection() {
  const { client } = useClient();
  const rows = [
    { label: "Address", value: client.address, testId: "my-address" },
    { label: "Inbox ID", value: client.inboxId, testId: "my-inbox-id" },
    { label: "Installation ID", value: client.installationId, testId: "my-installation-id" },
  ];
  return (
    <SettingsSection
      title="Account"
      description="Your identity on the network. The installation is this browser."
    >
      <dl className="space-y-3">
        {rows.map((r) => (
          <div key={r.label}>
            <dt className="text-xs font-medium text-zinc-500 dark:text-zinc-400">{r.label}</dt>
            <dd className="flex items-center gap-2">
              <span
                data-testid={r.testId}
                className="min-w-0 flex-1 font-mono text-sm break-all"
                title={r.value}
              >
                {r.value}
              </span>
              <CopyButton value={r.value} label={r.label} />
            </dd>
          </div>
        ))}
      </dl>
    </SettingsSection>
  );
}
