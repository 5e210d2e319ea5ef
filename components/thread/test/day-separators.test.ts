import { describe, expect, it } from "vitest";
import { dayLabel, nsToDate } from "@/components/format/time";
import { daySeparators } from "../day-separators";

const ns = (d: Date) => BigInt(d.getTime()) * 1_000_000n;

describe("daySeparators", () => {
  const now = new Date(2026, 11, 5, 15, 30);
  // Ten days of messages, some a millisecond either side of local midnight.
  const times: Date[] = [];
  for (let back = 9; back >= 0; back--) {
    const day = (h: number, m = 0, s = 0, ms = 0) =>
      new Date(now.getFullYear(), now.getMonth(), now.getDate() - back, h, m, s, ms);
    times.push(day(0), day(0, 0, 0, 1), day(9, 15), day(9, 16));
    if (back % 3 !== 0) times.push(day(23, 59, 59, 999)); // some days end late
  }
  const messages = times.map((d) => ({ sentAtNs: ns(d) }));

  it("labels the first message of each day, and only those", () => {
    const labels = daySeparators(messages, now);
    const expected = messages.map((m, i) => {
      const label = dayLabel(nsToDate(m.sentAtNs), now);
      const prev = messages[i - 1];
      return !prev || dayLabel(nsToDate(prev.sentAtNs), now) !== label ? label : undefined;
    });
    expect(labels).toEqual(expected);
    expect(labels.filter(Boolean)).toHaveLength(10);
    expect(labels.filter(Boolean).slice(-2)).toEqual(["Yesterday", "Today"]);
  });

  it("gives one label to a lone message and none to an empty thread", () => {
    expect(daySeparators([{ sentAtNs: ns(now) }], now)).toEqual(["Today"]);
    expect(daySeparators([], now)).toEqual([]);
  });
});
