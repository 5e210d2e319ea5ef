// Consent inside the client (PROTOCOL §5): who writes records (the user, creating or sending
// in a conversation, other installations) and how one conversation's effective state is
// read from them. A DM is decided by the newest record among its own group, any duplicate
// group of the same DM ("stitching") and the peer inbox: blocking a person blocks their DM
// even where the DM was allowed earlier; allowing the DM again afterwards wins again.
import {
  ContentTypeDeviceSync,
  ContentTypeJoinReply,
  ContentTypeLeaveRequest,
  ContentTypeReadReceipt,
  type ContentTypeId,
} from "../../content";
import {
  consentKey,
  consentWins,
  conversationsByDmId,
  getConsentRecords,
  listConsentRecords,
  mergeConsentRecords,
  setConsentRecords,
  StorageError,
  type ConsentEntity,
  type ConsentRecord,
  type ConsentState,
  type ConversationRow,
} from "../../storage";
import type { ClientContext } from "../context";
import { ClientError } from "../errors";

const nowNs = () => BigInt(Date.now()) * 1_000_000n;

/** Bad input is the caller's: storage's invalid_argument surfaces as the client's. */
export async function asClientError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof StorageError && err.code === "invalid_argument")
      throw new ClientError("invalid_argument", err.message);
    throw err;
  }
}

/** A state given by a caller, checked (ClientError invalid_argument if it is not one). */
export function consentStateArgument(state: unknown): ConsentState {
  if (state === "unknown" || state === "allowed" || state === "denied") return state;
  throw new ClientError(
    "invalid_argument",
    `consent state must be "unknown", "allowed" or "denied", got ${JSON.stringify(state)}`,
  );
}

/** The user's own choice, stamped now; listeners hear every record written. */
export async function setConsent(
  ctx: ClientContext,
  records: { entity: ConsentEntity; state: ConsentState }[],
): Promise<ConsentRecord[]> {
  const written = await asClientError(() => setConsentRecords(ctx.db, records, nowNs()));
  for (const r of written) ctx.consent.emit(r);
  return written;
}

/** Records from elsewhere, last writer wins; returns (and announces) the ones that won. */
export async function applyConsent(
  ctx: ClientContext,
  records: ConsentRecord[],
): Promise<ConsentRecord[]> {
  const changed = await asClientError(() => mergeConsentRecords(ctx.db, records));
  for (const r of changed) ctx.consent.emit(r);
  return changed;
}

/** The newest of the records that speak for one conversation; none → "unknown". */
function newestState(records: (ConsentRecord | undefined)[]): ConsentState {
  let best: ConsentRecord | undefined;
  for (const r of records) if (r && (!best || consentWins(r, best))) best = r;
  return best?.state ?? "unknown";
}

function decidingEntities(row: ConversationRow, dmGroups: ConversationRow[]): ConsentEntity[] {
  const entities: ConsentEntity[] = [{ kind: "conversation", id: row.id }];
  if (row.kind !== "dm") return entities;
  for (const g of dmGroups) if (g.id !== row.id) entities.push({ kind: "conversation", id: g.id });
  if (row.peerInboxId) entities.push({ kind: "inbox", inboxId: row.peerInboxId });
  return entities;
}

/** One conversation's effective consent. */
export async function effectiveConsent(
  ctx: ClientContext,
  row: ConversationRow,
): Promise<ConsentState> {
  const dmGroups = row.kind === "dm" && row.dmId ? await conversationsByDmId(ctx.db, row.dmId) : [];
  return newestState(await getConsentRecords(ctx.db, decidingEntities(row, dmGroups)));
}

/**
 * Effective consent of many conversations with one read of the consent table (which also
 * makes a Dexie live query around the caller re-run when any record changes).
 * `allRows` must hold every conversation row, so duplicate DM groups are seen.
 */
export async function effectiveConsents(
  ctx: ClientContext,
  rows: ConversationRow[],
  allRows: ConversationRow[],
): Promise<Map<string, ConsentState>> {
  return consentsFrom(await listConsentRecords(ctx.db), rows, allRows);
}

/** The same, from consent records the caller read (with the rows, in one transaction). */
export function consentsFrom(
  records: ConsentRecord[],
  rows: ConversationRow[],
  allRows: ConversationRow[],
): Map<string, ConsentState> {
  const byKey = new Map<string, ConsentRecord>();
  for (const r of records) byKey.set(consentKey(r.entity), r);
  const byDmId = new Map<string, ConversationRow[]>();
  for (const r of allRows) {
    if (!r.dmId) continue;
    const list = byDmId.get(r.dmId);
    if (list) list.push(r);
    else byDmId.set(r.dmId, [r]);
  }
  const out = new Map<string, ConsentState>();
  for (const row of rows) {
    const entities = decidingEntities(row, (row.dmId && byDmId.get(row.dmId)) || []);
    out.set(row.id, newestState(entities.map((e) => byKey.get(consentKey(e)))));
  }
  return out;
}

/**
 * Receipts, leave requests and an invite's automatic refusal are not the user choosing to
 * talk; everything else sent is.
 */
export function sendingImpliesConsent(type: ContentTypeId): boolean {
  return ![
    ContentTypeReadReceipt,
    ContentTypeLeaveRequest,
    ContentTypeDeviceSync,
    ContentTypeJoinReply,
  ].some((t) => t.authorityId === type.authorityId && t.typeId === type.typeId);
}

/**
 * Sending in a conversation allows it (unless it already is), even a denied one: the user
 * chose to talk there. A peer inbox's denial is left as it is (only this conversation opens).
 */
export async function allowOnSend(
  ctx: ClientContext,
  row: ConversationRow | undefined,
  type: ContentTypeId,
): Promise<void> {
  if (!sendingImpliesConsent(type)) return;
  if (!row || (await effectiveConsent(ctx, row)) === "allowed") return;
  await setConsent(ctx, [{ entity: { kind: "conversation", id: row.id }, state: "allowed" }]);
}
