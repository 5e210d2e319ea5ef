import { describe, expect, it } from "vitest";
import { recoverAddress, hashMessage, bytesToHex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import {
  applyIdentityUpdate,
  buildCreateInboxUpdate,
  eip191Hash,
  foldIdentityLog,
  holdsInstallation,
  IdentityUpdateBuilder,
  inboxIdFor,
  recoverEip191,
  type ScwVerifyArgs,
} from "..";
import { fromHex, toHex } from "../../crypto";
import type { Signer } from "../../signer";
import { expectIdentityError, newInstallation, newWallet, tick } from "./helpers";

const N = secp256k1.Point.CURVE().n;

/** The other valid form of an ECDSA signature: s -> n - s, with the recovery parity flipped. */
function toHighS(sig: Uint8Array): Uint8Array {
  const s = BigInt("0x" + toHex(sig.subarray(32, 64)));
  const out = sig.slice();
  out.set(fromHex((N - s).toString(16).padStart(64, "0")), 32);
  out[64] = sig[64] === 27 ? 28 : sig[64] === 28 ? 27 : sig[64]! ^ 1;
  return out;
}

describe("EOA signatures", () => {
  it("hashes like viem's EIP-191 hashMessage", () => {
    const text = "XMTP : Authenticate to inbox\n\nünïcødé ✓";
    expect(bytesToHex(eip191Hash(text))).toBe(hashMessage(text));
  });

  it("normalises high-s before recovery: a high-s signature still recovers the signer", async () => {
    const w = newWallet();
    const text = "some identity update text";
    const low = await w.sign(text);
    const high = toHighS(low);
    expect(BigInt("0x" + toHex(high.subarray(32, 64)))).toBeGreaterThan(N / 2n);
    expect(recoverEip191(text, low).address).toBe(w.address);
    expect(recoverEip191(text, high).address).toBe(w.address);
    expect(toHex(recoverEip191(text, high).canonical)).toBe(toHex(low));
    // v as 0/1 works too
    const v01 = low.slice();
    v01[64] = low[64]! - 27;
    expect(recoverEip191(text, v01).address).toBe(w.address);
  });

  it("an inbox created with a high-s wallet signature folds", async () => {
    const w = newWallet();
    const b = new IdentityUpdateBuilder(inboxIdFor(w.address), tick()).createInbox(w.address);
    b.addWalletSignature(w.address, toHighS(await w.sign(b.signatureText())));
    expect((await foldIdentityLog([b.build()])).recoveryAddress).toBe(w.address);
  });

  it("a malleated (high-s) copy of a used signature is still a replay", async () => {
    const a = newWallet();
    const b = newWallet();
    const { update } = await buildCreateInboxUpdate({
      signer: a.signer,
      installation: newInstallation(),
      nowNs: tick(),
    });
    let state = await applyIdentityUpdate(undefined, update);

    const toB = new IdentityUpdateBuilder(state.inboxId, tick()).changeRecoveryAddress(
      b.address,
      a.address,
    );
    const toBSig = await a.sign(toB.signatureText());
    toB.addWalletSignature(a.address, toBSig);
    state = await applyIdentityUpdate(state, toB.build());
    expect(state.recoveryAddress).toBe(b.address);

    const backToA = new IdentityUpdateBuilder(state.inboxId, tick()).changeRecoveryAddress(
      a.address,
      b.address,
    );
    backToA.addWalletSignature(b.address, await b.sign(backToA.signatureText()));
    state = await applyIdentityUpdate(state, backToA.build());
    expect(state.recoveryAddress).toBe(a.address);

    // Replaying "recovery -> B" with the other s would hand the inbox back to B.
    const replay = toB.build();
    const sig = replay.actions[0]!.kind.value as {
      existingRecoveryIdentifierSignature: { signature: { value: { bytes: Uint8Array } } };
    };
    sig.existingRecoveryIdentifierSignature.signature.value.bytes = toHighS(toBSig);
    await expectIdentityError(applyIdentityUpdate(state, replay), "replayed_signature");
  });
});

describe("smart-contract wallet signatures", () => {
  // A stand-in contract wallet at a random address whose owner key approves signatures (ERC-1271 style).
  const owner = privateKeyToAccount(generatePrivateKey());
  const contract = privateKeyToAccount(generatePrivateKey()).address.toLowerCase();
  const scwSigner: Signer = {
    type: "SCW",
    getIdentifier: () => ({ identifier: contract, identifierKind: "Ethereum" }),
    signMessage: async (text) => fromHex(await owner.signMessage({ message: text })),
    getChainId: () => 8453n,
    getBlockNumber: () => 123n,
  };
  const calls: ScwVerifyArgs[] = [];
  const scwVerifier = async (args: ScwVerifyArgs) => {
    calls.push(args);
    const signer = await recoverAddress({
      hash: bytesToHex(args.hash),
      signature: bytesToHex(args.signature),
    });
    return args.accountId === `eip155:8453:${contract}` && signer === owner.address;
  };

  it("cannot be verified without a configured verifier", async () => {
    const { update } = await buildCreateInboxUpdate({
      signer: scwSigner,
      installation: newInstallation(),
      nowNs: tick(),
    });
    await expectIdentityError(foldIdentityLog([update]), "scw_unverifiable");
  });

  it("folds when the verifier accepts it, with the EIP-191 hash and the pinned block", async () => {
    const installation = newInstallation();
    const { update, inboxId } = await buildCreateInboxUpdate({
      signer: scwSigner,
      installation,
      nowNs: tick(),
    });
    const state = await foldIdentityLog([update], { scwVerifier });
    expect(state.inboxId).toBe(inboxId);
    expect(state.recoveryAddress).toBe(contract);
    expect(holdsInstallation(state, installation.publicKey)).toBe(true);
    expect(calls.at(-1)?.blockNumber).toBe(123n);
  });

  it("is invalid when the verifier says no", async () => {
    const { update } = await buildCreateInboxUpdate({
      signer: scwSigner,
      installation: newInstallation(),
      nowNs: tick(),
    });
    await expectIdentityError(
      foldIdentityLog([update], { scwVerifier: async () => false }),
      "invalid_signature",
    );
  });
});
