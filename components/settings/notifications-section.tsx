"use client";
import { useClient } from "@/components/client/client-context";
import {
  useNotificationPermission,
  type Permission,
} from "@/components/client/use-notification-permission";
import { usePush } from "@/components/notifications/use-push";
import { SettingsSection } from "./settings-section";

export function NotificationsSection() {
  const { client } = useClient();
  const [permission] = useNotificationPermission();
  const { status, busy, error, turnOn, turnOff } = usePush(client);
  const on = !!status?.enabled && !!status.subscribed;
  const text: Record<Permission, string> = {
    default: "Get a notification when a message arrives, even with the app closed.",
    granted: on
      ? "On. Messages notify you even with the app closed. Requests, blocked and muted conversations stay quiet."
      : status?.enabled
        ? "On for your other devices. Turn it on to be notified on this one too."
        : "Off. Turn it on to be notified of messages, even with the app closed.",
    denied: "Blocked. Allow notifications for this site in your browser's settings.",
    unsupported: "This browser can't show notifications.",
  };
  return (
    <SettingsSection title="Notifications">
      <div className="flex items-center gap-4">
        <p
          id="push-switch-label"
          role="status"
          className="flex-1 text-sm text-zinc-600 dark:text-zinc-400"
        >
          {text[permission]}
        </p>
        {permission !== "unsupported" && permission !== "denied" && (
          <button
            type="button"
            role="switch"
            data-testid="push-switch"
            aria-checked={on}
            aria-labelledby="push-switch-label"
            disabled={busy || status === undefined}
            onClick={() => void (on ? turnOff() : turnOn())}
            className={`relative inline-flex h-7 w-12 shrink-0 items-center rounded-full transition-colors focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2 focus-visible:outline-none disabled:opacity-60 ${
              on ? "bg-indigo-600" : "bg-zinc-300 dark:bg-zinc-700"
            }`}
          >
            <span
              className={`inline-block h-5 w-5 rounded-full bg-white shadow transition-transform ${
                on ? "translate-x-6" : "translate-x-1"
              }`}
            />
          </button>
        )}
      </div>
      {error && (
        <p
          role="alert"
          data-testid="push-error"
          className="mt-3 text-sm text-red-600 dark:text-red-400"
        >
          {error}
        </p>
      )}
    </SettingsSection>
  );
}
