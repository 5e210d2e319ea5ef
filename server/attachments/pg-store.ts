// PostgreSQL large objects: blobs shared by every node process on one database.
// The upload is spooled and hashed first; then one short transaction creates the
// large object and its row, so a slow sender never holds a connection and a
// failed upload leaves no orphaned object (the rollback removes it).
import { Readable } from "node:stream";
import type { Driver } from "../store/driver";
import { readChunks, spool, sweepSpool } from "./spool";
import type { AttachmentBlob, AttachmentStore, StoredAttachment } from "./store";
import fs from "node:fs/promises";
import path from "node:path";

/** Bytes per lo_put / lo_get round trip. */
const CHUNK_BYTES = 1024 * 1024;

/** Advisory-lock key for creating the table ("ATT"), apart from the migrations' key. */
const TABLE_LOCK_KEY = 0x415454;

export class PgAttachmentStore implements AttachmentStore {
  readonly kind = "postgres";

  private constructor(
    private readonly db: Driver,
    readonly tmpDir: string,
  ) {}

  /** `db` is the node's own PostgreSQL driver (its schema already on the search path). */
  static async open(db: Driver, spoolDir: string): Promise<PgAttachmentStore> {
    if (db.kind !== "postgres") {
      throw new Error("the postgres attachment store needs DATABASE_URL (PostgreSQL, not PGlite)");
    }
    const tmpDir = path.join(spoolDir, ".tmp");
    await fs.mkdir(tmpDir, { recursive: true });
    await sweepSpool(tmpDir);
    // Not a numbered migration: the table exists only where this backend is chosen.
    // The lock keeps nodes starting together from racing on CREATE TABLE.
    await db.withSessionLock(TABLE_LOCK_KEY, (sql) =>
      sql.query(`CREATE TABLE IF NOT EXISTS attachments (
        digest TEXT PRIMARY KEY,
        oid OID NOT NULL,
        size BIGINT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now())`),
    );
    return new PgAttachmentStore(db, tmpDir);
  }

  async put(body: AsyncIterable<Uint8Array>, maxBytes: number): Promise<StoredAttachment> {
    const spooled = await spool(body, this.tmpDir, maxBytes);
    const { digest, size } = spooled;
    try {
      if (await this.has(digest)) return { digest, size, created: false };
      const created = await this.db.transaction(async (tx) => {
        // Two identical uploads at once: the second waits, then sees the row.
        await tx.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`attachment:${digest}`]);
        const found = await tx.query("SELECT 1 FROM attachments WHERE digest = $1", [digest]);
        if (found.length > 0) return false;
        let oid: unknown;
        let offset = 0;
        for await (const chunk of readChunks(spooled.path, CHUNK_BYTES)) {
          if (oid === undefined) {
            const rows = await tx.query<{ oid: unknown }>(
              "SELECT lo_from_bytea(0, $1::bytea) AS oid",
              [chunk],
            );
            oid = rows[0]!.oid;
          } else {
            await tx.query("SELECT lo_put($1::oid, $2::bigint, $3::bytea)", [oid, offset, chunk]);
          }
          offset += chunk.length;
        }
        if (offset !== size) throw new Error(`spooled file changed: ${offset} of ${size} bytes`);
        await tx.query("INSERT INTO attachments (digest, oid, size) VALUES ($1, $2::oid, $3)", [
          digest,
          oid,
          size,
        ]);
        return true;
      });
      return { digest, size, created };
    } finally {
      await spooled.discard();
    }
  }

  private async row(digest: string): Promise<{ oid: unknown; size: number } | undefined> {
    const rows = await this.db.query<{ oid: unknown; size: unknown }>(
      "SELECT oid, size FROM attachments WHERE digest = $1",
      [digest],
    );
    const r = rows[0];
    return r ? { oid: r.oid, size: Number(r.size) } : undefined;
  }

  async get(digest: string): Promise<AttachmentBlob | undefined> {
    const r = await this.row(digest);
    if (!r) return undefined;
    const db = this.db;
    // Pulled one chunk at a time as the response drains; nothing is read after destroy().
    async function* chunks(): AsyncGenerator<Buffer> {
      for (let offset = 0; offset < r!.size; offset += CHUNK_BYTES) {
        const rows = await db.query<{ b: Buffer }>("SELECT lo_get($1::oid, $2::bigint, $3) AS b", [
          r!.oid,
          offset,
          Math.min(CHUNK_BYTES, r!.size - offset),
        ]);
        const b = rows[0]?.b;
        if (!b || b.length === 0) throw new Error(`large object for ${digest} ends at ${offset}`);
        yield b;
      }
    }
    return { size: r.size, body: Readable.from(chunks(), { objectMode: false }) };
  }

  async stat(digest: string): Promise<{ size: number } | undefined> {
    const r = await this.row(digest);
    return r ? { size: r.size } : undefined;
  }

  async has(digest: string): Promise<boolean> {
    return (await this.row(digest)) !== undefined;
  }

  /** The database belongs to the node's Store, which closes it. */
  async close(): Promise<void> {}
}
