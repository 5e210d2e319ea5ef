"use client";
import Link from "next/link";
import { buttonStyles } from "@/components/ui/button-styles";
import { BackIcon } from "@/components/ui/icons";
import { BackupSection } from "@/components/backup/backup-section";
import { DevicesSection } from "./devices-section";
import { IdentitySection } from "./identity-section";
import { NodeUrlForm } from "./node-url-form";
import { NotificationsSection } from "./notifications-section";
import { PrivacySection } from "./privacy-section";
import { BlockedSection } from "./blocked-section";
import { SessionSection } from "./session-section";
import { SignToUnlockSection } from "./sign-to-unlock-section";

/** `/settings`: account, network, notifications, this browser. */
export function SettingsView() {
  return (
    <div className="min-h-dvh bg-zinc-50 dark:bg-zinc-950">
      <header className="sticky top-0 z-10 border-b border-zinc-200 bg-white/90 backdrop-blur dark:border-zinc-800 dark:bg-zinc-950/90">
        <div className="mx-auto flex max-w-2xl items-center gap-2 px-2 py-2 sm:px-4">
          <Link
            href="/conversations"
            aria-label="Back to messages"
            title="Back to messages"
            className={buttonStyles.icon}
          >
            <BackIcon className="h-6 w-6" />
          </Link>
          <h1 className="text-lg font-semibold">Settings</h1>
        </div>
      </header>
      <main className="mx-auto max-w-2xl space-y-4 px-4 py-6">
        <IdentitySection />
        <DevicesSection />
        <BackupSection />
        <NodeUrlForm />
        <NotificationsSection />
        <PrivacySection />
        <SignToUnlockSection />
        <BlockedSection />
        <SessionSection />
      </main>
    </div>
  );
}
