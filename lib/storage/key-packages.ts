// Key packages: public bytes in clear, private part sealed. Older ones stay until deleted,
// so a welcome made from a key package we already rotated can still be opened.

import { sha256, toHex } from "../crypto";
import { keyPackagePurpose } from "./purposes";
import type { MessengerDb } from "./db";
import { hexId, nsFromKey, nsKey, ownBytes } from "./keys";
import type { KeyPackageRow } from "./schema";

export interface StoredKeyPackage {
  ref: string;
  publicBytes: Uint8Array;
  privateBytes: Uint8Array;
  createdAtNs: bigint;
}

const purpose = keyPackagePurpose;

/** `ref` defaults to hex sha256(publicBytes). Returns the ref. */
export async function putKeyPackage(
  db: MessengerDb,
  kp: {
    ref?: string | Uint8Array;
    publicBytes: Uint8Array;
    privateBytes: Uint8Array;
    createdAtNs: bigint;
  },
): Promise<string> {
  const ref = kp.ref === undefined ? toHex(sha256(kp.publicBytes)) : hexId(kp.ref, "ref");
  const privateSealed = await db.sealing.seal(purpose(ref), kp.privateBytes);
  await db.keyPackages.put({
    id: ref,
    publicBytes: ownBytes(kp.publicBytes),
    privateSealed,
    createdAtNs: nsKey(kp.createdAtNs, "createdAtNs"),
  });
  return ref;
}

async function unseal(db: MessengerDb, row: KeyPackageRow): Promise<StoredKeyPackage> {
  return {
    ref: row.id,
    publicBytes: row.publicBytes,
    privateBytes: await db.sealing.open(purpose(row.id), row.privateSealed),
    createdAtNs: nsFromKey(row.createdAtNs),
  };
}

export async function getKeyPackage(
  db: MessengerDb,
  ref: string | Uint8Array,
): Promise<StoredKeyPackage | undefined> {
  const row = await db.keyPackages.get(hexId(ref, "ref"));
  return row && unseal(db, row);
}

/** The newest key package (the one uploaded to the node). */
export async function currentKeyPackage(db: MessengerDb): Promise<StoredKeyPackage | undefined> {
  const row = await db.keyPackages.orderBy("createdAtNs").last();
  return row && unseal(db, row);
}

/** Every stored key package, newest first (a welcome may use one we already rotated). */
export async function listKeyPackages(db: MessengerDb): Promise<StoredKeyPackage[]> {
  const rows = await db.keyPackages.orderBy("createdAtNs").reverse().toArray();
  return Promise.all(rows.map((row) => unseal(db, row)));
}

export async function deleteKeyPackage(db: MessengerDb, ref: string | Uint8Array): Promise<void> {
  await db.keyPackages.delete(hexId(ref, "ref"));
}

/** A key package a welcome used, kept only until the welcome topic is read to its end. */
export async function markKeyPackageSpent(
  db: MessengerDb,
  ref: string | Uint8Array,
): Promise<void> {
  await db.keyPackages.update(hexId(ref, "ref"), { spentAt: Date.now() });
}

/** Deletes every spent key package (call once no welcome for it can still be pending). */
export async function deleteSpentKeyPackages(db: MessengerDb): Promise<number> {
  const spent = (await db.keyPackages.toArray()).filter((row) => row.spentAt !== undefined);
  await db.keyPackages.bulkDelete(spent.map((row) => row.id));
  return spent.length;
}
