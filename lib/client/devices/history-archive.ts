// History on a new device (issue 6): the archive one installation exports for another
// installation of the same inbox (conversations, their recent published messages, consent),
// sealed for an untrusted store (gzip, then AES-256-GCM under a fresh key), and on the other
// side opened, checked field by field and merged without ever overwriting newer local data.
import { ContentError, gunzipBytes, gzipBytes, parseContentType } from "../../content";
import {
  aesGcmDecrypt,
  aesGcmEncrypt,
  fromBase64,
  fromUtf8,
  randomBytes,
  sha256,
  toBase64,
  toHex,
  utf8,
} from "../../crypto";
import {
  historySnapshot,
  importMessages,
  mergeConversations,
  type ConsentRecord,
  type ConsentRow,
  type ConversationRow,
  type MessageRow,
  type MessengerDb,
} from "../../storage";
import { ClientError } from "../errors";

export const ARCHIVE_VERSION = 1;
export const DEFAULT_MAX_MESSAGES_PER_CONVERSATION = 5000;
export const DEFAULT_MAX_INFLATED_BYTES = 256 * 1024 * 1024;
const IMPORT_CHUNK = 500;

/** A conversation row without its unread count (history is not news: imports start at 0). */
export type ArchivedConversation = Omit<ConversationRow, "unreadCount" | "kind"> & {
  kind: "dm" | "group";
};
export type ArchivedMessage = Omit<MessageRow, "encodedContent" | "status"> & {
  encodedContent: string; // base64
  status: "published";
};
export type ArchivedConsent = ConsentRow;
/** A conversation an archive carries (the devices' own sync group never is). */
export type ListedRow = ConversationRow & { kind: "dm" | "group" };

export interface HistoryArchive {
  version: 1;
  inboxId: string;
  exportedAtNs: string; // decimal
  conversations: ArchivedConversation[];
  messages: ArchivedMessage[];
  consent: ArchivedConsent[];
}

export interface SealedArchive {
  payload: Uint8Array; // AES-256-GCM ciphertext || tag
  key: Uint8Array; // 32 bytes
  nonce: Uint8Array; // 12 bytes
  digest: string; // hex SHA-256 of payload
  size: number;
}

export type HistoryErrorCode =
  "digest_mismatch" | "decrypt_failed" | "too_large" | "malformed" | "wrong_inbox";

/** Why an archive from another installation was refused; nothing of it was stored. */
export class HistoryError extends Error {
  override readonly name = "HistoryError";
  constructor(
    readonly code: HistoryErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const HEX_ID = /^(?:[0-9a-f]{2})+$/;
const U64_MAX = (1n << 64n) - 1n;

function inboxArgument(inboxId: unknown, field: string): string {
  const id = typeof inboxId === "string" ? inboxId.toLowerCase() : "";
  if (!HEX_ID.test(id))
    throw new ClientError(
      "invalid_argument",
      `${field} must be a hex inbox id, got ${show(inboxId)}`,
    );
  return id;
}

function show(v: unknown): string {
  return (JSON.stringify(v) ?? String(v)).slice(0, 60);
}

// --- export -----------------------------------------------------------------------------

/** Descriptive fields an importer may fill in where its own row lacks them. */
const DESCRIPTIVE = ["peerInboxId", "peerAddress", "dmId", "name"] as const;
/** They describe the message at lastMessageAtNs, so they travel with it. */
const ACTIVITY = [
  "lastMessagePreview",
  "lastMessageSenderInboxId",
  // A disappearing last message: the new device hides and replaces its preview on time too.
  "lastMessageExpiresAtNs",
] as const;
type OptionalField = (typeof DESCRIPTIVE)[number] | (typeof ACTIVITY)[number];

export function archivedConversation(row: ListedRow): ArchivedConversation {
  const out: ArchivedConversation = {
    id: row.id,
    kind: row.kind,
    createdAtNs: row.createdAtNs,
    lastMessageAtNs: row.lastMessageAtNs,
  };
  for (const f of [...DESCRIPTIVE, ...ACTIVITY]) if (row[f] !== undefined) out[f] = row[f];
  return out;
}

export function archivedMessage(m: MessageRow): ArchivedMessage {
  const out: ArchivedMessage = {
    id: m.id,
    conversationId: m.conversationId,
    senderInboxId: m.senderInboxId,
    sentAtNs: m.sentAtNs,
    contentType: m.contentType,
    encodedContent: toBase64(m.encodedContent),
    status: "published",
  };
  if (m.nodeId !== undefined) out.nodeId = m.nodeId;
  // A disappearing message disappears on the new device at the same moment.
  if (m.expiresAtNs !== undefined) out.expiresAtNs = m.expiresAtNs;
  // Deleted for everyone: the new device shows the same "deleted" place, never the content.
  if (m.deleted) out.deleted = { atNs: m.deleted.atNs, byAdmin: m.deleted.byAdmin };
  return out;
}

/**
 * Every dm and group conversation (not the devices' own sync group: the new installation is
 * welcomed into it), the newest N published messages of each, oldest first, and every
 * consent record, read as one snapshot.
 */
export async function exportArchive(
  db: MessengerDb,
  inboxId: string,
  opts: { maxMessagesPerConversation?: number } = {},
): Promise<HistoryArchive> {
  const self = inboxArgument(inboxId, "inboxId");
  const max = opts.maxMessagesPerConversation ?? DEFAULT_MAX_MESSAGES_PER_CONVERSATION;
  if (!Number.isSafeInteger(max) || max < 0)
    throw new ClientError(
      "invalid_argument",
      `maxMessagesPerConversation must be a non-negative integer, got ${show(max)}`,
    );
  const snap = await historySnapshot(db, max);
  const rows = snap.conversations.filter(
    (r): r is ListedRow => r.kind === "dm" || r.kind === "group",
  );
  // Consent rows are already the archive's shape.
  const consent: ArchivedConsent[] = snap.consent;
  return {
    version: ARCHIVE_VERSION,
    inboxId: self,
    exportedAtNs: (BigInt(Date.now()) * 1_000_000n).toString(),
    conversations: rows.map(archivedConversation),
    messages: snap.messages.map(archivedMessage),
    consent,
  };
}

// --- seal / open --------------------------------------------------------------------------

/** JSON → UTF-8 → gzip → AES-256-GCM (fresh key and nonce, no AAD); digest = SHA-256(payload). */
export async function sealArchive(archive: HistoryArchive): Promise<SealedArchive> {
  const json = utf8(JSON.stringify(archive));
  const zipped = await gzipBytes(json);
  const key = randomBytes(32);
  const nonce = randomBytes(12);
  const payload = await aesGcmEncrypt(key, nonce, zipped);
  return { payload, key, nonce, digest: toHex(sha256(payload)), size: payload.length };
}

/**
 * The archive inside a downloaded payload, for `expectInboxId` only. The digest is checked
 * before anything is decrypted, inflation stops at `maxInflatedBytes` (zip bombs), and the
 * whole shape is validated: every failure is a HistoryError naming what was wrong.
 */
export async function openArchive(
  sealed: { payload: Uint8Array; key: Uint8Array; nonce: Uint8Array; digest: string },
  expectInboxId: string,
  opts: { maxInflatedBytes?: number } = {},
): Promise<HistoryArchive> {
  const expect = inboxArgument(expectInboxId, "expectInboxId");
  const maxBytes = opts.maxInflatedBytes ?? DEFAULT_MAX_INFLATED_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1)
    throw new ClientError(
      "invalid_argument",
      `maxInflatedBytes must be a positive integer, got ${show(maxBytes)}`,
    );
  if (!sealed || typeof sealed !== "object") fail("the sealed archive must be an object");
  const { payload, key, nonce, digest } = sealed;
  if (!(payload instanceof Uint8Array)) fail("payload must be bytes");
  if (!(key instanceof Uint8Array) || key.length !== 32) fail("key must be 32 bytes");
  if (!(nonce instanceof Uint8Array) || nonce.length !== 12) fail("nonce must be 12 bytes");
  if (typeof digest !== "string" || !/^[0-9a-fA-F]{64}$/.test(digest))
    fail(`digest must be 64 hex characters, got ${show(digest)}`);

  const actual = toHex(sha256(payload));
  if (actual !== digest.toLowerCase())
    throw new HistoryError(
      "digest_mismatch",
      `the payload's SHA-256 is ${actual}, not the announced ${digest.toLowerCase()}`,
    );
  let zipped: Uint8Array;
  try {
    zipped = await aesGcmDecrypt(key, nonce, payload);
  } catch (cause) {
    const why = "the payload does not decrypt with this key and nonce";
    throw new HistoryError("decrypt_failed", why, { cause });
  }
  let json: string;
  try {
    json = fromUtf8(await gunzipBytes(zipped, maxBytes));
  } catch (cause) {
    if (cause instanceof ContentError && cause.code === "too_large")
      throw new HistoryError("too_large", `the archive inflates past the ${maxBytes}-byte limit`);
    const why = "history archive: not a gzip stream of UTF-8 text";
    throw new HistoryError("malformed", why, { cause });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (cause) {
    throw new HistoryError("malformed", "history archive: not JSON", { cause });
  }
  return validateArchive(parsed, expect);
}

// --- validation ---------------------------------------------------------------------------

function fail(message: string): never {
  throw new HistoryError("malformed", `history archive: ${message}`);
}

interface Check {
  ok: (s: string) => boolean;
  what: string;
}
const re = (pattern: RegExp, what: string): Check => ({ ok: (s) => pattern.test(s), what });
const ANY: Check = { ok: () => true, what: "a string" };
const HEX: Check = re(HEX_ID, "lowercase hex");
const NS: Check = {
  ok: (s) => /^\d{20}$/.test(s) && BigInt(s) <= U64_MAX,
  what: "a 20-digit nanosecond key",
};
const DECIMAL: Check = {
  ok: (s) => /^(?:0|[1-9]\d{0,19})$/.test(s) && BigInt(s) <= U64_MAX,
  what: "a uint64 decimal",
};
const ADDRESS = re(/^0x[0-9a-f]{40}$/, "a lowercase 0x address");
const DM_ID = re(/^dm:(?:[0-9a-f]{2})+:(?:[0-9a-f]{2})+$/, "dm:<inbox>:<inbox>");
const BASE64 = re(
  /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/,
  "padded base64",
);
const CONTENT_TYPE: Check = {
  ok: (s) => {
    try {
      return Boolean(parseContentType(s));
    } catch {
      return false;
    }
  },
  what: "authority/type:major.minor",
};
const FIELD_CHECKS: Record<OptionalField, Check> = {
  peerInboxId: HEX,
  peerAddress: ADDRESS,
  dmId: DM_ID,
  name: ANY,
  lastMessagePreview: ANY,
  lastMessageSenderInboxId: HEX,
  lastMessageExpiresAtNs: NS,
};

type Obj = Record<string, unknown>;

function object(v: unknown, path: string): Obj {
  if (!v || typeof v !== "object" || Array.isArray(v)) fail(`${path} must be an object`);
  return v as Obj;
}

function list(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) fail(`${path} must be a list`);
  return v;
}

function text(o: Obj, key: string, path: string, check: Check): string {
  const v = o[key];
  if (typeof v !== "string" || !check.ok(v))
    fail(`${path}.${key} must be ${check.what}, got ${show(v)}`);
  return v;
}

function oneOf<T extends string>(o: Obj, key: string, path: string, values: readonly T[]): T {
  const v = o[key];
  if (!values.includes(v as T))
    fail(`${path}.${key} must be ${values.map((x) => `"${x}"`).join(" or ")}, got ${show(v)}`);
  return v as T;
}

function conversationOf(v: unknown, path: string): ArchivedConversation {
  const o = object(v, path);
  const out: ArchivedConversation = {
    id: text(o, "id", path, HEX),
    kind: oneOf(o, "kind", path, ["dm", "group"] as const),
    createdAtNs: text(o, "createdAtNs", path, NS),
    lastMessageAtNs: text(o, "lastMessageAtNs", path, NS),
  };
  for (const [f, check] of Object.entries(FIELD_CHECKS) as [OptionalField, Check][])
    if (o[f] !== undefined) out[f] = text(o, f, path, check);
  if (out.kind === "dm" && out.dmId === undefined) fail(`${path}.dmId is missing for a dm`);
  return out;
}

function messageOf(v: unknown, path: string): ArchivedMessage {
  const o = object(v, path);
  const out: ArchivedMessage = {
    id: text(o, "id", path, HEX),
    conversationId: text(o, "conversationId", path, HEX),
    senderInboxId: text(o, "senderInboxId", path, HEX),
    sentAtNs: text(o, "sentAtNs", path, NS),
    contentType: text(o, "contentType", path, CONTENT_TYPE),
    encodedContent: text(o, "encodedContent", path, BASE64),
    status: oneOf(o, "status", path, ["published"] as const),
  };
  if (o.nodeId !== undefined) out.nodeId = text(o, "nodeId", path, DECIMAL);
  if (o.expiresAtNs !== undefined) out.expiresAtNs = text(o, "expiresAtNs", path, NS);
  if (o.deleted !== undefined) {
    const d = object(o.deleted, `${path}.deleted`);
    if (typeof d.byAdmin !== "boolean") fail(`${path}.deleted.byAdmin must be true or false`);
    out.deleted = { atNs: text(d, "atNs", `${path}.deleted`, NS), byAdmin: d.byAdmin as boolean };
    if (out.encodedContent !== "")
      fail(`${path}.encodedContent must be empty for a deleted message`);
  }
  return out;
}

function consentOf(v: unknown, path: string): ArchivedConsent {
  const o = object(v, path);
  const out: ArchivedConsent = {
    key: text(o, "key", path, ANY),
    kind: oneOf(o, "kind", path, ["conversation", "inbox"] as const),
    entityId: text(o, "entityId", path, HEX),
    state: oneOf(o, "state", path, ["unknown", "allowed", "denied"] as const),
    consentedAtNs: text(o, "consentedAtNs", path, NS),
  };
  if (out.key !== `${out.kind}:${out.entityId}`)
    fail(`${path}.key must be "${out.kind}:${out.entityId}", got ${show(out.key)}`);
  return out;
}

function unique<T>(items: T[], idOf: (t: T) => string, path: string): void {
  const seen = new Set<string>();
  items.forEach((t, i) => {
    if (seen.has(idOf(t))) fail(`${path}[${i}] repeats ${show(idOf(t))}`);
    seen.add(idOf(t));
  });
}

/**
 * A fresh archive built only from checked fields (unknown fields are dropped, never stored).
 * With `expectInboxId`, another inbox's archive is refused (wrong_inbox).
 */
export function validateArchive(value: unknown, expectInboxId?: string): HistoryArchive {
  const o = object(value, "archive");
  if (o.version !== ARCHIVE_VERSION)
    fail(`archive.version must be ${ARCHIVE_VERSION}, got ${show(o.version)}`);
  const inboxId = text(o, "inboxId", "archive", HEX);
  if (expectInboxId !== undefined && inboxId !== expectInboxId.toLowerCase())
    throw new HistoryError(
      "wrong_inbox",
      `the archive holds inbox ${inboxId}'s history, not ${expectInboxId.toLowerCase()}'s`,
    );
  const exportedAtNs = text(o, "exportedAtNs", "archive", DECIMAL);
  const conversations = list(o.conversations, "archive.conversations").map((c, i) =>
    conversationOf(c, `conversations[${i}]`),
  );
  const messages = list(o.messages, "archive.messages").map((m, i) =>
    messageOf(m, `messages[${i}]`),
  );
  const consent = list(o.consent, "archive.consent").map((c, i) => consentOf(c, `consent[${i}]`));
  unique(conversations, (c) => c.id, "conversations");
  unique(messages, (m) => m.id, "messages");
  unique(consent, (c) => c.key, "consent");
  const known = new Set(conversations.map((c) => c.id));
  messages.forEach((m, i) => {
    if (!known.has(m.conversationId))
      fail(`messages[${i}].conversationId ${m.conversationId} is not among the conversations`);
  });
  return { version: ARCHIVE_VERSION, inboxId, exportedAtNs, conversations, messages, consent };
}

// --- import -------------------------------------------------------------------------------

/** The row to store for an archived conversation, or undefined when nothing changes. */
function mergedConversation(
  existing: ConversationRow | undefined,
  a: ArchivedConversation,
): ConversationRow | undefined {
  if (!existing) return { ...a, unreadCount: 0 };
  const row = { ...existing };
  const fill = (f: OptionalField) => {
    if (row[f] === undefined && a[f] !== undefined) row[f] = a[f];
  };
  DESCRIPTIVE.forEach(fill);
  if (a.lastMessageAtNs > row.lastMessageAtNs) {
    row.lastMessageAtNs = a.lastMessageAtNs;
    for (const f of ACTIVITY) delete row[f];
  }
  // Preview and sender are filled only from the same (or the newer) last message — or when
  // the local row has no message at all yet (a welcome made it just before the archive came).
  if (a.lastMessageAtNs === row.lastMessageAtNs || row.lastMessagePreview === undefined)
    ACTIVITY.forEach(fill);
  const fields = ["lastMessageAtNs", ...DESCRIPTIVE, ...ACTIVITY] as const;
  return fields.some((f) => row[f] !== existing[f]) ? row : undefined;
}

/**
 * Merges an archive into this installation's database; safe to repeat. Conversations are
 * created (unread 0) or only filled in (the last-message fields where the archive's are
 * newer); messages are added when their id is absent, an existing row is never changed;
 * consent goes through `applyConsent` (pass client.preferences.applyConsentRecords, so last
 * writer wins). Returns what was new: consent counts the records the callback reports as
 * stored when it returns a list (applyConsentRecords does), else every record handed over.
 */
export async function importArchive(
  db: MessengerDb,
  archive: HistoryArchive,
  applyConsent: (records: ConsentRecord[]) => Promise<unknown>,
): Promise<{ conversations: number; messages: number; consent: number }> {
  const checked = validateArchive(archive);
  const { created: conversations } = await mergeConversations(
    db,
    checked.conversations.map((c) => c.id),
    (existing, i) => mergedConversation(existing, checked.conversations[i]!),
  );

  let messages = 0;
  for (let at = 0; at < checked.messages.length; at += IMPORT_CHUNK) {
    const chunk = checked.messages.slice(at, at + IMPORT_CHUNK);
    messages += await importMessages(
      db,
      chunk.map((m): MessageRow => ({ ...m, encodedContent: fromBase64(m.encodedContent) })),
    );
  }

  const records: ConsentRecord[] = checked.consent.map((c) => ({
    entity:
      c.kind === "conversation"
        ? { kind: "conversation", id: c.entityId }
        : { kind: "inbox", inboxId: c.entityId },
    state: c.state,
    consentedAtNs: BigInt(c.consentedAtNs),
  }));
  let consent = 0;
  if (records.length) {
    const stored = await applyConsent(records);
    consent = Array.isArray(stored) ? stored.length : records.length;
  }
  return { conversations, messages, consent };
}
