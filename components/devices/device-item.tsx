"use client";
import type { InstallationInfo } from "@/lib/client";
import { fullDateTime, nsToDate } from "@/components/format/time";
import { buttonStyles } from "@/components/ui/button-styles";
import { addedLabel, shortDeviceId } from "./device-labels";

const DeviceIcon = () => (
  <svg
    aria-hidden
    viewBox="0 0 24 24"
    fill="none"
    stroke="currentColor"
    strokeWidth={2}
    strokeLinecap="round"
    strokeLinejoin="round"
    className="h-5 w-5"
  >
    <rect x="3" y="4" width="18" height="12" rx="2" />
    <path d="M8 20h8M12 16v4" />
  </svg>
);

/** One installation: this device (badge) or another one with its Revoke button. */
export function DeviceItem({
  device,
  canRevoke,
  describedBy,
  onRevoke,
}: {
  device: InstallationInfo;
  canRevoke: boolean;
  /** Why revoking is unavailable (the wallet panel), for screen readers. */
  describedBy?: string;
  onRevoke: () => void;
}) {
  const short = shortDeviceId(device.id);
  const added = device.createdAtNs;
  return (
    <li
      data-testid="device"
      data-current={device.current ? "true" : "false"}
      data-installation-id={device.id}
      className="flex items-center gap-3 px-4 py-3.5 sm:px-5"
    >
      <span
        className={`inline-flex h-10 w-10 shrink-0 items-center justify-center rounded-full ${
          device.current
            ? "bg-indigo-100 text-indigo-700 dark:bg-indigo-500/20 dark:text-indigo-300"
            : "bg-zinc-100 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300"
        }`}
      >
        <DeviceIcon />
      </span>
      <div className="min-w-0 flex-1">
        <p className="flex flex-wrap items-center gap-x-2 gap-y-1">
          <span className="font-medium">
            Device{" "}
            <span className="font-mono text-sm" title={device.id}>
              {short}
            </span>
          </span>
          {device.current && (
            <span className="rounded-full bg-indigo-100 px-2 py-0.5 text-xs font-medium text-indigo-700 dark:bg-indigo-500/20 dark:text-indigo-300">
              This device
            </span>
          )}
        </p>
        <p
          className="mt-0.5 text-sm text-zinc-500 dark:text-zinc-400"
          title={added !== undefined && added > 0n ? fullDateTime(nsToDate(added)) : undefined}
        >
          {addedLabel(added)}
        </p>
      </div>
      {!device.current && (
        <button
          type="button"
          data-testid="revoke-device"
          aria-label={`Revoke device ${short}`}
          aria-describedby={canRevoke ? undefined : describedBy}
          className={`${buttonStyles.secondary} px-4 py-2 text-sm`}
          disabled={!canRevoke}
          onClick={onRevoke}
        >
          Revoke
        </button>
      )}
    </li>
  );
}
