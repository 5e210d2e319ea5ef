// Every change of MLS state happens under a Web Lock keyed by the group, so two
// tabs (or two async paths in one tab) never fork a group's epoch. Node 24 and
// every current browser have navigator.locks; the fallback keeps tests honest
// in environments without it.

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

export function withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (locks?.request) return locks.request(name, fn) as Promise<T>;
  return inProcessLock(name, fn);
}

/** What tryWithLock returns when someone else holds the lock. */
export const LOCK_BUSY: unique symbol = Symbol("lock_busy");

/** Runs fn under the lock only if nobody holds it now (a caller with a slower safe path). */
export function tryWithLock<T>(name: string, fn: () => Promise<T>): Promise<T | typeof LOCK_BUSY> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (locks?.request)
    return locks.request(name, { ifAvailable: true }, (lock) =>
      lock ? fn() : LOCK_BUSY,
    ) as Promise<T | typeof LOCK_BUSY>;
  if (chains.has(name)) return Promise.resolve(LOCK_BUSY);
  return inProcessLock(name, fn);
}
