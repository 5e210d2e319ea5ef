// The name cache: one answer per lookup ("profile:0x…" -> the address's verified name and
// avatar record, "resolve:alice.eth" -> where the name points; null = "none", cached too),
// until it expires. Values are whatever JSON the client stores. Keys are hashed and answers
// sealed, so the table does not say whom this person looks up or talks to.
import { sha256, toHex, utf8 } from "../crypto";
import type { MessengerDb } from "./db";

export interface CachedName {
  /** The answer (JSON), or null (looked up, none). */
  value: unknown;
  expiresAt: number;
}

const purpose = (key: string) => `name_cache:${key}`;
const rowKey = (lookup: string) => toHex(sha256(utf8(lookup)));

/** The cached answer for `lookup`, or undefined when absent or expired. */
export async function getCachedName(
  db: MessengerDb,
  lookup: string,
  now = Date.now(),
): Promise<CachedName | undefined> {
  const key = rowKey(lookup);
  const row = await db.names.get(key);
  if (!row || row.expiresAt <= now) return undefined;
  const plain = await db.sealing.open(purpose(key), row.sealed);
  const { value } = JSON.parse(new TextDecoder().decode(plain)) as { value: unknown };
  return { value, expiresAt: row.expiresAt };
}

export async function putCachedName(
  db: MessengerDb,
  lookup: string,
  value: unknown,
  expiresAt: number,
): Promise<void> {
  const key = rowKey(lookup);
  const sealed = await db.sealing.seal(purpose(key), utf8(JSON.stringify({ value })));
  await db.names.put({ key, sealed, expiresAt });
}
