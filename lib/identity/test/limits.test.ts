import { describe, expect, it } from "vitest";
import {
  applyIdentityUpdate,
  buildCreateInboxUpdate,
  buildRevokeInstallationsUpdate,
  holdsInstallation,
  IdentityUpdateBuilder,
  MAX_IDENTITY_UPDATES_PER_INBOX,
  MAX_INSTALLATIONS_PER_INBOX,
  type AssociationState,
} from "..";
import { type Ed25519KeyPair } from "../../crypto";
import type { IdentityUpdate } from "../../proto/identity/associations/association_pb";
import { expectIdentityError, newInstallation, newWallet, tick, type TestWallet } from "./helpers";

async function addInstallation(
  state: AssociationState,
  by: TestWallet,
  inst: Ed25519KeyPair,
): Promise<IdentityUpdate> {
  const b = new IdentityUpdateBuilder(state.inboxId, tick()).addInstallation(
    inst.publicKey,
    by.address,
  );
  return b
    .addWalletSignature(by.address, await by.sign(b.signatureText()))
    .addInstallationSignature(inst)
    .build();
}

describe("revocation and limits", () => {
  it("revoking a wallet also drops the installations it added, and only those", async () => {
    const owner = newWallet();
    const first = newInstallation();
    const { update } = await buildCreateInboxUpdate({
      signer: owner.signer,
      installation: first,
      nowNs: tick(),
    });
    let state = await applyIdentityUpdate(undefined, update);

    const second = newWallet();
    const link = new IdentityUpdateBuilder(state.inboxId, tick()).addWallet(
      second.address,
      owner.address,
    );
    const text = link.signatureText();
    link
      .addWalletSignature(owner.address, await owner.sign(text))
      .addWalletSignature(second.address, await second.sign(text));
    state = await applyIdentityUpdate(state, link.build());

    const viaSecond = newInstallation();
    state = await applyIdentityUpdate(state, await addInstallation(state, second, viaSecond));
    expect(state.installations.size).toBe(2);

    const r = new IdentityUpdateBuilder(state.inboxId, tick()).revokeWallet(
      second.address,
      owner.address,
    );
    r.addWalletSignature(owner.address, await owner.sign(r.signatureText()));
    const after = await applyIdentityUpdate(state, r.build());
    expect(after.addresses.has(second.address)).toBe(false);
    expect(holdsInstallation(after, viaSecond.publicKey)).toBe(false);
    expect(holdsInstallation(after, first.publicKey)).toBe(true);
    expect(after.addresses.has(owner.address)).toBe(true);
  });

  it(`at ${MAX_INSTALLATIONS_PER_INBOX} installations a new one is refused; a wallet-only revoke frees a slot`, async () => {
    const owner = newWallet();
    const installs = [newInstallation()];
    const { update } = await buildCreateInboxUpdate({
      signer: owner.signer,
      installation: installs[0]!,
      nowNs: tick(),
    });
    let state = await applyIdentityUpdate(undefined, update);
    while (state.installations.size < MAX_INSTALLATIONS_PER_INBOX) {
      const inst = newInstallation();
      installs.push(inst);
      state = await applyIdentityUpdate(state, await addInstallation(state, owner, inst));
    }
    const eleventh = newInstallation();
    const refused = await addInstallation(state, owner, eleventh);
    await expectIdentityError(applyIdentityUpdate(state, refused), "too_many_installations");

    // The user on a new device has no installation in the inbox: the wallet alone revokes.
    owner.signer.calls.length = 0;
    const revoke = await buildRevokeInstallationsUpdate({
      signer: owner.signer,
      inboxId: state.inboxId,
      installationKeys: [installs[0]!.publicKey, installs[1]!.publicKey],
      nowNs: tick(),
    });
    expect(owner.signer.calls).toHaveLength(1);
    state = await applyIdentityUpdate(state, revoke);
    expect(state.installations.size).toBe(MAX_INSTALLATIONS_PER_INBOX - 2);
    expect(holdsInstallation(state, installs[0]!.publicKey)).toBe(false);

    state = await applyIdentityUpdate(state, await addInstallation(state, owner, eleventh));
    expect(holdsInstallation(state, eleventh.publicKey)).toBe(true);
  });

  it("an update that revokes and adds in one go is judged on its final count", async () => {
    const owner = newWallet();
    const first = newInstallation();
    const { update } = await buildCreateInboxUpdate({
      signer: owner.signer,
      installation: first,
      nowNs: tick(),
    });
    const state = await applyIdentityUpdate(undefined, update, { maxInstallations: 1 });
    const next = newInstallation();
    const b = new IdentityUpdateBuilder(state.inboxId, tick())
      .revokeInstallation(first.publicKey, owner.address)
      .addInstallation(next.publicKey, owner.address);
    b.addWalletSignature(
      owner.address,
      await owner.sign(b.signatureText()),
    ).addInstallationSignature(next);
    const s = await applyIdentityUpdate(state, b.build(), { maxInstallations: 1 });
    expect([...s.installations.keys()]).toHaveLength(1);
    expect(holdsInstallation(s, next.publicKey)).toBe(true);
  });

  it(`the log is full after ${MAX_IDENTITY_UPDATES_PER_INBOX} updates`, async () => {
    const owner = newWallet();
    const { update } = await buildCreateInboxUpdate({
      signer: owner.signer,
      installation: newInstallation(),
      nowNs: tick(),
    });
    let state = await applyIdentityUpdate(undefined, update);
    const revokeSomething = async () =>
      buildRevokeInstallationsUpdate({
        signer: owner.signer,
        inboxId: state.inboxId,
        installationKeys: [newInstallation().publicKey],
        nowNs: tick(),
      });
    while (state.updateCount < MAX_IDENTITY_UPDATES_PER_INBOX)
      state = await applyIdentityUpdate(state, await revokeSomething());
    expect(state.updateCount).toBe(256);
    await expectIdentityError(applyIdentityUpdate(state, await revokeSomething()), "log_full");
  }, 60_000);
});
