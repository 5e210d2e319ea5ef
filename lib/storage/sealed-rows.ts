// What of a message, a conversation and an intent is sealed, and what stays clear.
//
// Clear, because IndexedDB must index or filter on it and it says nothing of what was said:
//  - messages: id, conversationId, sentAtNs, status, nodeId (thread order, paging, outbox);
//  - conversations: id, kind, dmId, createdAtNs, lastMessageAtNs, unreadCount, peerInboxId
//    (list order; DM stitching looks rows up by dmId, which holds both inbox IDs, so the peer's
//    inbox ID is no secret beside it — consent records name inboxes in clear as well);
//  - intents: id, conversationId, kind, status, attempts, error, createdAt, payloadHash and
//    messageId (the outbox queue and recognising our own echoed envelope).
// Sealed: a message's sender, content type and encoded content (its text, reactions, reply
// text, file names and URLs); a conversation's peer address, name, last-message preview and
// last sender; an intent's payload. So the disk shows who-talks-in-which-conversation-when (as
// the node sees too), not what was said, to whom by address, or what a group is called.
//
// AAD binds every blob to its table and primary key, plus the fields that never change and
// would move it elsewhere if edited (a message's conversation; an intent's conversation and
// kind): a blob copied to another row, or a row relabelled to another thread, fails to open.

import { utf8 } from "../crypto";
import { StorageError } from "./errors";
import type {
  ConversationRow,
  IntentRow,
  MessageRow,
  SealedConversationField,
  StoredConversationRow,
  StoredIntentRow,
  StoredMessageRow,
} from "./schema";
import type { OpenFn, SealFn } from "./seal-blob";

const decoder = new TextDecoder("utf-8", { fatal: true });
export const SEALED_CONVERSATION_FIELDS: readonly SealedConversationField[] = [
  "peerAddress",
  "name",
  "lastMessagePreview",
  "lastMessageSenderInboxId",
];

export const messagePurpose = (id: string, conversationId: string) =>
  `messages:${id}:${conversationId}`;
export const conversationPurpose = (id: string, field: SealedConversationField) =>
  `conversations:${id}:${field}`;
export const intentPurpose = (id: number, conversationId: string, kind: string) =>
  `intents:${id}:${conversationId}:${kind}`;

/**
 * A send's ciphertext, sealed before its row exists so that the ratchet state, the message
 * and the ciphertext land in ONE transaction (outgoing.ts): bound to the message it carries,
 * which has one intent, instead of the auto-increment id that only exists after a write.
 */
export const sendIntentPurpose = (messageId: string, conversationId: string) =>
  `intents:message:${messageId}:${conversationId}:send_message`;

/** [u16 sender length][sender][u16 type length][type][encoded content] */
function packMessage(m: MessageRow): Uint8Array {
  const sender = utf8(m.senderInboxId);
  const type = utf8(m.contentType);
  if (sender.length > 0xffff || type.length > 0xffff)
    throw new StorageError("invalid_argument", "sender or content type is too long to store");
  const out = new Uint8Array(4 + sender.length + type.length + m.encodedContent.length);
  const view = new DataView(out.buffer);
  view.setUint16(0, sender.length);
  out.set(sender, 2);
  view.setUint16(2 + sender.length, type.length);
  out.set(type, 4 + sender.length);
  out.set(m.encodedContent, 4 + sender.length + type.length);
  return out;
}

function unpackMessage(bytes: Uint8Array, what: string) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad = () => new StorageError("sealed_record_corrupt", `${what} does not unpack`);
  if (bytes.length < 4) throw bad();
  const s = view.getUint16(0);
  if (4 + s > bytes.length) throw bad();
  const t = view.getUint16(2 + s);
  if (4 + s + t > bytes.length) throw bad();
  return {
    senderInboxId: decoder.decode(bytes.subarray(2, 2 + s)),
    contentType: decoder.decode(bytes.subarray(4 + s, 4 + s + t)),
    encodedContent: bytes.slice(4 + s + t),
  };
}

export async function sealMessage(seal: SealFn, m: MessageRow): Promise<StoredMessageRow> {
  const { senderInboxId: _s, contentType: _t, encodedContent: _c, ...clear } = m;
  return { ...clear, sealed: await seal(messagePurpose(m.id, m.conversationId), packMessage(m)) };
}

export async function openMessage(open: OpenFn, row: StoredMessageRow): Promise<MessageRow> {
  const { sealed, ...clear } = row;
  const purpose = messagePurpose(row.id, row.conversationId);
  return { ...clear, ...unpackMessage(await open(purpose, sealed), purpose) };
}

/** Seals the given conversation fields (undefined ones are skipped). */
export async function sealConversationFields(
  seal: SealFn,
  id: string,
  values: Partial<Pick<ConversationRow, SealedConversationField>>,
): Promise<StoredConversationRow["sealed"]> {
  const out: StoredConversationRow["sealed"] = {};
  await Promise.all(
    SEALED_CONVERSATION_FIELDS.map(async (f) => {
      const v = values[f];
      if (v !== undefined) out[f] = await seal(conversationPurpose(id, f), utf8(v));
    }),
  );
  return out;
}

export async function sealConversation(
  seal: SealFn,
  c: ConversationRow,
): Promise<StoredConversationRow> {
  const clear: Partial<ConversationRow> = { ...c };
  for (const f of SEALED_CONVERSATION_FIELDS) delete clear[f];
  return {
    ...(clear as Omit<ConversationRow, SealedConversationField>),
    sealed: await sealConversationFields(seal, c.id, c),
  };
}

export async function openConversation(
  open: OpenFn,
  row: StoredConversationRow,
): Promise<ConversationRow> {
  const { sealed, ...clear } = row;
  const out: ConversationRow = { ...clear };
  await Promise.all(
    SEALED_CONVERSATION_FIELDS.map(async (f) => {
      const blob = sealed[f];
      if (blob) out[f] = decoder.decode(await open(conversationPurpose(row.id, f), blob));
    }),
  );
  return out;
}

export async function sealIntentPayload(
  seal: SealFn,
  row: Pick<StoredIntentRow, "conversationId" | "kind"> & { id: number },
  payload: Uint8Array,
) {
  return seal(intentPurpose(row.id, row.conversationId, row.kind), payload);
}

export async function openIntent(open: OpenFn, row: StoredIntentRow): Promise<IntentRow> {
  const { payloadSealed, payload: published, status, ...clear } = row;
  if (status === "sealing" || row.id === undefined)
    throw new StorageError("not_found", `intent ${row.id} was never completely written`);
  if (!payloadSealed) {
    if (published) return { ...clear, status, payload: published }; // a commit intent
    throw new StorageError("not_found", `intent ${row.id} has no payload`);
  }
  const purpose =
    row.sealedTo === "message" && row.messageId && row.kind === "send_message"
      ? sendIntentPurpose(row.messageId, row.conversationId)
      : intentPurpose(row.id, row.conversationId, row.kind);
  const payload = await open(purpose, payloadSealed);
  return { ...clear, status, payload };
}
