// Welcome lineages at rest (issue 11 item 9): a candidate's MLS states are sealed like a
// group's, and a lost lineage leaves only what this installation itself sent or holds.
import { describe, expect, it } from "vitest";
import { randomBytes, utf8 } from "../../crypto";
import {
  addMessage,
  forgetLosingLineage,
  getLineages,
  getMessage,
  intentForMessage,
  putIntent,
  putLineage,
  upsertConversation,
} from "..";
import { bytesIn, contains, dbName, openDb, rawRecords } from "./helpers";

const G = "aa".repeat(16);
const SELF = "11".repeat(32);
const PEER = "22".repeat(32);

describe("welcome lineages at rest", () => {
  it("seals a candidate's states and reads them back", async () => {
    const name = dbName();
    const db = openDb(name);
    const joined = { state: utf8("joined state secret"), epoch: 4n };
    const probe = { state: utf8("probe state secret"), epoch: 5n };
    await putLineage(db, {
      groupId: G,
      lineageId: "ab".repeat(32),
      role: "candidate",
      adderInboxId: PEER,
      authenticators: { "4": "cd".repeat(32) },
      createdAt: 1,
      joined,
      probe,
    });
    const [l] = await getLineages(db, G);
    expect(l).toMatchObject({ role: "candidate", joined, probe });
    const disk = bytesIn(await rawRecords(name));
    expect(disk.some((b) => contains(b, utf8("state secret")))).toBe(false);
  });

  it("forgetLosingLineage keeps what this installation sent (as pending) and drops the rest", async () => {
    const db = openDb();
    await upsertConversation(db, { id: G, kind: "group", createdAtNs: 1n, name: "Fake" });
    const msg = (id: string, sender: string, status: "published" | "pending") =>
      addMessage(db, {
        id,
        conversationId: G,
        senderInboxId: sender,
        sentAtNs: 2n,
        contentType: "xmtp.org/text:1.0",
        encodedContent: randomBytes(8),
        status,
        nodeId: 7n,
      });
    const [fromForger, sentHere, held, fromOtherDevice] = ["01", "02", "03", "04"].map((x) =>
      x.repeat(32),
    );
    await msg(fromForger!, PEER, "published");
    await msg(sentHere!, SELF, "published");
    await putIntent(db, {
      conversationId: G,
      kind: "send_message",
      payload: randomBytes(8),
      messageId: sentHere!,
    });
    await msg(held!, SELF, "pending");
    await msg(fromOtherDevice!, SELF, "published"); // e.g. imported history: not ours to re-send

    await forgetLosingLineage(db, G, SELF);
    expect(await getMessage(db, fromForger!)).toBeUndefined();
    expect(await getMessage(db, fromOtherDevice!)).toBeUndefined();
    expect((await getMessage(db, sentHere!))?.status).toBe("pending");
    expect(await intentForMessage(db, sentHere!)).toBeUndefined();
    expect((await getMessage(db, held!))?.status).toBe("pending");
  });
});
