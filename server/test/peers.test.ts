// A node alone on its database skips its sends' wake-ups (store/peers.ts), and a node
// that opens later still hears every row: at once for sends after its hello, and through
// the announcement after all (plus a read-again of its streams) for a send that was
// running alone when it arrived.
import { describe, expect, it } from "vitest";
import { groupTopic, openStore, type GroupMessageInsert, type Store } from "../store";
import { dropSchema, freshSchema, TEST_DATABASE_URL } from "./stores";

const enc = new TextEncoder();
const gid = () => crypto.getRandomValues(new Uint8Array(16));
const msg = (groupId: Uint8Array, text: string): GroupMessageInsert => ({
  groupId,
  data: enc.encode(text),
  senderHmac: new Uint8Array(32),
  shouldPush: true,
});
const within = <T>(p: Promise<T>, ms: number, what: string) =>
  Promise.race([
    p,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no ${what}`)), ms)),
  ]);

describe.runIf(TEST_DATABASE_URL)("nodes on one database (PostgreSQL)", () => {
  const url = TEST_DATABASE_URL!;
  const open = (schema: string) =>
    openStore({ dataDir: "", databaseUrl: url, databaseSchema: schema });

  /** Counts the pipelined wake-ups `store` sends with its inserts. */
  function countWakeUps(store: Store): () => number {
    const driver = store.driver;
    const real = driver.preparedThen!.bind(driver);
    let n = 0;
    driver.preparedThen = (text, params, then) => {
      n++;
      return real(text, params, then);
    };
    return () => n;
  }

  it("sends no wake-up while alone, and wakes a node that opened since at once", async () => {
    const schema = freshSchema();
    const a = await open(schema);
    let b: Awaited<ReturnType<typeof open>> | undefined;
    try {
      const wakeUps = countWakeUps(a.store);
      await a.store.insertGroupMessages([msg(gid(), "alone")]);
      expect(wakeUps()).toBe(0);
      b = await open(schema); // its hello was answered: a knows it now
      const g = gid();
      const heard = new Promise<bigint>((resolve) =>
        b!.bus.on(groupTopic(g), (e) => resolve(e.id)),
      );
      const [row] = await a.store.insertGroupMessages([msg(g, "together")]);
      expect(wakeUps()).toBe(1);
      expect(await within(heard, 5_000, "wake-up")).toBe(row!.id);
    } finally {
      await b?.store.close();
      await a.store.close();
      await dropSchema(url, schema);
    }
  });

  it("announces a send that ran alone when a node opened, and has that node read its streams again", async () => {
    const schema = freshSchema();
    const a = await open(schema);
    let b: Awaited<ReturnType<typeof open>> | undefined;
    try {
      // a's statement held back 500 ms after it ran: b opens meanwhile.
      const driver = a.store.driver;
      const real = driver.prepared.bind(driver);
      driver.prepared = async (text, params) => {
        const rows = await real(text, params);
        if (text.includes("INSERT INTO group_messages"))
          await new Promise((r) => setTimeout(r, 500));
        return rows as never;
      };
      const g = gid();
      const sending = a.store.publishGroupMessages([msg(g, "while alone")]);
      await new Promise((r) => setTimeout(r, 50));
      b = await open(schema);
      const heard = new Promise<bigint>((resolve) =>
        b!.bus.on(groupTopic(g), (e) => resolve(e.id)),
      );
      const readAgain = new Promise<void>((resolve) => b!.bus.onResync(resolve));
      const [row] = await sending;
      expect(await within(heard, 5_000, "announcement")).toBe(row!.id);
      await within(readAgain, 5_000, "ack from the node that was alone");
    } finally {
      await b?.store.close();
      await a.store.close();
      await dropSchema(url, schema);
    }
  });
});
