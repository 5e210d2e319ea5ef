"use client";
import { SettingsSection } from "@/components/settings/settings-section";
import { ExportPanel } from "./export-panel";
import { RestorePanel } from "./restore-panel";

/** Settings → Backup: save the history to an encrypted file, or bring it back from one. */
export function BackupSection() {
  return (
    <SettingsSection title="Backup">
      <ExportPanel />
      <div className="mt-4 border-t border-zinc-100 pt-4 dark:border-zinc-800">
        <RestorePanel />
      </div>
    </SettingsSection>
  );
}
