const NS_PER_MS = 1_000_000n;

export function nsToDate(ns: bigint): Date {
  return new Date(Number(ns / NS_PER_MS));
}

function startOfDay(d: Date): number {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

/** Whole calendar days between two dates (local time). */
export function daysBetween(a: Date, b: Date): number {
  return Math.round((startOfDay(b) - startOfDay(a)) / 86_400_000);
}

const timeFmt = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });
const weekdayFmt = new Intl.DateTimeFormat(undefined, { weekday: "long" });
const shortWeekdayFmt = new Intl.DateTimeFormat(undefined, { weekday: "short" });
const dateFmt = new Intl.DateTimeFormat(undefined, {
  day: "numeric",
  month: "long",
  year: "numeric",
});
const shortDateFmt = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short" });
const fullFmt = new Intl.DateTimeFormat(undefined, { dateStyle: "full", timeStyle: "short" });

/** Time of day under a bubble. */
export function timeOfDay(d: Date): string {
  return timeFmt.format(d);
}

export function fullDateTime(d: Date): string {
  return fullFmt.format(d);
}

/** Day separator text: Today / Yesterday / weekday in the last week / full date. */
export function dayLabel(d: Date, now = new Date()): string {
  const diff = daysBetween(d, now);
  if (diff === 0) return "Today";
  if (diff === 1) return "Yesterday";
  if (diff > 1 && diff < 7) return weekdayFmt.format(d);
  return dateFmt.format(d);
}

/** Conversation list time: "now", "5 min", time today, "Yesterday", weekday, date. */
export function relativeTime(d: Date, now = new Date()): string {
  const ms = now.getTime() - d.getTime();
  if (ms < 60_000) return "now";
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min`;
  const diff = daysBetween(d, now);
  if (diff === 0) return timeFmt.format(d);
  if (diff === 1) return "Yesterday";
  if (diff > 1 && diff < 7) return shortWeekdayFmt.format(d);
  return shortDateFmt.format(d);
}
