// SQL shared by every per-topic log (group messages, welcomes, commit logs): the
// advisory lock that keeps a topic's ids visible in id order, and keyset paging.
import type { Sql } from "./driver";

export type Direction = "asc" | "desc";

export interface Page {
  /** Exclusive; 0 = from the start (asc) or from the newest (desc). */
  cursor: bigint;
  limit: number;
  direction: Direction;
}

/**
 * Takes each topic's transaction-scoped advisory lock BEFORE ids are drawn, so a
 * topic's ids commit in id order and `id > cursor` never skips a row (TOOLCHAIN.md).
 */
export async function lockTopics(tx: Sql, keys: string[]): Promise<void> {
  // Sorted, so two batches touching the same topics lock them in the same order.
  for (const key of [...new Set(keys)].sort()) {
    await tx.query("SELECT pg_advisory_xact_lock(hashtext($1))", [key]);
  }
}

export function pageSql(table: string, column: string, dir: Direction): string {
  return dir === "asc"
    ? `SELECT * FROM ${table} WHERE ${column} = $1 AND id > $2 ORDER BY id ASC LIMIT $3`
    : `SELECT * FROM ${table} WHERE ${column} = $1 AND ($2::bigint = 0 OR id < $2::bigint) ORDER BY id DESC LIMIT $3`;
}
