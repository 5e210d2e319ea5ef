// The store the cold-open bench reads, written through lib/storage as the app writes it, and
// the "first screen" the app shows: list + first page of the newest thread, decoded.
import { Client } from "../lib/client";
import { randomBytes, toHex } from "../lib/crypto";
import * as storage from "../lib/storage";
import { storeTextRows, textRow } from "./text-rows";

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
  const ids = Array.from({ length: conversations }, () => toHex(randomBytes(32)));
  for (const [i, id] of ids.entries())
    await storage.upsertConversation(db, {
      id,
      kind: "group",
      name: `Conversation ${i}`,
      createdAtNs: 1n,
    });
  const rows = Array.from({ length: messages }, (_, n) =>
    textRow({
      conversationId: ids[n % conversations]!,
      senderInboxId: n % 2 ? me : toHex(randomBytes(32)),
      sentAtNs: 1_700_000_000_000_000_000n + BigInt(n) * 1_000_000n,
      text: `message ${n}: ${"lorem ipsum dolor sit amet ".repeat(3)}`,
    }),
  );
  // The last message of each conversation goes through addMessage (preview, activity).
  await storeTextRows(db, rows, {
    lasts: new Set(ids.map((_, c) => rows[rows.length - 1 - c]!.id)),
    me,
    preview: (r) => `preview ${r.id.slice(0, 8)}`,
  });
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
