// The PostgreSQL large-object backend, on the machine's PostgreSQL in a throwaway
// schema (CI sets TEST_DATABASE_URL): directly, and behind two node processes
// sharing one database, where every node must serve every blob.
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { buffer } from "node:stream/consumers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Driver } from "../../store/driver";
import { openPostgres } from "../../store/pg-driver";
import { startNode, type StartedNode } from "../../test/harness";
import { dropSchema, freshSchema, TEST_DATABASE_URL } from "../../test/stores";
import { AttachmentError } from "../errors";
import { PgAttachmentStore } from "../pg-store";

const sha256hex = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const random = (n: number) => new Uint8Array(randomBytes(n));

async function* pieces(b: Uint8Array, size = 64 * 1024): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

if (!TEST_DATABASE_URL) {
  console.warn(
    "NOTICE: TEST_DATABASE_URL is not set: the PostgreSQL attachment store tests are SKIPPED. " +
      "Set TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test to run them.",
  );
}

describe.runIf(TEST_DATABASE_URL)("PgAttachmentStore (PostgreSQL large objects)", () => {
  const url = TEST_DATABASE_URL!;
  const schema = freshSchema();
  let db: Driver;
  let spoolDir: string;
  let store: PgAttachmentStore;

  beforeAll(async () => {
    db = await openPostgres(url, schema);
    spoolDir = fs.mkdtempSync(path.join(os.tmpdir(), "attachments-pg-"));
    store = await PgAttachmentStore.open(db, spoolDir);
  });
  afterAll(async () => {
    await db?.close();
    await dropSchema(url, schema);
    fs.rmSync(spoolDir, { recursive: true, force: true });
  });

  it("round-trips a blob larger than one large-object chunk, byte for byte", async () => {
    const bytes = random(2.5 * 1024 * 1024);
    const stored = await store.put(pieces(bytes), 10 * 1024 * 1024);
    expect(stored).toEqual({ digest: sha256hex(bytes), size: bytes.length, created: true });
    const blob = await store.get(stored.digest);
    expect(blob?.size).toBe(bytes.length);
    expect(sha256hex(await buffer(blob!.body))).toBe(stored.digest);
    expect(await store.stat(stored.digest)).toEqual({ size: bytes.length });
    const rows = await db.query("SELECT size FROM attachments WHERE digest = $1", [stored.digest]);
    expect(rows.map((r) => Number(r.size))).toEqual([bytes.length]);
    expect(fs.readdirSync(store.tmpDir)).toEqual([]);
  });

  it("stores racing identical uploads once", async () => {
    const bytes = random(300_000);
    const results = await Promise.all(
      Array.from({ length: 4 }, () => store.put(pieces(bytes), 1_000_000)),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const rows = await db.query("SELECT oid FROM attachments WHERE digest = $1", [
      sha256hex(bytes),
    ]);
    expect(rows).toHaveLength(1);
  });

  it("refuses more than maxBytes and keeps neither a row nor a temp file", async () => {
    const bytes = random(200_000);
    const err = await store.put(pieces(bytes), 100_000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AttachmentError);
    expect((err as AttachmentError).code).toBe("too_large");
    expect(await store.has(sha256hex(bytes))).toBe(false);
    expect(fs.readdirSync(store.tmpDir)).toEqual([]);
  });

  it("answers undefined for an unknown digest, and opens again on an existing table", async () => {
    expect(await store.get(sha256hex(random(4)))).toBeUndefined();
    const again = await PgAttachmentStore.open(db, spoolDir);
    expect(await again.has(sha256hex(random(4)))).toBe(false);
  });
});

describe.runIf(TEST_DATABASE_URL)("two node processes on one PostgreSQL", () => {
  let a: StartedNode;
  let b: StartedNode;
  const schema = freshSchema();

  beforeAll(async () => {
    // DATABASE_URL without ATTACHMENTS_STORE: the default is the shared postgres store.
    const env = { DATABASE_SCHEMA: schema };
    a = await startNode({ databaseUrl: TEST_DATABASE_URL, env });
    b = await startNode({ databaseUrl: TEST_DATABASE_URL, env });
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await dropSchema(TEST_DATABASE_URL!, schema);
  });

  it("serves a blob uploaded to one node from the other, and keeps no file on disk", async () => {
    const bytes = random(1_500_000);
    const res = await fetch(`${a.url}/attachments`, {
      method: "POST",
      headers: { "content-type": "application/octet-stream" },
      body: bytes as Uint8Array<ArrayBuffer>,
    });
    expect(res.status).toBe(201);
    const { digest } = (await res.json()) as { digest: string };
    expect(digest).toBe(sha256hex(bytes));
    expect(
      await a.logLine((l) => l.includes('"store":"postgres"') && l.includes(digest)),
    ).toBeDefined();

    const got = await fetch(`${b.url}/attachments/${digest}`);
    expect(got.status).toBe(200);
    expect(Buffer.from(await got.arrayBuffer()).equals(bytes)).toBe(true);

    const again = await fetch(`${b.url}/attachments`, {
      method: "POST",
      headers: { "content-type": "application/octet-stream" },
      body: bytes as Uint8Array<ArrayBuffer>,
    });
    expect(again.status).toBe(200);
    const onDisk = fs.readdirSync(path.join(a.dataDir, "attachments"));
    expect(onDisk).toEqual([".tmp"]);
  });
});
