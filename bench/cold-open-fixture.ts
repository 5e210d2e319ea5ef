// The store the cold-open bench reads, written through lib/storage as the app writes it, and
// the "first screen" the app shows: list + first page of the newest thread, decoded.
import { Client } from "../lib/client";
import { ContentTypeText, defaultRegistry, encodeEncodedContent } from "../lib/content";
import { randomBytes, toHex } from "../lib/crypto";
import * as storage from "../lib/storage";

type Idb = { indexedDB: IDBFactory; IDBKeyRange: typeof IDBKeyRange };
const PAGE = 50; // components/thread/use-thread-messages.ts

export async function fillStore(dbName: string, idb: Idb, messages: number, conversations: number) {
  const address = "0x" + toHex(randomBytes(20));
  const db = new storage.MessengerDb(dbName, idb);
  const me = toHex(randomBytes(32));
  await storage.saveIdentity(db, {
    inboxId: me,
    address,
    installationPublicKey: randomBytes(32),
    installationPrivateKey: randomBytes(32),
    createdAtNs: 1n,
    registered: true,
  });
  const registry = defaultRegistry();
  const ids = Array.from({ length: conversations }, () => toHex(randomBytes(32)));
  for (const [i, id] of ids.entries())
    await storage.upsertConversation(db, {
      id,
      kind: "group",
      name: `Conversation ${i}`,
      createdAtNs: 1n,
    });
  const rows: storage.MessageRow[] = [];
  for (let n = 0; n < messages; n++) {
    const text = `message ${n}: ${"lorem ipsum dolor sit amet ".repeat(3)}`;
    rows.push({
      id: toHex(randomBytes(32)),
      conversationId: ids[n % conversations]!,
      senderInboxId: n % 2 ? me : toHex(randomBytes(32)),
      sentAtNs: storage.nsKey(1_700_000_000_000_000_000n + BigInt(n) * 1_000_000n),
      contentType: "xmtp.org/text:1.0",
      encodedContent: encodeEncodedContent(registry.encode(ContentTypeText, text)),
      status: "published",
    });
  }
  // The last message of each conversation goes through addMessage (preview, activity).
  const lasts = new Set(ids.map((_, c) => rows[rows.length - 1 - c]!.id));
  const bulk = rows.filter((r) => !lasts.has(r.id));
  // lib/storage before v3 had no importMessages: the previous code's baseline writes clear rows.
  const s = storage as unknown as Record<string, unknown>;
  for (let at = 0; at < bulk.length; at += 1000) {
    const chunk = bulk.slice(at, at + 1000);
    if (typeof s.importMessages === "function")
      await (s.importMessages as typeof storage.importMessages)(db, chunk);
    else
      await (db.messages as unknown as { bulkAdd(r: unknown[]): Promise<unknown> }).bulkAdd(chunk);
  }
  for (const r of rows.filter((r) => lasts.has(r.id)))
    await storage.addMessage(
      db,
      { ...r, sentAtNs: BigInt(r.sentAtNs), nodeId: undefined },
      { incoming: r.senderInboxId !== me, preview: `preview ${r.id.slice(0, 8)}` },
    );
  db.close();
  return address;
}

/** What the app does on a reload until the newest thread's last message is on screen. */
export async function firstScreen(dbName: string, address: string, idb: Idb) {
  const t0 = performance.now();
  const client = await Client.restore(address, { apiUrl: "http://127.0.0.1:9", dbName, ...idb });
  const list = await client.conversations.summaries();
  const top = await client.conversations.getById(list[0]!.id);
  const page = await top!.messages({ limit: PAGE });
  const ms = performance.now() - t0;
  if (list.length === 0 || page.length !== PAGE || typeof page.at(-1)!.content !== "string")
    throw new Error("the first screen did not load");
  await client.close();
  return { ms, conversations: list.length, messages: page.length };
}
