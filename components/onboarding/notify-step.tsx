"use client";
import {
  useNotificationPermission,
  type Permission,
} from "@/components/client/use-notification-permission";
import { useInstallPrompt } from "@/components/pwa/install";
import { buttonStyles } from "@/components/ui/button-styles";
import { BellIcon } from "@/components/ui/icons";
import { StepCard } from "./step-card";

const PERMISSION_TEXT: Record<Permission, string> = {
  default: "",
  granted: "Notifications are on.",
  denied:
    "Notifications are blocked for this site. You can allow them in your browser's site settings.",
  unsupported: "This browser can't show notifications.",
};

/** Step 2 (skippable): notifications and, when the browser offers it, installing the app. */
export function NotifyStep({ onDone }: { onDone: () => void }) {
  const [permission, requestPermission] = useNotificationPermission();
  const { canInstall, promptInstall } = useInstallPrompt();

  const finished = permission !== "default";
  return (
    <StepCard step={2} total={2} title="Stay in the loop">
      <p className="text-zinc-600 dark:text-zinc-400">
        Messaging is active. Get a notification when a message arrives while the app is in the
        background{canInstall ? ", and install the app for one-tap access" : ""}.
      </p>
      <div className="mt-6 grid gap-3">
        {permission === "default" && (
          <button type="button" className={buttonStyles.secondary} onClick={requestPermission}>
            <BellIcon /> Turn on notifications
          </button>
        )}
        {PERMISSION_TEXT[permission] && (
          <p role="status" className="text-sm text-zinc-600 dark:text-zinc-400">
            {PERMISSION_TEXT[permission]}
          </p>
        )}
        {canInstall && (
          <button
            type="button"
            className={buttonStyles.secondary}
            onClick={() => void promptInstall()}
          >
            Install app
          </button>
        )}
      </div>
      <button
        type="button"
        data-testid="skip-onboarding-step"
        className={`${finished ? buttonStyles.primary : buttonStyles.ghost} mt-6 w-full py-3`}
        onClick={onDone}
      >
        {finished ? "Go to messages" : "Not now"}
      </button>
    </StepCard>
  );
}
