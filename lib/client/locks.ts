// Every change of MLS state happens under a Web Lock keyed by the group, so two
// tabs (or two async paths in one tab) never fork a group's epoch. Node 24 and
// every current browser have navigator.locks; the fallback keeps tests honest
// in environments without it.
//
// A tab about to need a lock (someone is typing in that conversation) may take it ahead
// and keep it a short while (holdLock): its operations then run one after another inside
// the tab, without asking the browser for the lock each time. That request is a round trip
// to the browser process which, right after a key press, waited 8-20 ms behind the frame,
// in front of the send. Other tabs still get the lock: the Web Lock is held the whole time
// (so nothing runs in two tabs at once), a tab that wants it says so on a BroadcastChannel
// and the holder lets go as soon as its current operation ends, and a hold ends by itself
// once unused for its time.

const chains = new Map<string, Promise<unknown>>();

function inProcessLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const prev = chains.get(name) ?? Promise.resolve();
  const next = prev.then(fn, fn);
  const settled = next.catch(() => undefined);
  chains.set(name, settled);
  void settled.then(() => {
    if (chains.get(name) === settled) chains.delete(name);
  });
  return next;
}

const webLocks = () => (globalThis.navigator as Navigator | undefined)?.locks;

/** A Web Lock this tab holds ahead of need. */
interface Held {
  /** Operations running or queued under it in this tab. */
  busy: number;
  /** Another tab asked for it: let go once `busy` is 0. */
  wanted: boolean;
  /** Until when it is kept unused (ms since the epoch). */
  until: number;
  timer?: ReturnType<typeof setTimeout>;
  release: () => void;
}

const held = new Map<string, Held>();
/** Holds asked for and not yet granted or refused. */
const taking = new Map<string, Promise<void>>();
/** Asked for by another tab while a hold was being taken: it is let go once granted. */
const wantedWhileTaking = new Set<string>();

/** Tabs say here which lock they are waiting for (undefined: no BroadcastChannel). */
let wants: BroadcastChannel | undefined | null = null;
function wantsChannel(): BroadcastChannel | undefined {
  if (wants === null) {
    wants =
      typeof BroadcastChannel === "undefined" ? undefined : new BroadcastChannel("locks:want");
    if (wants) {
      wants.onmessage = (e: MessageEvent<unknown>) => {
        if (typeof e.data !== "string") return;
        if (taking.has(e.data)) wantedWhileTaking.add(e.data);
        const h = held.get(e.data);
        if (!h) return;
        h.wanted = true;
        if (h.busy === 0) letGo(e.data, h);
      };
      // Node: the channel must not keep the process alive.
      (wants as unknown as { unref?: () => void }).unref?.();
    }
  }
  return wants;
}

function letGo(name: string, h: Held): void {
  if (held.get(name) !== h) return;
  held.delete(name);
  clearTimeout(h.timer);
  h.release();
}

/** (Re)arms the unused-time release of a hold. */
function arm(name: string, h: Held): void {
  clearTimeout(h.timer);
  if (h.busy > 0) return; // re-armed when the last operation ends
  const left = h.until - Date.now();
  if (left <= 0) return letGo(name, h);
  h.timer = setTimeout(() => arm(name, h), left);
  (h.timer as unknown as { unref?: () => void }).unref?.();
}

/** Runs fn under a hold: after the tab's other operations on it, never beside them. */
async function underHold<T>(name: string, h: Held, fn: () => Promise<T>): Promise<T> {
  h.busy++;
  try {
    return await inProcessLock(`held:${name}`, fn);
  } finally {
    h.busy--;
    if (h.busy === 0 && h.wanted) letGo(name, h);
    else arm(name, h);
  }
}

/**
 * Takes the lock ahead of need and keeps it until `ms` pass unused (or another tab asks for
 * it). Only when it is free now: a hold never waits behind anyone. Calling it again while
 * held keeps it longer.
 */
export function holdLock(name: string, ms: number): void {
  const locks = webLocks();
  if (!locks?.request) return;
  const h = held.get(name);
  if (h) {
    h.until = Math.max(h.until, Date.now() + ms);
    if (!h.wanted) arm(name, h);
    return;
  }
  if (taking.has(name)) return;
  wantsChannel();
  const granted = new Promise<void>((done) => {
    void locks
      .request(name, { ifAvailable: true }, (lock) => {
        if (!lock) return done();
        if (wantedWhileTaking.delete(name)) return done(); // let go at once
        return new Promise<void>((release) => {
          const mine: Held = { busy: 0, wanted: false, until: Date.now() + ms, release };
          held.set(name, mine);
          arm(name, mine);
          done();
        });
      })
      .catch(() => done());
  }).finally(() => {
    taking.delete(name);
    wantedWhileTaking.delete(name);
  });
  taking.set(name, granted);
}

/**
 * The hold this tab has on `name` now (undefined: none, or another tab asked for it). The
 * same object for as long as the Web Lock stays with this tab: while it does, no other tab
 * has changed what the lock guards.
 */
export function holdOf(name: string): object | undefined {
  const h = held.get(name);
  return h && !h.wanted ? h : undefined;
}

export async function withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const locks = webLocks();
  if (!locks?.request) return inProcessLock(name, fn);
  await taking.get(name); // a hold being taken: use it, never queue behind it
  const h = held.get(name);
  if (h && !h.wanted) return underHold(name, h, fn);
  wantsChannel()?.postMessage(name); // a hold in another tab lets go when it is idle
  return locks.request(name, fn) as Promise<T>;
}

/** What tryWithLock returns when someone else holds the lock. */
export const LOCK_BUSY: unique symbol = Symbol("lock_busy");

/** Runs fn under the lock only if nobody holds it now (a caller with a slower safe path). */
export async function tryWithLock<T>(
  name: string,
  fn: () => Promise<T>,
): Promise<T | typeof LOCK_BUSY> {
  const locks = webLocks();
  if (locks?.request) {
    await taking.get(name);
    const h = held.get(name);
    if (h && !h.wanted) return h.busy > 0 ? LOCK_BUSY : underHold(name, h, fn);
    return locks.request(name, { ifAvailable: true }, (lock) =>
      lock ? fn() : LOCK_BUSY,
    ) as Promise<T | typeof LOCK_BUSY>;
  }
  if (chains.has(name)) return LOCK_BUSY;
  return inProcessLock(name, fn);
}
