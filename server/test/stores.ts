// Test helper: a Store on PGlite in a temp dir, and (when TEST_DATABASE_URL is set)
// on PostgreSQL in a fresh schema that is dropped afterwards.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { openStore, type EventBus, type Store } from "../store";
import { dropSchema, freshSchema } from "./pg-schema";

export { dropSchema, freshSchema };

export interface TestStore {
  store: Store;
  bus: EventBus;
  /** Opens a second Store on the same database (PostgreSQL) — e.g. another node process. */
  reopen(): Promise<{ store: Store; bus: EventBus }>;
  cleanup(): Promise<void>;
}

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;

async function openTestStore(kind: "pglite" | "postgres"): Promise<TestStore> {
  if (kind === "pglite") {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "store-test-"));
    const { store, bus } = await openStore({ dataDir });
    return {
      store,
      bus,
      reopen: () => Promise.reject(new Error("PGlite is one process")),
      async cleanup() {
        await store.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const url = TEST_DATABASE_URL!;
  const schema = freshSchema();
  const { store, bus } = await openStore({ dataDir: "", databaseUrl: url, databaseSchema: schema });
  const others: Store[] = [];
  return {
    store,
    bus,
    async reopen() {
      const opened = await openStore({ dataDir: "", databaseUrl: url, databaseSchema: schema });
      others.push(opened.store);
      return opened;
    },
    async cleanup() {
      for (const s of others) await s.close();
      await store.close();
      await dropSchema(url, schema);
    },
  };
}

/**
 * The store of a test file (or of the describe block it is called in): opened before
 * its tests, closed and removed after them. Read `store` / `bus` inside tests only.
 */
export function storeFixture(
  kind: "pglite" | "postgres" = "pglite",
): Pick<TestStore, "store" | "bus" | "reopen"> {
  let t: TestStore | undefined;
  beforeAll(async () => {
    t = await openTestStore(kind);
  });
  afterAll(async () => {
    await t?.cleanup();
  });
  const opened = () => {
    if (!t) throw new Error("the test store opens in beforeAll: use it inside a test");
    return t;
  };
  return {
    get store() {
      return opened().store;
    },
    get bus() {
      return opened().bus;
    },
    reopen: () => opened().reopen(),
  };
}

export const storeKinds: ("pglite" | "postgres")[] = TEST_DATABASE_URL
  ? ["pglite", "postgres"]
  : ["pglite"];

/** Counts the store's group-message reads until restore(): how many reads a fan-out took. */
export function countGroupReads(store: Store): { reads: () => number; restore: () => void } {
  let reads = 0;
  const real = store.queryGroupMessages.bind(store);
  store.queryGroupMessages = (groupId, page) => {
    reads++;
    return real(groupId, page);
  };
  return { reads: () => reads, restore: () => (store.queryGroupMessages = real) };
}
