// The send path: the message is stored as `pending` before anything else (shown at
// once, never lost by a reload), encrypted under the group's lock with the new
// ratchet state and the ciphertext saved together, then published. A failed
// publish leaves the message `failed` with its ciphertext kept for a retry.
import { fromHex, sha256, toHex } from "../crypto";
import {
  encodePlaintextEnvelope,
  encodeEncodedContent,
  messageId,
  contentTypeToString,
  type ContentTypeId,
} from "../content";
import { encryptApplication, readMessageHeader } from "../mls";
import {
  addMessage,
  getMessage,
  intentForMessage,
  putIntent,
  setMessageStatus,
  updateIntent,
} from "../storage";
import type { ClientContext } from "./context";
import { decodeRow, previewOf } from "./decode";
import { ClientError } from "./errors";
import { requireGroup, saveGroup, withGroupLock } from "./group-state";
import type { DecodedMessage } from "./types";

const nowNs = () => BigInt(Date.now()) * 1_000_000n;

export async function sendContent(
  ctx: ClientContext,
  conversationId: string,
  type: ContentTypeId,
  content: unknown,
  opts: { shouldPush?: boolean } = {},
): Promise<DecodedMessage> {
  const codec = ctx.codecs.codecFor(type);
  const encoded = encodeEncodedContent(ctx.codecs.encode(type, content));
  const sentAtNs = nowNs();
  // libxmtp's idempotency key: the sender's clock in ns, as decimal.
  const idempotencyKey = sentAtNs.toString();
  const id = messageId(fromHex(conversationId), idempotencyKey, encoded);
  await addMessage(
    ctx.db,
    {
      id,
      conversationId,
      senderInboxId: ctx.installation.inboxId,
      sentAtNs,
      contentType: contentTypeToString(type),
      encodedContent: encoded,
      status: "pending",
    },
    { preview: previewOf(content, codec?.fallback(content)) },
  );
  const shouldPush = opts.shouldPush ?? codec?.shouldPush(content) ?? true;
  await withGroupLock(ctx, conversationId, async () => {
    const group = await requireGroup(ctx, conversationId);
    const { group: next, message } = await encryptApplication(
      group,
      encodePlaintextEnvelope(encoded, idempotencyKey),
    );
    // State and ciphertext are saved before sending: a ratchet secret is never reused.
    await saveGroup(ctx, next);
    await putIntent(ctx.db, {
      conversationId,
      kind: "send_message",
      payload: message,
      messageId: id,
      payloadHash: toHex(sha256(message)),
      shouldPush,
    });
  });
  return publishMessage(ctx, id);
}

/** (Re)publishes a stored message's ciphertext; the node stores identical bytes once. */
export async function publishMessage(ctx: ClientContext, id: string): Promise<DecodedMessage> {
  const intent = await intentForMessage(ctx.db, id);
  if (!intent) throw new ClientError("send_failed", `message ${id} has nothing to publish`);
  try {
    readMessageHeader(intent.payload); // never send bytes we could not have made
    await ctx.api.sendGroupMessages([
      { data: intent.payload, shouldPush: intent.shouldPush ?? true },
    ]);
    if (intent.status === "to_publish")
      await updateIntent(ctx.db, intent.id!, {
        status: "published",
        attempts: intent.attempts + 1,
      });
    const row = await getMessage(ctx.db, id);
    if (row && row.status !== "published") await setMessageStatus(ctx.db, id, "published");
  } catch (err) {
    await updateIntent(ctx.db, intent.id!, {
      attempts: intent.attempts + 1,
      error: (err as Error).message,
    });
    await setMessageStatus(ctx.db, id, "failed");
    const row = await getMessage(ctx.db, id);
    throw new ClientError(
      "send_failed",
      `message not sent: ${(err as Error).message}`,
      true,
      row ?? err,
    );
  }
  const row = await getMessage(ctx.db, id);
  return decodeRow(ctx.codecs, row!);
}
