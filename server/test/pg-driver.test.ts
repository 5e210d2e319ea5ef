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
});
