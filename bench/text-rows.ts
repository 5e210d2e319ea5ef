// Text messages stored as the app stores what it receives, for the benches' fixtures
// (cold-open-fixture.ts in Node, browser/fill-thread-entry.ts in the app's origin).
import { ContentTypeText, defaultRegistry, encodeEncodedContent } from "../lib/content";
import { randomBytes, toHex } from "../lib/crypto";
import * as storage from "../lib/storage";

const registry = defaultRegistry();

/** One received text message's row. */
export function textRow(r: {
  conversationId: string;
  senderInboxId: string;
  sentAtNs: bigint;
  text: string;
}): storage.MessageRow {
  return {
    id: toHex(randomBytes(32)),
    conversationId: r.conversationId,
    senderInboxId: r.senderInboxId,
    sentAtNs: storage.nsKey(r.sentAtNs),
    contentType: "xmtp.org/text:1.0",
    encodedContent: encodeEncodedContent(registry.encode(ContentTypeText, r.text)),
    status: "published",
  };
}

/**
 * Stores `rows`: all but `lasts` in bulk (importMessages, 1,000 at a time), then each of
 * `lasts` through addMessage, as the app stores a message (the list's preview and order).
 */
export async function storeTextRows(
  db: storage.MessengerDb,
  rows: storage.MessageRow[],
  opts: { lasts: Set<string>; me: string; preview: (row: storage.MessageRow) => string },
): Promise<void> {
  const bulk = rows.filter((r) => !opts.lasts.has(r.id));
  // lib/storage before v3 had no importMessages: the previous code's baseline writes clear rows.
  const s = storage as unknown as Record<string, unknown>;
  for (let at = 0; at < bulk.length; at += 1000) {
    const chunk = bulk.slice(at, at + 1000);
    if (typeof s.importMessages === "function")
      await (s.importMessages as typeof storage.importMessages)(db, chunk);
    else
      await (db.messages as unknown as { bulkAdd(r: unknown[]): Promise<unknown> }).bulkAdd(chunk);
  }
  for (const r of rows.filter((r) => opts.lasts.has(r.id)))
    await storage.addMessage(
      db,
      { ...r, sentAtNs: BigInt(r.sentAtNs), nodeId: undefined },
      { incoming: r.senderInboxId !== opts.me, preview: opts.preview(r) },
    );
}
