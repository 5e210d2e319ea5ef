// Locks taken ahead (holdLock): this tab's operations run one at a time without asking for
// the Web Lock each time, the Web Lock is held all along (so another tab never runs beside
// them), another tab that asks gets it as soon as the holder is idle, and an unused hold
// ends by itself. Node 24's navigator.locks and BroadcastChannel are the browser's APIs; the
// "other tab" here asks as a tab does, on the same channel and lock manager.
import { describe, expect, it } from "vitest";
import { holdLock, LOCK_BUSY, tryWithLock, withLock } from "./locks";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let n = 0;
const fresh = () => `test:locks:${++n}:${Math.random()}`;

/** Waits until the Web Lock `name` is held by someone (a hold is taken asynchronously). */
async function heldByAnyone(name: string): Promise<boolean> {
  const { held } = await navigator.locks.query();
  return (held ?? []).some((l) => l.name === name);
}

/** Another tab: says it wants the lock, then asks for it as withLock does there. */
function otherTab<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const channel = new BroadcastChannel("locks:want");
  channel.postMessage(name);
  channel.close();
  return navigator.locks.request(name, fn) as Promise<T>;
}

describe("locks held ahead", () => {
  it("runs this tab's operations one at a time, the Web Lock held throughout", async () => {
    const name = fresh();
    holdLock(name, 5_000);
    const log: string[] = [];
    const op = (id: string) => async () => {
      log.push(`${id} start`);
      expect(await heldByAnyone(name)).toBe(true);
      await sleep(20);
      log.push(`${id} end`);
      return id;
    };
    expect(await Promise.all([withLock(name, op("a")), withLock(name, op("b"))])).toEqual([
      "a",
      "b",
    ]);
    expect(log).toEqual(["a start", "a end", "b start", "b end"]);
    // Nobody else may take it meanwhile.
    const other = await navigator.locks.request(name, { ifAvailable: true }, (l) => l !== null);
    expect(other).toBe(false);
  });

  it("tryWithLock says busy while an operation runs under the hold, and runs when it is idle", async () => {
    const name = fresh();
    holdLock(name, 5_000);
    let release!: () => void;
    const running = withLock(name, () => new Promise<void>((r) => (release = r)));
    await sleep(5);
    expect(await tryWithLock(name, async () => "ran")).toBe(LOCK_BUSY);
    release();
    await running;
    expect(await tryWithLock(name, async () => "ran")).toBe("ran");
  });

  it("lets another tab in as soon as its current operation ends, never during it", async () => {
    const name = fresh();
    holdLock(name, 60_000);
    let inside = false;
    let release!: () => void;
    const running = withLock(name, async () => {
      inside = true;
      await new Promise<void>((r) => (release = r));
      inside = false;
    });
    await sleep(5);
    const t0 = Date.now();
    let overlapped: boolean | undefined;
    const theirs = otherTab(name, async () => {
      overlapped = inside;
    });
    await sleep(50);
    expect(overlapped).toBeUndefined(); // still waiting: the holder is busy
    release();
    await running;
    await theirs;
    expect(overlapped).toBe(false);
    expect(Date.now() - t0).toBeLessThan(5_000); // not the hold's 60 s
  });

  it("an idle hold lets another tab in at once", async () => {
    const name = fresh();
    holdLock(name, 60_000);
    await withLock(name, async () => undefined); // the hold is taken and used
    const t0 = Date.now();
    expect(await otherTab(name, async () => "theirs")).toBe("theirs");
    expect(Date.now() - t0).toBeLessThan(1_000);
    // Afterwards this tab asks again like any tab (and gets it).
    expect(await withLock(name, async () => "mine")).toBe("mine");
  });

  it("ends by itself once unused for its time", async () => {
    const name = fresh();
    holdLock(name, 50);
    await withLock(name, async () => undefined);
    expect(await heldByAnyone(name)).toBe(true);
    await sleep(150);
    expect(await heldByAnyone(name)).toBe(false);
  });

  it("never waits behind someone else: a lock taken elsewhere is not held ahead", async () => {
    const name = fresh();
    let release!: () => void;
    const theirs = navigator.locks.request(name, () => new Promise<void>((r) => (release = r)));
    await sleep(5);
    holdLock(name, 60_000);
    await sleep(20);
    release();
    await theirs;
    await sleep(5);
    expect(await heldByAnyone(name)).toBe(false);
  });
});
