// The timer choices and how the app says them (issue 17 item 2).
const MINUTE = 60n * 1_000_000_000n;

/** What the settings offer, in ns (0: off). */
export const TIMER_CHOICES: { label: string; inNs: bigint }[] = [
  { label: "Off", inNs: 0n },
  { label: "5 minutes", inNs: 5n * MINUTE },
  { label: "1 hour", inNs: 60n * MINUTE },
  { label: "1 day", inNs: 24n * 60n * MINUTE },
  { label: "1 week", inNs: 7n * 24n * 60n * MINUTE },
];

const UNITS: [bigint, string, string][] = [
  [7n * 24n * 60n * MINUTE, "week", "w"],
  [24n * 60n * MINUTE, "day", "d"],
  [60n * MINUTE, "hour", "h"],
  [MINUTE, "minute", "m"],
  [1_000_000_000n, "second", "s"],
];

/** "1 hour", "5 minutes", "90 seconds": the largest unit that divides the timer evenly. */
export function timerWords(inNs: bigint): string {
  for (const [size, word] of UNITS)
    if (inNs >= size && inNs % size === 0n) {
      const n = inNs / size;
      return `${n} ${word}${n === 1n ? "" : "s"}`;
    }
  return `${inNs} nanoseconds`;
}

/** The header's short label: "5m", "1h", "1d", "1w". */
export function timerShort(inNs: bigint): string {
  for (const [size, , unit] of UNITS)
    if (inNs >= size && inNs % size === 0n) return `${inNs / size}${unit}`;
  return timerWords(inNs);
}

/** A timer line's sentence from the new message_disappear_in_ns value ("0" or absent: off). */
export function timerSentence(who: string, newInNs: string | undefined): string {
  const ns = newInNs && /^\d+$/.test(newInNs) ? BigInt(newInNs) : 0n;
  return ns > 0n
    ? `${who} set messages to disappear after ${timerWords(ns)}`
    : `${who} turned off disappearing messages`;
}
