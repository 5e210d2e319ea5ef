// Consent records (PROTOCOL §5): one row per conversation or inbox, last writer wins by
// consentedAtNs. Merging happens inside one transaction so two tabs (or a sync batch
// racing a local click) never lose the newer record.

import type { MessengerDb } from "./db";
import { StorageError } from "./errors";
import { hexId, nsFromKey, nsKey } from "./keys";
import type { ConsentRow, ConsentState } from "./schema";

export type { ConsentState } from "./schema";

export type ConsentEntity =
  { kind: "conversation"; id: string } | { kind: "inbox"; inboxId: string };

export interface ConsentRecord {
  entity: ConsentEntity;
  state: ConsentState;
  consentedAtNs: bigint;
}

const STATES: readonly ConsentState[] = ["unknown", "allowed", "denied"];

// On equal timestamps the stricter state wins, so a tie never unblocks anyone.
const RANK: Record<ConsentState, number> = { unknown: 0, allowed: 1, denied: 2 };

export function checkConsentState(state: unknown): ConsentState {
  if (!STATES.includes(state as ConsentState))
    throw new StorageError(
      "invalid_argument",
      `consent state must be "unknown", "allowed" or "denied", got ${JSON.stringify(state)}`,
    );
  return state as ConsentState;
}

/** The row key: "conversation:<hex>" or "inbox:<hex>" (ids lowercased, checked as hex). */
export function consentKey(entity: ConsentEntity): string {
  if (entity?.kind === "conversation") return `conversation:${hexId(entity.id, "conversation id")}`;
  if (entity?.kind === "inbox") return `inbox:${hexId(entity.inboxId, "inbox id")}`;
  throw new StorageError(
    "invalid_argument",
    `consent entity kind must be "conversation" or "inbox", got ${JSON.stringify(
      (entity as { kind?: unknown } | undefined)?.kind,
    )}`,
  );
}

/** Whether `a` beats `b` under last-writer-wins (newer; on a tie, the stricter state). */
export function consentWins(
  a: { state: ConsentState; consentedAtNs: bigint },
  b: { state: ConsentState; consentedAtNs: bigint },
): boolean {
  if (a.consentedAtNs !== b.consentedAtNs) return a.consentedAtNs > b.consentedAtNs;
  return RANK[a.state] > RANK[b.state];
}

function checkObject(r: unknown): void {
  if (!r || typeof r !== "object")
    throw new StorageError(
      "invalid_argument",
      `a consent record must be an object, got ${String(r)}`,
    );
}

function toRow(r: ConsentRecord): ConsentRow {
  checkObject(r);
  const key = consentKey(r.entity);
  const kind = r.entity.kind;
  return {
    key,
    kind,
    entityId: key.slice(kind.length + 1),
    state: checkConsentState(r.state),
    consentedAtNs: nsKey(r.consentedAtNs, "consentedAtNs"),
  };
}

export function consentRecordOf(row: ConsentRow): ConsentRecord {
  return {
    entity:
      row.kind === "conversation"
        ? { kind: "conversation", id: row.entityId }
        : { kind: "inbox", inboxId: row.entityId },
    state: row.state,
    consentedAtNs: nsFromKey(row.consentedAtNs),
  };
}

export async function getConsentRecord(
  db: MessengerDb,
  entity: ConsentEntity,
): Promise<ConsentRecord | undefined> {
  const row = await db.consent.get(consentKey(entity));
  return row && consentRecordOf(row);
}

/** Records by entity, in the same order (undefined where none is stored). */
export async function getConsentRecords(
  db: MessengerDb,
  entities: ConsentEntity[],
): Promise<(ConsentRecord | undefined)[]> {
  const rows = await db.consent.bulkGet(entities.map(consentKey));
  return rows.map((row) => row && consentRecordOf(row));
}

export async function listConsentRecords(db: MessengerDb): Promise<ConsentRecord[]> {
  return (await db.consent.toArray()).map(consentRecordOf);
}

/**
 * Merges records from elsewhere: each one is stored if it wins over the stored one. Returns
 * the records that won (and were stored); older ones and repeats change nothing and are
 * left out. A newer record with the same state is returned: it can still decide a DM
 * against its peer inbox's record.
 */
export async function mergeConsentRecords(
  db: MessengerDb,
  records: ConsentRecord[],
): Promise<ConsentRecord[]> {
  const rows = records.map(toRow);
  return db.transaction("rw", db.consent, async () => {
    const changed: ConsentRecord[] = [];
    for (const row of rows) {
      const existing = await db.consent.get(row.key);
      const incoming = consentRecordOf(row);
      if (existing && !consentWins(incoming, consentRecordOf(existing))) continue;
      await db.consent.put(row);
      changed.push(incoming);
    }
    return changed;
  });
}

/**
 * This user's own choice: stored with `nowNs`, or just after the stored record when that
 * one is stamped later (another device's clock ahead), so a local choice always takes effect.
 */
export async function setConsentRecords(
  db: MessengerDb,
  records: { entity: ConsentEntity; state: ConsentState }[],
  nowNs: bigint,
): Promise<ConsentRecord[]> {
  const checked = records.map((r) => {
    checkObject(r);
    return {
      key: consentKey(r.entity),
      entity: r.entity,
      state: checkConsentState(r.state),
    };
  });
  return db.transaction("rw", db.consent, async () => {
    const written: ConsentRecord[] = [];
    for (const r of checked) {
      const existing = await db.consent.get(r.key);
      const floor = existing ? nsFromKey(existing.consentedAtNs) + 1n : 0n;
      const row = toRow({
        entity: r.entity,
        state: r.state,
        consentedAtNs: nowNs > floor ? nowNs : floor,
      });
      await db.consent.put(row);
      written.push(consentRecordOf(row));
    }
    return written;
  });
}

/** Inboxes this user denied (blocked), newest first. */
export async function deniedInboxRecords(
  db: MessengerDb,
): Promise<{ inboxId: string; consentedAtNs: bigint }[]> {
  const rows = await db.consent.where("[kind+state]").equals(["inbox", "denied"]).toArray();
  return rows
    .map((r) => ({ inboxId: r.entityId, consentedAtNs: nsFromKey(r.consentedAtNs) }))
    .sort((a, b) =>
      a.consentedAtNs > b.consentedAtNs ? -1 : a.consentedAtNs < b.consentedAtNs ? 1 : 0,
    );
}
