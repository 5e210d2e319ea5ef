// Where a message's time goes, seen from inside both pages without touching the app: every
// IndexedDB transaction (opened, committed; its stores and mode), every fetch (sent, answered),
// every chunk read from a response body (the Subscribe stream's frames) and every Enter, on
// the one clock of the browser (performance.timeOrigin + now()). BENCH_TIMELINE=1 prints, per
// page, the median time after Enter of each step of a round, numbered in order of occurrence.
import type { Page } from "@playwright/test";

export type Step = [at: number, what: string];

declare global {
  interface Window {
    __benchSteps?: Step[];
  }
}

/** Installed before the app's first document (Dexie and the API client bind early). */
export function recordSteps(): void {
  const now = () => performance.timeOrigin + performance.now();
  const steps: Step[] = (window.__benchSteps = []);
  const note = (what: string) => steps.push([now(), what]);

  const transaction = IDBDatabase.prototype.transaction;
  IDBDatabase.prototype.transaction = function (
    this: IDBDatabase,
    ...args: Parameters<typeof transaction>
  ) {
    const [stores, mode] = args;
    const kind = `${mode === "readwrite" ? "rw" : "r"} ${[stores].flat().sort().join("+")}`;
    note(`tx ${kind}`);
    const tx = transaction.apply(this, args);
    tx.addEventListener("complete", () => note(`tx done ${kind}`));
    return tx;
  } as typeof transaction;

  const fetchOf = window.fetch;
  window.fetch = async (...args: Parameters<typeof fetch>) => {
    const [input] = args;
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const name = url.split("/").pop() ?? url;
    note(`fetch ${name}`);
    const res = await fetchOf(...args);
    note(`answer ${name}`);
    return res;
  };

  const read = ReadableStreamDefaultReader.prototype.read;
  ReadableStreamDefaultReader.prototype.read = async function (this: ReadableStreamDefaultReader) {
    const chunk = await read.call(this);
    if (!chunk.done) note("stream chunk");
    return chunk;
  } as typeof read;

  // WebCrypto calls (each a hop to another thread and back): which, when asked, when answered.
  const subtle = crypto.subtle as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
  for (const op of ["encrypt", "decrypt", "sign", "verify", "digest", "deriveBits", "importKey"]) {
    const call = subtle[op]!.bind(crypto.subtle);
    subtle[op] = async (...a: unknown[]) => {
      note(`subtle ${op}`);
      try {
        return await call(...a);
      } finally {
        note(`subtle ${op} done`);
      }
    };
  }

  document.addEventListener("keydown", (e) => e.key === "Enter" && note("Enter"), {
    capture: true,
  });
}

/** The steps a page recorded in [from, to], as offsets from `from`, then forgets them. */
export async function takeSteps(page: Page, from: number, to: number): Promise<Step[]> {
  const all = await page.evaluate(() => window.__benchSteps!.splice(0));
  return all.filter(([t]) => t >= from && t <= to).map(([t, what]) => [t - from, what]);
}

/**
 * The rounds' steps merged: the k-th occurrence of a step in each round is one row, with the
 * median of its offsets and in how many rounds it happened, in order of that median.
 */
export function medianTimeline(rounds: Step[][]): string {
  const byKey = new Map<string, number[]>();
  for (const steps of rounds) {
    const seen = new Map<string, number>();
    for (const [at, what] of steps) {
      const k = (seen.get(what) ?? 0) + 1;
      seen.set(what, k);
      const key = `${what} #${k}`;
      byKey.set(key, [...(byKey.get(key) ?? []), at]);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return [...byKey]
    .map(([key, ats]) => ({ key, at: median(ats), n: ats.length }))
    .filter((r) => r.n >= rounds.length / 2) // steps of most rounds, not the odd one
    .sort((a, b) => a.at - b.at)
    .map((r) => `${r.at.toFixed(1).padStart(7)} ms  ${r.key}  (${r.n}/${rounds.length})`)
    .join("\n");
}

/** One round's steps in order, one line each (BENCH_TIMELINE_SLOWEST=N prints the slowest). */
export function stepsOf(steps: Step[]): string {
  return [...steps]
    .sort((a, b) => a[0] - b[0])
    .map(([at, what]) => `${at.toFixed(1).padStart(7)} ms  ${what}`)
    .join("\n");
}
