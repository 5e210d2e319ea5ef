// What the integration tests of forks and welcomes share: a client's context (the tests
// drive internal steps), polling until a condition holds, fork recovery driven by the test
// rather than by timers, and clients on fake-indexeddb that record their log per name.
import { IDBKeyRange, indexedDB } from "fake-indexeddb";
import { Client } from "../../lib/client";
import type { ClientContext } from "../../lib/client/context";
import type { TestWallet } from "./accounts";
import type { Logged } from "./groups";

export const ctxOf = (c: Client) => (c as unknown as { ctx: ClientContext }).ctx;

/** Fork checks, takeovers and re-add requests only when the test asks for them. */
export const MANUAL_FORK_RECOVERY = {
  checkIntervalMs: 60_000,
  takeoverMs: 60_000,
  requestEveryMs: 0,
};

export async function until(what: string, ok: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Makes clients (each its own database, named) whose log lines land in `logs[name]`. */
export function loggedClients(defaultUrl: () => string) {
  const clients: Client[] = [];
  const logs: Record<string, Logged[]> = {};
  const make = async (wallet: TestWallet, name: string, url = defaultUrl()) => {
    logs[name] = [];
    const c = await Client.create(wallet.signer, {
      apiUrl: url,
      dbName: name,
      indexedDB,
      IDBKeyRange,
      forkRecovery: MANUAL_FORK_RECOVERY,
      log: (event, detail) => logs[name]!.push({ event, detail }),
    });
    clients.push(c);
    return c;
  };
  const closeAll = async () => {
    for (const c of clients) await c.close();
  };
  return { make, logs, closeAll };
}
