"use client";
import {
  useNotificationPermission,
  type Permission,
} from "@/components/client/use-notification-permission";
import { buttonStyles } from "@/components/ui/button-styles";
import { SettingsSection } from "./settings-section";

export function NotificationsSection() {
  const [permission, requestPermission] = useNotificationPermission();
  const text: Record<Permission, string> = {
    default: "Get a notification when a message arrives while the app is in the background.",
    granted: "On. You'll be notified of messages that arrive while the app is in the background.",
    denied: "Blocked. Allow notifications for this site in your browser's settings.",
    unsupported: "This browser can't show notifications.",
  };
  return (
    <SettingsSection title="Notifications">
      <div className="flex flex-col gap-4 sm:flex-row sm:items-center">
        <p role="status" className="flex-1 text-sm text-zinc-600 dark:text-zinc-400">
          {text[permission]}
        </p>
        {permission === "default" && (
          <button type="button" className={buttonStyles.secondary} onClick={requestPermission}>
            Turn on
          </button>
        )}
      </div>
    </SettingsSection>
  );
}
