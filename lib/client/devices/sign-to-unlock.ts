// "Sign to unlock" (PROTOCOL §6): the data key that seals this browser's messages and keys is
// wrapped by a key derived from a deterministic wallet signature instead of the device key, so
// opening the store needs the wallet. Turning it on or off re-wraps only the data key.

import { equalBytes, randomBytes, toHex } from "../../crypto";
import { recoverEip191 } from "../../identity";
import type { Signer } from "../../signer";
import { StorageError, unlockText, type MessengerDb, type UnlockStatus } from "../../storage";
import { ClientError, normalizeAddress } from "../errors";

/**
 * The signature as a key: for an EOA, the canonical (low-s, v = 27/28) form of a signature that
 * must recover to `address`, so wallets that encode v differently still derive the same key.
 */
async function signUnlockText(signer: Signer, address: string, text: string): Promise<Uint8Array> {
  const signature = await signer.signMessage(text);
  if (signer.type !== "EOA") return signature;
  const recovered = recoverEip191(text, signature);
  if (recovered.address !== address)
    throw new ClientError(
      "identity_mismatch",
      `the wallet signed as ${recovered.address}, but these messages belong to ${address}: switch to that account`,
    );
  return recovered.canonical;
}

async function checkSigner(signer: Signer, address: string): Promise<void> {
  const who = normalizeAddress((await signer.getIdentifier()).identifier);
  if (who !== address)
    throw new ClientError(
      "identity_mismatch",
      `the connected wallet is ${who}, but these messages belong to ${address}: switch to that account`,
    );
}

export function unlockStatus(db: MessengerDb): Promise<UnlockStatus> {
  return db.sealing.status();
}

/**
 * Turns sign to unlock on: the wallet signs the "Enable Identity" text twice (a wallet whose
 * signatures differ — randomised ECDSA, some smart-account wallets — could never unlock again,
 * so it is refused), and the data key is re-wrapped under HKDF(signature, fresh salt).
 */
export async function enableSignToUnlock(
  db: MessengerDb,
  address: string,
  signer: Signer,
): Promise<void> {
  await checkSigner(signer, address);
  const challenge = toHex(randomBytes(32));
  const text = unlockText(challenge);
  const first = await signUnlockText(signer, address, text);
  const second = await signUnlockText(signer, address, text);
  if (!equalBytes(first, second))
    throw new ClientError(
      "signer_not_deterministic",
      "this wallet signed the same text differently twice, so its signature cannot serve as a key: sign to unlock stays off (use a wallet that signs deterministically, as most software and hardware wallets do)",
    );
  await db.sealing.rewrap({ mode: "signature", challenge, signature: first });
}

/** Turns sign to unlock off (the store must be open): the device key wraps the data key again. */
export async function disableSignToUnlock(db: MessengerDb): Promise<void> {
  await db.sealing.rewrap({ mode: "device" });
}

/** Unlocks a locked store with the wallet (one signature); does nothing when it is not locked. */
export async function unlockWithWallet(
  db: MessengerDb,
  address: string,
  signer: Signer,
): Promise<void> {
  const status = await db.sealing.status();
  if (!status.locked) return;
  await checkSigner(signer, address);
  const signature = await signUnlockText(signer, address, status.text!);
  try {
    await db.sealing.unlock(signature);
  } catch (err) {
    throw asClientError(err);
  }
}

/** Storage's lock errors as the client's named ones; anything else unchanged. */
export function asClientError(err: unknown): unknown {
  if (err instanceof StorageError && err.code === "store_locked")
    return new ClientError(
      "store_locked",
      "sign to unlock is on: sign with your wallet to open your messages on this browser",
      false,
      err,
    );
  if (err instanceof StorageError && err.code === "unlock_failed")
    return new ClientError(
      "unlock_failed",
      "this signature does not unlock your messages: sign with the wallet (and account) that turned sign to unlock on",
      false,
      err,
    );
  return err;
}
