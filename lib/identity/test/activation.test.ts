import { describe, expect, it } from "vitest";
import {
  applyIdentityUpdate,
  buildCreateInboxUpdate,
  foldIdentityLog,
  holdsInstallation,
  IdentityUpdateBuilder,
  inboxIdFor,
  signatureText,
  type AssociationState,
} from "..";
import { toHex } from "../../crypto";
import { expectIdentityError, newInstallation, newWallet, tick } from "./helpers";

describe("activation: create inbox + grant installation", () => {
  it("asks the wallet exactly once, and the update folds to an inbox holding the installation", async () => {
    const wallet = newWallet();
    const installation = newInstallation();
    const { inboxId, update } = await buildCreateInboxUpdate({
      signer: wallet.signer,
      installation,
      nowNs: tick(),
    });

    expect(wallet.signer.calls).toHaveLength(1);
    expect(wallet.signer.calls[0]).toBe(signatureText(update));
    expect(inboxId).toBe(inboxIdFor(wallet.address));
    expect(update.inboxId).toBe(inboxId);

    const state = await foldIdentityLog([update]);
    expect(state.inboxId).toBe(inboxId);
    expect(state.recoveryAddress).toBe(wallet.address);
    expect([...state.addresses.keys()]).toEqual([wallet.address]);
    expect(holdsInstallation(state, installation.publicKey)).toBe(true);
    expect(state.installations.get(toHex(installation.publicKey))?.addedBy).toBe(wallet.address);
    expect(state.installations.get(toHex(installation.publicKey))?.clientTimestampNs).toBe(
      update.clientTimestampNs,
    );
    expect(state.updateCount).toBe(1);
    // the wallet signature (once, though used twice) and the installation signature are remembered
    expect(state.seenSignatures.size).toBe(2);
    expect(holdsInstallation(state, newInstallation().publicKey)).toBe(false);
  });

  it("uses the nonce for a second inbox of the same wallet", async () => {
    const wallet = newWallet();
    const { inboxId, update } = await buildCreateInboxUpdate({
      signer: wallet.signer,
      installation: newInstallation(),
      nonce: 7n,
    });
    expect(inboxId).toBe(inboxIdFor(wallet.address, 7n));
    expect((await foldIdentityLog([update])).inboxId).toBe(inboxId);
  });

  it("builder.build() names the action and the signer that are missing", async () => {
    const wallet = newWallet();
    const installation = newInstallation();
    const b = new IdentityUpdateBuilder(inboxIdFor(wallet.address), tick())
      .createInbox(wallet.address)
      .addInstallation(installation.publicKey, wallet.address);
    b.addInstallationSignature(installation);
    const err = await expectIdentityError(() => b.build(), "missing_signature");
    expect(err.message).toContain("actions[0]");
    expect(err.message).toContain(wallet.address);
  });

  it("applyIdentityUpdate never mutates the state it is given, on success or failure", async () => {
    const wallet = newWallet();
    const { update } = await buildCreateInboxUpdate({
      signer: wallet.signer,
      installation: newInstallation(),
      nowNs: tick(),
    });
    const state = await applyIdentityUpdate(undefined, update);
    const snapshot = (s: AssociationState) =>
      JSON.stringify(s, (_k, v) =>
        v instanceof Map
          ? [...v.entries()]
          : v instanceof Set
            ? [...v]
            : typeof v === "bigint"
              ? v.toString()
              : v,
      );
    const before = snapshot(state);

    const other = newInstallation();
    const b = new IdentityUpdateBuilder(state.inboxId, tick()).addInstallation(
      other.publicKey,
      wallet.address,
    );
    b.addWalletSignature(
      wallet.address,
      await wallet.sign(b.signatureText()),
    ).addInstallationSignature(other);
    const next = await applyIdentityUpdate(state, b.build());
    expect(holdsInstallation(next, other.publicKey)).toBe(true);
    expect(snapshot(state)).toBe(before);
    expect(holdsInstallation(state, other.publicKey)).toBe(false);

    // a failing update (replay of the one just applied) leaves `next` untouched too
    const nextBefore = snapshot(next);
    await expectIdentityError(applyIdentityUpdate(next, b.build()), "replayed_signature");
    expect(snapshot(next)).toBe(nextBefore);
  });
});
