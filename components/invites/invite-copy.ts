// Words and choices the invite screens share.
import type { InviteLink } from "@/lib/client";

export const EXPIRY_CHOICES = [
  { label: "1 hour", ms: 3600_000 },
  { label: "1 day", ms: 24 * 3600_000 },
  { label: "7 days", ms: 7 * 24 * 3600_000 },
  { label: "30 days", ms: 30 * 24 * 3600_000 },
] as const;

export const USE_CHOICES = [
  { label: "No limit", uses: 0 },
  { label: "1 person", uses: 1 },
  { label: "5 people", uses: 5 },
  { label: "25 people", uses: 25 },
  { label: "100 people", uses: 100 },
] as const;

/** The link people open: the token after "#", so it never reaches any server. */
export function inviteUrl(token: string): string {
  return `${window.location.origin}/invite#${token}`;
}

export function usesLine(l: InviteLink): string {
  const used = l.maxUses === 0 ? `${l.uses} joined` : `${l.uses} of ${l.maxUses} joined`;
  return used;
}

export function expiryLine(expiresAt: Date, now = Date.now()): string {
  const ms = expiresAt.getTime() - now;
  if (ms <= 0) return "Expired";
  const h = ms / 3600_000;
  if (h < 1) return `Expires in ${Math.max(1, Math.round(ms / 60_000))} min`;
  if (h < 48) return `Expires in ${Math.round(h)} h`;
  return `Expires in ${Math.round(h / 24)} days`;
}
