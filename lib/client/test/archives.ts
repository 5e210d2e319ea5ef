// What the history-archive tests share: the exporting installation's database, and archives
// sealed by hand (the way sealArchive seals) with contents sealArchive would never make.
import { rejectionOf } from "../../../test/support/refusal";
import { aesGcmEncrypt, randomBytes, sha256, toHex, utf8 } from "../../crypto";
import { addMessage, upsertConversation, type MessengerDb } from "../../storage";
import { HistoryError, type SealedArchive } from "../devices/history-archive";
import { DM, GROUP, SELF, historyDb, message } from "./local-history";

/** The installation's own sync group: never part of an archive. */
export const SYNC = "f0".repeat(16);

/** The exporting installation: a dm, a group, the sync group, messages and consent. */
export async function sourceDb(): Promise<MessengerDb> {
  const db = await historyDb();
  await upsertConversation(db, { id: SYNC, kind: "sync", createdAtNs: 50n });
  await addMessage(db, message("dm-1", DM, 1_000n), { incoming: true, preview: "hi" });
  await addMessage(db, message("dm-2", DM, 2_000n, { senderInboxId: SELF }), { preview: "hey" });
  await addMessage(
    db,
    message("dm-pending", DM, 3_000n, { senderInboxId: SELF, status: "pending" }),
  );
  await addMessage(db, message("dm-failed", DM, 2_500n, { senderInboxId: SELF, status: "failed" }));
  await addMessage(db, message("group-1", GROUP, 1_500n, { nodeId: undefined }), { preview: "yo" });
  await addMessage(db, message("sync-1", SYNC, 1_600n));
  return db;
}

/** Seals arbitrary bytes the way sealArchive does, for archives sealArchive would not make. */
export async function sealBytes(plain: Uint8Array): Promise<SealedArchive> {
  const gz = new Blob([plain.slice()]).stream().pipeThrough(new CompressionStream("gzip"));
  const zipped = new Uint8Array(await new Response(gz).arrayBuffer());
  const key = randomBytes(32);
  const nonce = randomBytes(12);
  const payload = await aesGcmEncrypt(key, nonce, zipped);
  return { payload, key, nonce, digest: toHex(sha256(payload)), size: payload.length };
}

export const sealJson = (value: unknown) => sealBytes(utf8(JSON.stringify(value)));

/** The HistoryError a call is refused with. */
export const historyError = (p: Promise<unknown>) => rejectionOf(p, HistoryError);
