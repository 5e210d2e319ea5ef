// The installation's identity row; the private key only ever touches disk sealed.

import { fromHex, toHex } from "../crypto";
import { IDENTITY_KEY_PURPOSE } from "./purposes";
import type { MessengerDb } from "./db";
import { StorageError } from "./errors";
import { nsFromKey, nsKey, ownBytes } from "./keys";

const PURPOSE = IDENTITY_KEY_PURPOSE;

export interface Identity {
  inboxId: string;
  address: string;
  installationPublicKey: Uint8Array;
  installationPrivateKey: Uint8Array;
  createdAtNs: bigint;
  registered: boolean;
}

export async function saveIdentity(db: MessengerDb, id: Identity): Promise<void> {
  if (!/^[0-9a-f]{64}$/.test(id.inboxId))
    throw new StorageError("invalid_argument", "inboxId must be 64 lowercase hex chars");
  if (!/^0x[0-9a-fA-F]{40}$/.test(id.address))
    throw new StorageError(
      "invalid_argument",
      `address ${JSON.stringify(id.address)} is not a 0x address`,
    );
  if (id.installationPublicKey.length !== 32)
    throw new StorageError("invalid_argument", "installationPublicKey must be 32 bytes");
  if (id.installationPrivateKey.length !== 32)
    throw new StorageError("invalid_argument", "installationPrivateKey must be 32 bytes");
  const sealed = await db.sealing.seal(PURPOSE, id.installationPrivateKey);
  await db.identity.put({
    id: "self",
    inboxId: id.inboxId,
    address: id.address.toLowerCase(),
    installationId: toHex(id.installationPublicKey),
    installationKeySealed: sealed,
    createdAtNs: nsKey(id.createdAtNs, "createdAtNs"),
    registered: id.registered,
  });
}

/** Unseals the private key; undefined when this database has no identity yet. */
export async function loadIdentity(db: MessengerDb): Promise<Identity | undefined> {
  const row = await db.identity.get("self");
  if (!row) return undefined;
  return {
    inboxId: row.inboxId,
    address: row.address,
    installationPublicKey: fromHex(row.installationId),
    installationPrivateKey: ownBytes(await db.sealing.open(PURPOSE, row.installationKeySealed)),
    createdAtNs: nsFromKey(row.createdAtNs),
    registered: row.registered,
  };
}

export async function setRegistered(db: MessengerDb, registered: boolean): Promise<void> {
  const n = await db.identity.update("self", { registered });
  if (n === 0) throw new StorageError("not_found", "no identity saved in this database");
}

/** When this installation last asked its other devices for history (undefined: never). */
export async function getHistoryRequestedAt(db: MessengerDb): Promise<number | undefined> {
  return (await db.identity.get("self"))?.historyRequestedAt;
}

export async function setHistoryRequestedAt(db: MessengerDb, at: number): Promise<void> {
  const n = await db.identity.update("self", { historyRequestedAt: at });
  if (n === 0) throw new StorageError("not_found", "no identity saved in this database");
}
