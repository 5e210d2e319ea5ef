import type { InstallationInfo } from "@/lib/client";
import { dayLabel, daysBetween, nsToDate, timeOfDay } from "@/components/format/time";

/** This device first, then the others newest first (an unknown date last), ties by id. */
export function orderDevices(list: readonly InstallationInfo[]): InstallationInfo[] {
  return [...list].sort((a, b) => {
    if (a.current !== b.current) return a.current ? -1 : 1;
    const at = a.createdAtNs ?? -1n;
    const bt = b.createdAtNs ?? -1n;
    if (at !== bt) return at > bt ? -1 : 1;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
}

/** What people can compare between two screens: the installation key's first 8 hex digits. */
export function shortDeviceId(id: string): string {
  return id.slice(0, 8).toLowerCase();
}

/** "Added today at 10:42", "Added yesterday at 9:05", "Added Monday", "Added 3 March 2026". */
export function addedLabel(createdAtNs: bigint | undefined, now = new Date()): string {
  if (createdAtNs === undefined || createdAtNs <= 0n) return "Date added unknown";
  const d = nsToDate(createdAtNs);
  const diff = daysBetween(d, now);
  if (diff === 0) return `Added today at ${timeOfDay(d)}`;
  if (diff === 1) return `Added yesterday at ${timeOfDay(d)}`;
  return `Added ${dayLabel(d, now)}`;
}
