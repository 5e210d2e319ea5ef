"use client";
import { SubPage } from "@/components/ui/sub-page";
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
    <SubPage
      title="Settings"
      back={{ href: "/conversations", label: "Back to messages" }}
      mainClassName="space-y-4"
    >
      <IdentitySection />
      <DevicesSection />
      <BackupSection />
      <NodeUrlForm />
      <NotificationsSection />
      <PrivacySection />
      <SignToUnlockSection />
      <BlockedSection />
      <SessionSection />
    </SubPage>
  );
}
