// The embedded store's driver runs PGlite on a thread of its own and keeps the node's hot
// statements parsed and planned once (named statements, server/store/pglite-worker.ts); it
// must answer exactly as a plain in-process query does: same rows and types, same errors,
// the connection still usable after an error, transactions alone and all-or-nothing.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Driver } from "../store/driver";
import { openPglite } from "../store/pglite-driver";

let driver: Driver;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "pglite-driver-"));
  driver = await openPglite(dir);
  await driver.query(
    "CREATE TABLE t (id BIGSERIAL PRIMARY KEY, k BYTEA NOT NULL UNIQUE, n BIGINT NOT NULL, s TEXT)",
  );
}, 60_000);

afterAll(async () => {
  await driver?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const INSERT = "INSERT INTO t (k, n, s) VALUES ($1, $2, $3) RETURNING id, k, n, s";
const PAGE = "SELECT k, n, s FROM t WHERE id > $1 ORDER BY id LIMIT $2";

describe("PGlite driver: prepared statements", () => {
  it("answers as a plain query does, with the statement kept prepared", async () => {
    for (let i = 1; i <= 5; i++) {
      const [row] = await driver.prepared(INSERT, [
        new Uint8Array([i, 255]),
        BigInt(i) << 40n,
        null,
      ]);
      expect(row).toMatchObject({ k: new Uint8Array([i, 255]), s: null });
      expect(BigInt(row!.n as number | bigint)).toBe(BigInt(i) << 40n);
    }
    expect(await driver.prepared(PAGE, [2n, 2])).toEqual(await driver.query(PAGE, [2n, 2]));
    expect(await driver.prepared(PAGE, [0n, 100])).toHaveLength(5);
    const kept = await driver.query<{ n: unknown }>(
      "SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement IN ($1, $2)",
      [INSERT, PAGE],
    );
    expect(kept[0]!.n).toBe(2); // parsed and planned once each, not per call
  });

  it("rejects with the database's error and stays usable after it", async () => {
    const dup = driver.prepared(INSERT, [new Uint8Array([1, 255]), 1n, "again"]);
    await expect(dup).rejects.toMatchObject({ code: "23505" }); // unique_violation
    await expect(driver.prepared(PAGE, ["not a number", 1])).rejects.toMatchObject({
      code: "22P02", // invalid_text_representation
    });
    const [row] = await driver.prepared(INSERT, [new Uint8Array([9]), 9n, "after"]);
    expect(row).toMatchObject({ s: "after" });
    expect(await driver.query("SELECT s FROM t WHERE s = $1", ["after"])).toEqual([{ s: "after" }]);
  });

  it("runs a transaction alone and all-or-nothing, on PGlite's thread as in-process", async () => {
    const k = new Uint8Array([100]);
    const count = "SELECT count(*)::int AS n FROM t WHERE k = $1";
    let outside: Promise<unknown[]> | undefined;
    const rolledBack = driver.transaction(async (tx) => {
      await tx.query("INSERT INTO t (k, n) VALUES ($1, 1)", [k]);
      // Sent while the transaction is open: it must wait for its end, not run inside it
      // (it would see the uncommitted row).
      outside = driver.query(count, [k]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await tx.query(count, [k])).toEqual([{ n: 1 }]);
      throw new Error("changed my mind");
    });
    await expect(rolledBack).rejects.toThrow("changed my mind");
    expect(await outside).toEqual([{ n: 0 }]);
    await driver.transaction((tx) => tx.query("INSERT INTO t (k, n) VALUES ($1, 2)", [k]));
    expect(await driver.query(count, [k])).toEqual([{ n: 1 }]);
    // The database's error inside keeps its fields, and the transaction is over after it.
    const dup = driver.transaction((tx) => tx.query("INSERT INTO t (k, n) VALUES ($1, 3)", [k]));
    await expect(dup).rejects.toMatchObject({ code: "23505" });
    expect(await driver.query(count, [k])).toEqual([{ n: 1 }]);
  });

  it("a PGlite that cannot start is reported, and its data folder's lock let go", async () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), "pglite-driver-broken-"));
    try {
      fs.writeFileSync(path.join(other, "pgdata"), "not a folder");
      await expect(openPglite(other)).rejects.toThrow();
      expect(fs.existsSync(path.join(other, "node.lock"))).toBe(false);
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  }, 60_000);

  it("a statement after close is refused as PGlite refuses one, naming it closed", async () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), "pglite-driver-closed-"));
    const d = await openPglite(other);
    try {
      await d.close();
      await expect(d.prepared("SELECT $1::int AS one", [1])).rejects.toThrow(/closed/);
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  }, 60_000);
});
