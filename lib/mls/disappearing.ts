// Disappearing messages as libxmtp keeps them: two attributes of the mutable metadata
// (0xff00), decimal i64 strings in nanoseconds. `message_disappear_from_ns` is the time
// from which messages are tracked, `message_disappear_in_ns` how long each one lives.
// Enabled only when both are > 0 (libxmtp's MessageDisappearingSettings::is_enabled);
// turning it off writes "0" to both, as libxmtp's remove_…_settings does.

import { MlsError } from "./errors";

export const DISAPPEAR_FROM_NS = "message_disappear_from_ns";
export const DISAPPEAR_IN_NS = "message_disappear_in_ns";
export const DISAPPEAR_FIELDS = [DISAPPEAR_FROM_NS, DISAPPEAR_IN_NS] as const;

export interface DisappearingSettings {
  fromNs: bigint;
  inNs: bigint;
}

const I64_MAX = (1n << 63n) - 1n;
const INTEGER = /^-?\d{1,19}$/;

function parse(v: string | undefined): bigint | undefined {
  if (v === undefined || !INTEGER.test(v)) return undefined;
  const n = BigInt(v);
  return n > I64_MAX || n < -I64_MAX - 1n ? undefined : n;
}

/**
 * The timer in force, or undefined when off. Values another app wrote that do not parse read
 * as off (libxmtp does the same), rather than making the whole group unreadable.
 */
export function disappearingOf(
  attributes: Record<string, string>,
): DisappearingSettings | undefined {
  const fromNs = parse(attributes[DISAPPEAR_FROM_NS]);
  const inNs = parse(attributes[DISAPPEAR_IN_NS]);
  if (fromNs === undefined || inNs === undefined || fromNs <= 0n || inNs <= 0n) return undefined;
  return { fromNs, inNs };
}

/** Our own writes: both values whole nanoseconds, 0 .. i64 max. Throws MlsError naming the field. */
export function validateDisappearing(
  attributes: Record<string, string>,
  code: "invalid_argument" | "invalid_metadata",
): void {
  for (const field of DISAPPEAR_FIELDS) {
    const v = attributes[field];
    if (v === undefined) continue;
    const n = parse(v);
    if (n === undefined || n < 0n)
      throw new MlsError(code, `${field} must be a whole number of nanoseconds >= 0, got "${v}"`);
  }
}
