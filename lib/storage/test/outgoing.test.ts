// storeSend (outgoing.ts): a send's message, advanced ratchet state and ciphertext are stored
// together or, when the state was advanced from one that is no longer stored (or the group
// must not take a message now), the message alone: never a state without its ciphertext.
import { describe, expect, it } from "vitest";
import { sha256, toHex, utf8 } from "../../crypto";
import {
  getMessage,
  intentForMessage,
  markOutOfSync,
  messagesWithStatus,
  putGroupStateParts,
  sealGroupStateParts,
  sealMessageInput,
  sealSendIntent,
  storeSend,
  upsertConversation,
  type MessengerDb,
} from "..";
import { openDb } from "./helpers";

const GROUP = "c".repeat(64);
const ALICE = "a".repeat(64);

async function setup(): Promise<{ db: MessengerDb; stamp: string; epochStamp: string }> {
  const db = openDb();
  await upsertConversation(db, { id: GROUP, kind: "group", createdAtNs: 1n, name: "g" });
  const stamps = await putGroupStateParts(
    db,
    GROUP,
    { main: utf8("state 0"), epochPart: utf8("tree") },
    3n,
  );
  return { db, ...stamps };
}

async function send(db: MessengerDb, text: string, fromStamp: string, epochStamp: string) {
  const id = toHex(sha256(utf8(text)));
  const message = await sealMessageInput(
    db,
    {
      id,
      conversationId: GROUP,
      senderInboxId: ALICE,
      sentAtNs: 10n,
      contentType: "xmtp.org/text:1.0",
      encodedContent: utf8(text),
      status: "pending",
    },
    { preview: text },
  );
  const payload = utf8(`ciphertext of ${text}`);
  const [state, intent] = await Promise.all([
    sealGroupStateParts(
      db,
      GROUP,
      { main: utf8(`state after ${text}`), keepEpochStamp: epochStamp },
      3n,
    ),
    sealSendIntent(db, {
      conversationId: GROUP,
      messageId: id,
      payload,
      payloadHash: toHex(sha256(payload)),
      shouldPush: true,
    }),
  ]);
  return { id, payload, result: await storeSend(db, { message, state, fromStamp, intent }) };
}

describe("storeSend", () => {
  it("stores message, state and ciphertext together; the intent opens sealed to its message", async () => {
    const { db, stamp, epochStamp } = await setup();
    const { id, payload, result } = await send(db, "hi", stamp, epochStamp);
    expect(result).toMatchObject({ stored: true, epochStamp });
    expect((await db.groups.get(GROUP))!.stamp).toBe(result.stored && result.stamp);
    expect(await intentForMessage(db, id)).toMatchObject({ status: "to_publish", payload });
    expect((await getMessage(db, id))!.status).toBe("pending");
    // The seal names the message: the ciphertext moved to another message's row does not open.
    const row = (await db.intents.toArray())[0]!;
    await db.intents.put({ ...row, messageId: "d".repeat(64) });
    await expect(intentForMessage(db, "d".repeat(64))).rejects.toThrow();
    db.close();
  });

  it("a state advanced from one no longer stored: the message alone, no state, no ciphertext", async () => {
    const { db, stamp, epochStamp } = await setup();
    const first = await send(db, "first", stamp, epochStamp);
    expect(first.result.stored).toBe(true);
    const stale = await send(db, "second", stamp, epochStamp); // from the state before "first"
    expect(stale.result).toEqual({ stored: false, reason: "stale_state" });
    expect((await db.groups.get(GROUP))!.stamp).toBe(first.result.stored && first.result.stamp);
    expect(await intentForMessage(db, stale.id)).toBeUndefined();
    expect((await messagesWithStatus(db, "pending")).map((m) => m.id).sort()).toEqual(
      [first.id, stale.id].sort(),
    );
    db.close();
  });

  it("an out-of-sync group takes the message, never a state or ciphertext", async () => {
    const { db, stamp, epochStamp } = await setup();
    await markOutOfSync(db, GROUP, { code: "x", reason: "test", sinceNodeId: 5n });
    const { id, result } = await send(db, "waits", stamp, epochStamp);
    expect(result).toEqual({ stored: false, reason: "out_of_sync" });
    expect((await db.groups.get(GROUP))!.stamp).toBe(stamp);
    expect(await intentForMessage(db, id)).toBeUndefined();
    expect((await getMessage(db, id))!.status).toBe("pending");
    db.close();
  });
});
