// Per-group commit logs (XMTP's BatchPublishCommitLog / BatchQueryCommitLog):
// append-only, opaque signed entries. Same ordering discipline as group messages:
// inserts hold the log's advisory lock, so a reader paging with `id > cursor`
// never passes an id whose row commits later. Its own lock key, so commit-log
// writes never wait on a busy group's message sends.
import { createHash } from "node:crypto";
import { toHex } from "../../lib/crypto";
import { nowNs } from "../clock";
import type { Driver } from "./driver";
import { toBigInt, toBytes } from "./rows";
import { lockTopics, pageSql, type Page } from "./topic-sql";

export interface CommitLogInsert {
  groupId: Uint8Array;
  /** serialized_commit_log_entry: opaque to the node. */
  entry: Uint8Array;
  /** Ed25519 signature (64 bytes) over `entry`, and the key that made it (32 bytes). */
  signature: Uint8Array;
  signerPublicKey: Uint8Array;
}

export interface CommitLogRow extends CommitLogInsert {
  id: bigint;
  createdNs: bigint;
}

const lockKey = (groupId: Uint8Array) => `c:${toHex(groupId)}`;

/** Identity of an entry within its group: all of its bytes, length-delimited. */
function contentHash(m: CommitLogInsert): Uint8Array {
  const h = createHash("sha256");
  for (const part of [m.entry, m.signature, m.signerPublicKey]) {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(part.length);
    h.update(len).update(part);
  }
  return new Uint8Array(h.digest());
}

function commitLogRow(r: Record<string, unknown>): CommitLogRow {
  return {
    id: toBigInt(r.id, "id"),
    createdNs: toBigInt(r.created_ns, "created_ns"),
    groupId: toBytes(r.group_id, "group_id"),
    entry: toBytes(r.entry, "entry"),
    signature: toBytes(r.signature, "signature"),
    signerPublicKey: toBytes(r.signer_public_key, "signer_public_key"),
  };
}

const INSERT_SQL = `INSERT INTO commit_log (group_id, created_ns, entry, signature, signer_public_key, content_hash)
  VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (group_id, content_hash) DO NOTHING RETURNING *`;
const EXISTING_SQL = "SELECT * FROM commit_log WHERE group_id = $1 AND content_hash = $2";

/**
 * All-or-nothing. An entry byte-identical to one already in its group's log is not
 * stored again; the existing row is returned in its place (a retried publish is harmless).
 */
export async function insertCommitLogEntries(
  driver: Driver,
  inputs: CommitLogInsert[],
): Promise<CommitLogRow[]> {
  return driver.transaction(async (tx) => {
    await lockTopics(
      tx,
      inputs.map((m) => lockKey(m.groupId)),
    );
    const rows: CommitLogRow[] = [];
    for (const m of inputs) {
      const hash = contentHash(m);
      const inserted = await tx.query(INSERT_SQL, [
        m.groupId,
        nowNs(),
        m.entry,
        m.signature,
        m.signerPublicKey,
        hash,
      ]);
      const raw = inserted[0] ?? (await tx.query(EXISTING_SQL, [m.groupId, hash]))[0];
      if (!raw) throw new Error("commit_log: conflicting row vanished inside its lock");
      rows.push(commitLogRow(raw));
    }
    return rows;
  });
}

export async function queryCommitLog(
  driver: Driver,
  groupId: Uint8Array,
  page: Page,
): Promise<CommitLogRow[]> {
  const rows = await driver.query(pageSql("commit_log", "group_id", page.direction), [
    groupId,
    page.cursor,
    page.limit,
  ]);
  return rows.map(commitLogRow);
}
