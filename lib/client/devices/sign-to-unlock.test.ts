// Sign to unlock (PROTOCOL §6) with real viem local accounts: once on, this browser's store
// opens only with the wallet's signature of the "Enable Identity" text; the device key alone
// (everything on disk) no longer opens it. Turning it on or off re-wraps the data key only.
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { IDBKeyRange, indexedDB } from "fake-indexeddb";
import { hashMessage, hexToBytes } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { describe, expect, it } from "vitest";
import { randomBytes } from "../../crypto";
import { signerFromLocalAccount, type Signer } from "../../signer";
import {
  MessengerDb,
  addMessage,
  forgetUnlockedKeys,
  getConversation,
  saveIdentity,
  upsertConversation,
  type DataKeyRow,
} from "../../storage";
import { Client } from "../client";
import { ClientError } from "../errors";

const CONV = "c1".repeat(16);

function wallet() {
  const key = generatePrivateKey();
  const account = privateKeyToAccount(key);
  return { key, address: account.address.toLowerCase(), signer: signerFromLocalAccount(account) };
}

/** A browser profile holding an activated installation of `address`, with one conversation. */
async function profile(address: string) {
  const dbName = `unlock-${crypto.randomUUID()}`;
  const db = new MessengerDb(dbName, { indexedDB, IDBKeyRange });
  await saveIdentity(db, {
    inboxId: "9".repeat(64),
    address,
    installationPublicKey: randomBytes(32),
    installationPrivateKey: randomBytes(32),
    createdAtNs: 1n,
    registered: true,
  });
  await upsertConversation(db, { id: CONV, kind: "group", name: "Secret plans", createdAtNs: 2n });
  await addMessage(db, {
    id: "ee".repeat(32),
    conversationId: CONV,
    senderInboxId: "8".repeat(64),
    sentAtNs: 3n,
    contentType: "xmtp.org/text:1.0",
    encodedContent: new Uint8Array([1, 2, 3]),
    status: "published",
  });
  db.close();
  const opts = { apiUrl: "http://127.0.0.1:9", dbName, indexedDB, IDBKeyRange };
  return { dbName, opts };
}

async function failure(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => "resolved",
    (e: unknown) => (e instanceof ClientError ? e.code : String(e)),
  );
}

describe("sign to unlock", () => {
  it("restoreWithoutSignatureFailsOnceEnabled: a reload needs the wallet, and the wallet is enough", async () => {
    const w = wallet();
    const { opts, dbName } = await profile(w.address);
    const first = await Client.restore(w.address, opts);
    expect(await first.signToUnlockEnabled()).toBe(false);
    const raw = new MessengerDb(dbName, { indexedDB, IDBKeyRange });
    const messagesBefore = await raw.messages.toArray();
    await first.enableSignToUnlock(w.signer);
    expect(await first.signToUnlockEnabled()).toBe(true);
    // Still open in this session (the key stays in memory).
    expect((await first.conversations.getById(CONV))!.summary().name).toBe("Secret plans");
    await first.close();
    // Another handle in the same tab opens with no signature (the app opens one per screen)...
    const sameTab = await Client.restore(w.address, opts);
    await sameTab.close();
    forgetUnlockedKeys(dbName); // ...a reload forgets the key.

    // No row was re-encrypted: only the data key's wrapping changed.
    expect(await raw.messages.toArray()).toEqual(messagesBefore);
    const dataKey = (await raw.secrets.get("data_key")) as DataKeyRow;
    expect(dataKey.mode).toBe("signature");
    expect(dataKey.challenge).toMatch(/^[0-9a-f]{64}$/);
    expect(dataKey.salt).toHaveLength(32);
    // Everything on disk, the device key included, no longer opens a row.
    raw.sealing.reset();
    await expect(getConversation(raw, CONV)).rejects.toMatchObject({ code: "store_locked" });
    raw.close();

    expect(await failure(Client.restore(w.address, opts))).toBe("store_locked");
    const other = wallet();
    expect(await failure(Client.restore(w.address, { ...opts, unlock: other.signer }))).toBe(
      "identity_mismatch",
    );

    const reopened = await Client.restore(w.address, { ...opts, unlock: w.signer });
    forgetUnlockedKeys();
    expect((await reopened.conversations.summaries()).map((s) => s.name)).toEqual(["Secret plans"]);
    // Off again: the device key opens the store with no signature.
    await reopened.disableSignToUnlock();
    await reopened.close();
    const plain = await Client.restore(w.address, opts);
    expect(await plain.signToUnlockEnabled()).toBe(false);
    expect((await plain.conversations.getById(CONV))!.summary().name).toBe("Secret plans");
    await plain.close();
  });

  it("signatureOverAnotherTextDoesNotUnlock: unlock_failed names it", async () => {
    const w = wallet();
    const { opts } = await profile(w.address);
    const c = await Client.restore(w.address, opts);
    await c.enableSignToUnlock(w.signer);
    await c.close();
    forgetUnlockedKeys();
    // Same wallet, but it signs something else than the stored text (a phished or stale text).
    const wrongText: Signer = { ...w.signer, signMessage: () => w.signer.signMessage("hello") };
    expect(await failure(Client.restore(w.address, { ...opts, unlock: wrongText }))).toBe(
      "identity_mismatch",
    ); // the signature does not even recover to the address
    const db = new MessengerDb(opts.dbName, { indexedDB, IDBKeyRange });
    await expect(db.sealing.unlock(await w.signer.signMessage("hello"))).rejects.toMatchObject({
      code: "unlock_failed",
    });
    db.close();
  });

  it("nonDeterministicWalletIsRefused: two different signatures of the same text keep the mode off", async () => {
    const w = wallet();
    const { opts } = await profile(w.address);
    // A real, valid EIP-191 signer whose ECDSA nonces are randomised (RFC 6979 + extra entropy).
    const randomised: Signer = {
      type: "EOA",
      getIdentifier: () => ({ identifier: w.address, identifierKind: "Ethereum" }),
      signMessage: async (text) => {
        const sig = secp256k1.sign(hexToBytes(hashMessage(text)), hexToBytes(w.key), {
          prehash: false,
          extraEntropy: true,
          format: "recovered",
        });
        // noble: recovery || r || s  →  Ethereum: r || s || v
        return new Uint8Array([...sig.slice(1), sig[0]! + 27]);
      },
    };
    const c = await Client.restore(w.address, opts);
    const err = await c.enableSignToUnlock(randomised).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClientError);
    expect((err as ClientError).code).toBe("signer_not_deterministic");
    expect((err as ClientError).message).toMatch(/signed the same text differently/);
    expect(await c.signToUnlockEnabled()).toBe(false);
    await c.close();
    const again = await Client.restore(w.address, opts); // still opens with no signature
    await again.close();
  });
});
