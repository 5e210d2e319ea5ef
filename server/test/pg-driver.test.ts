// The send path's pipelined PostgreSQL connections (store/pg-driver.ts): open and warm
// once the store is, so the first sends after a start (or after a quiet spell: pg-pool
// closes idle connections after 10 s unless kept) pay no connect and no backend's
// first look at the send tables.
import pg from "pg";
import { describe, expect, it } from "vitest";
import { openStore } from "../store";
import { dropSchema, freshSchema, TEST_DATABASE_URL } from "./stores";

describe.runIf(TEST_DATABASE_URL)("the send path's connections (PostgreSQL)", () => {
  it("are open and have run the warm-up before the first send", async () => {
    const url = TEST_DATABASE_URL!;
    const schema = freshSchema();
    const { store } = await openStore({ dataDir: "", databaseUrl: url, databaseSchema: schema });
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ query: string }>(
        "SELECT query FROM pg_stat_activity WHERE application_name = $1",
        [`messenger send ${schema}`],
      );
      expect(rows).toHaveLength(4);
      for (const r of rows) expect(r.query).toContain("group_message_id_before");
    } finally {
      await admin.end();
      await store.close();
      await dropSchema(url, schema);
    }
  });

  it("hands back the first statement's rows while the second still runs, and the second's outcome after", async () => {
    const url = TEST_DATABASE_URL!;
    const schema = freshSchema();
    const { store } = await openStore({ dataDir: "", databaseUrl: url, databaseSchema: schema });
    try {
      const driver = store.driver;
      let secondDone = false;
      const { rows, then } = await driver.preparedThen!<{ x: number }>("SELECT 1 AS x", [], {
        text: "SELECT pg_sleep(1)",
        params: [],
      });
      void then.then(() => (secondDone = true));
      expect(rows).toEqual([{ x: 1 }]);
      expect(secondDone).toBe(false); // the send's next statement need not wait for it
      expect(await then).toBeUndefined();
      // A failing second statement settles with its error, and leaves the first's rows.
      const failing = await driver.preparedThen!("SELECT 2 AS x", [], {
        text: "SELECT 1 / 0",
        params: [],
      });
      expect(failing.rows).toEqual([{ x: 2 }]);
      expect(String(await failing.then)).toMatch(/division by zero/);
      // Its connection went back to the pool: every one of them still answers.
      await Promise.all(
        Array.from({ length: 8 }, () =>
          driver.preparedThen!("SELECT 3", [], { text: "SELECT 4", params: [] }),
        ),
      );
    } finally {
      await store.close();
      await dropSchema(url, schema);
    }
  });
});
