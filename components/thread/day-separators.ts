import { dayLabel, nsToDate } from "@/components/format/time";

/**
 * The day label above each message that starts a new day (undefined for the others), for
 * messages in time order. Worked out once per day, not twice per message: the list renders
 * again on every arrival, and the labels were most of that render's own time.
 */
export function daySeparators(
  messages: readonly { sentAtNs: bigint }[],
  now: Date,
): (string | undefined)[] {
  const out: (string | undefined)[] = [];
  let from = Infinity; // the local day of the last label: [from, to)
  let to = -Infinity;
  let last: string | undefined;
  for (const m of messages) {
    const d = nsToDate(m.sentAtNs);
    const t = d.getTime();
    if (t >= from && t < to) {
      out.push(undefined);
      continue;
    }
    from = new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
    to = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime();
    const label = dayLabel(d, now);
    out.push(label === last ? undefined : label);
    last = label;
  }
  return out;
}
