import Link from "next/link";
import { buttonStyles } from "@/components/ui/button-styles";
import { SettingsSection } from "./settings-section";

/** The way to /devices (a wallet page: revoking needs a signature). */
export function DevicesSection() {
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
    </SettingsSection>
  );
}
