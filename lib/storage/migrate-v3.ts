// Schema v2 → v3: every clear message, conversation and intent becomes its sealed form, and the
// key records sealed directly under the device key (installation key, key packages, group
// states) are re-sealed under the new data key. It all runs inside Dexie's upgrade transaction,
// so a database is either wholly v2 or wholly v3: WebCrypto is not IndexedDB, and
// Dexie.waitFor keeps that transaction alive across each batch of seals.

import { Dexie, type Table, type Transaction } from "dexie";
import { generateWrappingKey } from "../crypto";
import { newDataKeyRow } from "./data-key";
import { groupStatePurpose, IDENTITY_KEY_PURPOSE, keyPackagePurpose } from "./purposes";
import type {
  ConversationRow,
  DeviceKeyRow,
  GroupRow,
  IdentityRow,
  IntentRow,
  KeyPackageRow,
  MessageRow,
  SealedBlob,
  SecretRow,
} from "./schema";
import { openWith, sealWith } from "./seal-blob";
import { sealConversation, sealIntentPayload, sealMessage } from "./sealed-rows";

const BATCH = 500;

/** Rewrites a table in batches of primary keys: read, transform outside IndexedDB, write back. */
async function rewrite<T>(table: Table<T>, transform: (rows: T[]) => Promise<unknown[]>) {
  const keys = await table.toCollection().primaryKeys();
  for (let at = 0; at < keys.length; at += BATCH) {
    const rows = (await table.bulkGet(keys.slice(at, at + BATCH))).filter(
      (r): r is Awaited<T> & T => r !== undefined,
    );
    const out = await Dexie.waitFor(transform(rows));
    await (table as Table<unknown>).bulkPut(out);
  }
}

export async function sealClearRowsV3(tx: Transaction): Promise<void> {
  const secrets = tx.table<SecretRow, string>("secrets");
  let device = ((await secrets.get("wrapping_key")) as DeviceKeyRow | undefined)?.key;
  if (!device) {
    device = await Dexie.waitFor(generateWrappingKey());
    await secrets.add({ id: "wrapping_key", key: device, createdAt: Date.now() });
  }
  const deviceKey = device;
  const { row: dataKeyRow, key } = await Dexie.waitFor(newDataKeyRow(deviceKey));
  await secrets.put(dataKeyRow);
  const seal = (purpose: string, bytes: Uint8Array) => sealWith(key, purpose, bytes);
  const reseal = async (purpose: string, blob: SealedBlob) =>
    seal(purpose, await openWith(deviceKey, purpose, blob));

  await rewrite(tx.table<IdentityRow>("identity"), (rows) =>
    Promise.all(
      rows.map(async (r) => ({
        ...r,
        installationKeySealed: await reseal(IDENTITY_KEY_PURPOSE, r.installationKeySealed),
      })),
    ),
  );
  await rewrite(tx.table<KeyPackageRow>("keyPackages"), (rows) =>
    Promise.all(
      rows.map(async (r) => ({
        ...r,
        privateSealed: await reseal(keyPackagePurpose(r.id), r.privateSealed),
      })),
    ),
  );
  await rewrite(tx.table<GroupRow>("groups"), (rows) =>
    Promise.all(
      rows.map(async (r) => ({
        ...r,
        stateSealed: await reseal(groupStatePurpose(r.groupId, r.epoch), r.stateSealed),
      })),
    ),
  );
  await rewrite(tx.table<MessageRow>("messages"), (rows) =>
    Promise.all(rows.map((r) => sealMessage(seal, r))),
  );
  await rewrite(tx.table<ConversationRow>("conversations"), (rows) =>
    Promise.all(rows.map((r) => sealConversation(seal, r))),
  );
  await rewrite(tx.table<IntentRow>("intents"), (rows) =>
    Promise.all(
      rows.map(async ({ payload, ...r }) => ({
        ...r,
        payloadSealed: await sealIntentPayload(seal, { ...r, id: r.id! }, payload),
      })),
    ),
  );
}
