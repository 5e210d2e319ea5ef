// Web Push preferences on the identity row: the inbox's HMAC root key (sealed), the
// notifications switch and per-conversation mutes, each stamped so devices merge them
// last-writer-wins; plus this installation's own subscription endpoint.
import { randomBytes } from "../crypto";
import type { MessengerDb } from "./db";
import { StorageError } from "./errors";
import { ownBytes } from "./keys";
import { PUSH_ROOT_KEY_PURPOSE } from "./purposes";
import type { PushPrefsRow, PushWorkerSettings } from "./schema";

export interface PushPrefs {
  rootKey: Uint8Array;
  rootKeyAtNs: bigint;
  enabled: boolean;
  enabledAtNs: bigint;
  mutes: Map<string, { muted: boolean; atNs: bigint }>;
  endpoint?: string;
  worker?: PushWorkerSettings;
}

async function toRow(db: MessengerDb, p: PushPrefs): Promise<PushPrefsRow> {
  return {
    rootKeySealed: await db.sealing.seal(PUSH_ROOT_KEY_PURPOSE, p.rootKey),
    rootKeyAtNs: p.rootKeyAtNs.toString(),
    enabled: p.enabled,
    enabledAtNs: p.enabledAtNs.toString(),
    mutes: Object.fromEntries(
      [...p.mutes].map(([k, v]) => [k, { muted: v.muted, atNs: v.atNs.toString() }]),
    ),
    ...(p.endpoint ? { endpoint: p.endpoint } : {}),
    ...(p.worker ? { worker: p.worker } : {}),
  };
}

async function fromRow(db: MessengerDb, r: PushPrefsRow): Promise<PushPrefs> {
  return {
    rootKey: ownBytes(await db.sealing.open(PUSH_ROOT_KEY_PURPOSE, r.rootKeySealed)),
    rootKeyAtNs: BigInt(r.rootKeyAtNs),
    enabled: r.enabled,
    enabledAtNs: BigInt(r.enabledAtNs),
    mutes: new Map(
      Object.entries(r.mutes).map(([k, v]) => [k, { muted: v.muted, atNs: BigInt(v.atNs) }]),
    ),
    ...(r.endpoint ? { endpoint: r.endpoint } : {}),
    ...(r.worker ? { worker: r.worker } : {}),
  };
}

/**
 * The stored preferences, read fresh (another tab may have changed them); made on first
 * use (fresh root key, switch off). Two tabs making them at once keep the first written.
 */
export async function loadPushPrefs(db: MessengerDb, nowNs: bigint): Promise<PushPrefs> {
  const row = await db.identity.get("self");
  if (!row) throw new StorageError("not_found", "no identity saved in this database");
  if (row.push) return fromRow(db, row.push);
  const fresh: PushPrefs = {
    rootKey: randomBytes(32),
    rootKeyAtNs: nowNs,
    enabled: false,
    enabledAtNs: 0n,
    mutes: new Map(),
  };
  const sealed = await toRow(db, fresh); // WebCrypto outside the transaction
  const stored = await db.transaction("rw", db.identity, async () => {
    const now = await db.identity.get("self");
    if (now?.push) return now.push;
    await db.identity.update("self", { push: sealed });
    return undefined;
  });
  return stored ? fromRow(db, stored) : fresh;
}

export async function savePushPrefs(db: MessengerDb, p: PushPrefs): Promise<void> {
  const push = await toRow(db, p);
  const n = await db.identity.update("self", { push });
  if (n === 0) throw new StorageError("not_found", "no identity saved in this database");
}

/** Where the service worker reaches the node (no write: absent when push was never enabled). */
export async function loadPushWorkerSettings(
  db: MessengerDb,
): Promise<PushWorkerSettings | undefined> {
  return (await db.identity.get("self"))?.push?.worker;
}
