// One test per rule of the fold: each builds an update that breaks exactly that rule
// with real signatures, and checks the fold refuses it with that rule's code.
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import {
  applyIdentityUpdate,
  buildCreateInboxUpdate,
  checkClientTimestamp,
  foldIdentityLog,
  holdsInstallation,
  IdentityUpdateBuilder,
  inboxIdFor,
  INSTALLATION_SIGNATURE_CONTEXT,
  signatureText,
  type AssociationState,
} from "..";
import { ed25519phSign, utf8, type Ed25519KeyPair } from "../../crypto";
import {
  IdentityActionSchema,
  IdentityUpdateSchema,
  MemberIdentifierSchema,
  type IdentityUpdate,
} from "../../proto/identity/associations/association_pb";
import { SignatureSchema } from "../../proto/identity/associations/signature_pb";
import {
  erc191,
  expectIdentityError,
  newInstallation,
  newWallet,
  tick,
  type TestWallet,
} from "./helpers";

async function activated(): Promise<{
  wallet: TestWallet;
  installation: Ed25519KeyPair;
  state: AssociationState;
  create: IdentityUpdate;
}> {
  const wallet = newWallet();
  const installation = newInstallation();
  const { update } = await buildCreateInboxUpdate({
    signer: wallet.signer,
    installation,
    nowNs: tick(),
  });
  return {
    wallet,
    installation,
    state: await applyIdentityUpdate(undefined, update),
    create: update,
  };
}

async function addInstallation(
  state: AssociationState,
  by: TestWallet,
  inst = newInstallation(),
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

function installationSig(text: string, kp: Ed25519KeyPair) {
  const bytes = ed25519phSign(utf8(text), kp.privateKey, INSTALLATION_SIGNATURE_CONTEXT);
  return create(SignatureSchema, {
    signature: { case: "installationKey", value: { bytes, publicKey: kp.publicKey } },
  });
}

describe("identity log rules", () => {
  it("not_create_inbox_first: a log must start with CreateInbox", async () => {
    const wallet = newWallet();
    const inst = newInstallation();
    const b = new IdentityUpdateBuilder(inboxIdFor(wallet.address), tick()).addInstallation(
      inst.publicKey,
      wallet.address,
    );
    b.addWalletSignature(
      wallet.address,
      await wallet.sign(b.signatureText()),
    ).addInstallationSignature(inst);
    await expectIdentityError(foldIdentityLog([b.build()]), "not_create_inbox_first");
    await expectIdentityError(foldIdentityLog([]), "not_create_inbox_first");
  });

  it("multiple_create_inbox: CreateInbox only once", async () => {
    const { state, wallet } = await activated();
    const b = new IdentityUpdateBuilder(state.inboxId, tick()).createInbox(wallet.address);
    b.addWalletSignature(wallet.address, await wallet.sign(b.signatureText()));
    await expectIdentityError(applyIdentityUpdate(state, b.build()), "multiple_create_inbox");
  });

  it("inbox_id_mismatch: the inbox ID must be inboxIdFor(address, nonce) and every update must name it", async () => {
    const wallet = newWallet();
    // Claims nonce 1's inbox but creates with nonce 0, properly signed.
    const b = new IdentityUpdateBuilder(inboxIdFor(wallet.address, 1n), tick()).createInbox(
      wallet.address,
      0n,
    );
    b.addWalletSignature(wallet.address, await wallet.sign(b.signatureText()));
    await expectIdentityError(foldIdentityLog([b.build()]), "inbox_id_mismatch");

    const a = await activated();
    const other = await activated();
    const foreign = await addInstallation(other.state, other.wallet);
    await expectIdentityError(applyIdentityUpdate(a.state, foreign), "inbox_id_mismatch");
  });

  it("invalid_signature: signatures that do not verify over the text", async () => {
    const { state, wallet } = await activated();
    const inst = newInstallation();
    const good = await addInstallation(state, wallet, inst);

    const badEd = structuredClone(good);
    const add = badEd.actions[0]!.kind.value as {
      newMemberSignature: { signature: { value: { bytes: Uint8Array } } };
    };
    add.newMemberSignature.signature.value.bytes[5]! ^= 1;
    await expectIdentityError(applyIdentityUpdate(state, badEd), "invalid_signature");

    const badV = structuredClone(good);
    const add2 = badV.actions[0]!.kind.value as {
      existingMemberSignature: { signature: { value: { bytes: Uint8Array } } };
    };
    add2.existingMemberSignature.signature.value.bytes[64] = 5;
    await expectIdentityError(applyIdentityUpdate(state, badV), "invalid_signature");

    const short = structuredClone(good);
    const add3 = short.actions[0]!.kind.value as {
      existingMemberSignature: { signature: { value: { bytes: Uint8Array } } };
    };
    add3.existingMemberSignature.signature.value.bytes =
      add3.existingMemberSignature.signature.value.bytes.slice(0, 64);
    await expectIdentityError(applyIdentityUpdate(state, short), "invalid_signature");

    // the untouched update is fine
    expect(holdsInstallation(await applyIdentityUpdate(state, good), inst.publicKey)).toBe(true);
  });

  it("wrong_signer: CreateInbox by another wallet, a signature over another text, revoke by a non-recovery member", async () => {
    const owner = newWallet();
    const mallory = newWallet();
    const b = new IdentityUpdateBuilder(inboxIdFor(owner.address), tick()).createInbox(
      owner.address,
    );
    b.addWalletSignature(owner.address, await mallory.sign(b.signatureText()));
    await expectIdentityError(foldIdentityLog([b.build()]), "wrong_signer");

    // owner's signature, but of a different text: recovers some other address
    const c = new IdentityUpdateBuilder(inboxIdFor(owner.address), tick()).createInbox(
      owner.address,
    );
    c.addWalletSignature(owner.address, await owner.sign(c.signatureText() + " "));
    await expectIdentityError(foldIdentityLog([c.build()]), "wrong_signer");

    // a second linked wallet is a member but not the recovery address
    const { state, wallet, installation } = await activated();
    const second = newWallet();
    const link = new IdentityUpdateBuilder(state.inboxId, tick()).addWallet(
      second.address,
      wallet.address,
    );
    const linkText = link.signatureText();
    link
      .addWalletSignature(wallet.address, await wallet.sign(linkText))
      .addWalletSignature(second.address, await second.sign(linkText));
    const s2 = await applyIdentityUpdate(state, link.build());
    expect(s2.addresses.has(second.address)).toBe(true);
    const r = new IdentityUpdateBuilder(state.inboxId, tick()).revokeInstallation(
      installation.publicKey,
      second.address,
    );
    r.addWalletSignature(second.address, await second.sign(r.signatureText()));
    await expectIdentityError(applyIdentityUpdate(s2, r.build()), "wrong_signer");

    // ChangeRecoveryAddress too
    const cr = new IdentityUpdateBuilder(state.inboxId, tick()).changeRecoveryAddress(
      second.address,
      second.address,
    );
    cr.addWalletSignature(second.address, await second.sign(cr.signatureText()));
    await expectIdentityError(applyIdentityUpdate(s2, cr.build()), "wrong_signer");
  });

  it("wrong_signer: the new member must sign for itself", async () => {
    const { state, wallet } = await activated();
    const claimed = newInstallation();
    const actual = newInstallation();
    const update = create(IdentityUpdateSchema, {
      inboxId: state.inboxId,
      clientTimestampNs: tick(),
      actions: [
        create(IdentityActionSchema, {
          kind: {
            case: "add",
            value: {
              newMemberIdentifier: create(MemberIdentifierSchema, {
                kind: { case: "installationPublicKey", value: claimed.publicKey },
              }),
            },
          },
        }),
      ],
    });
    const text = signatureText(update);
    const add = update.actions[0]!.kind.value as {
      newMemberSignature?: unknown;
      existingMemberSignature?: unknown;
    };
    add.newMemberSignature = installationSig(text, actual);
    add.existingMemberSignature = erc191(await wallet.sign(text));
    await expectIdentityError(applyIdentityUpdate(state, update), "wrong_signer");
  });

  it("unknown_member: an outsider cannot approve a new member", async () => {
    const { state } = await activated();
    const outsider = newWallet();
    await expectIdentityError(
      applyIdentityUpdate(state, await addInstallation(state, outsider)),
      "unknown_member",
    );
  });

  it("already_member: a current member cannot be added again", async () => {
    const { state, wallet, installation } = await activated();
    await expectIdentityError(
      applyIdentityUpdate(state, await addInstallation(state, wallet, installation)),
      "already_member",
    );
  });

  it("installation_cannot_add_installation, while an installation may link a wallet (as in libxmtp)", async () => {
    const { state, installation } = await activated();
    const mk = (id: ReturnType<typeof create<typeof MemberIdentifierSchema>>) =>
      create(IdentityUpdateSchema, {
        inboxId: state.inboxId,
        clientTimestampNs: tick(),
        actions: [
          create(IdentityActionSchema, {
            kind: { case: "add", value: { newMemberIdentifier: id } },
          }),
        ],
      });

    const other = newInstallation();
    const u = mk(
      create(MemberIdentifierSchema, {
        kind: { case: "installationPublicKey", value: other.publicKey },
      }),
    );
    const t = signatureText(u);
    Object.assign(u.actions[0]!.kind.value!, {
      newMemberSignature: installationSig(t, other),
      existingMemberSignature: installationSig(t, installation),
    });
    await expectIdentityError(
      applyIdentityUpdate(state, u),
      "installation_cannot_add_installation",
    );

    const w = newWallet();
    const v = mk(
      create(MemberIdentifierSchema, { kind: { case: "ethereumAddress", value: w.address } }),
    );
    const vt = signatureText(v);
    Object.assign(v.actions[0]!.kind.value!, {
      newMemberSignature: erc191(await w.sign(vt)),
      existingMemberSignature: installationSig(vt, installation),
    });
    const s = await applyIdentityUpdate(state, v);
    expect(s.addresses.get(w.address)?.addedBy).toBe(
      Buffer.from(installation.publicKey).toString("hex"),
    );
  });

  it("replayed_signature: an old update cannot re-add a revoked installation", async () => {
    const { state, wallet } = await activated();
    const inst = newInstallation();
    const add = await addInstallation(state, wallet, inst);
    const s1 = await applyIdentityUpdate(state, add);
    const r = new IdentityUpdateBuilder(state.inboxId, tick()).revokeInstallation(
      inst.publicKey,
      wallet.address,
    );
    r.addWalletSignature(wallet.address, await wallet.sign(r.signatureText()));
    const s2 = await applyIdentityUpdate(s1, r.build());
    expect(holdsInstallation(s2, inst.publicKey)).toBe(false);
    await expectIdentityError(applyIdentityUpdate(s2, add), "replayed_signature");
  });

  it("malformed_update: no actions, bad addresses, short installation keys", async () => {
    const { state, wallet } = await activated();
    await expectIdentityError(
      applyIdentityUpdate(
        state,
        create(IdentityUpdateSchema, {
          inboxId: state.inboxId,
          clientTimestampNs: tick(),
          actions: [],
        }),
      ),
      "malformed_update",
    );
    const bad = create(IdentityUpdateSchema, {
      inboxId: state.inboxId,
      clientTimestampNs: tick(),
      actions: [
        create(IdentityActionSchema, {
          kind: {
            case: "add",
            value: {
              newMemberIdentifier: create(MemberIdentifierSchema, {
                kind: { case: "installationPublicKey", value: new Uint8Array(31) },
              }),
              existingMemberSignature: erc191(await wallet.sign("x")),
            },
          },
        }),
      ],
    });
    await expectIdentityError(applyIdentityUpdate(state, bad), "malformed_update");
    await expectIdentityError(
      () => new IdentityUpdateBuilder(state.inboxId).addWallet("0xnot-an-address", wallet.address),
      "malformed_update",
    );
  });

  it("missing_signature: an action without its signature is refused", async () => {
    const { state, wallet } = await activated();
    const b = new IdentityUpdateBuilder(state.inboxId, tick()).addWallet(
      newWallet().address,
      wallet.address,
    );
    b.addWalletSignature(wallet.address, await wallet.sign(b.signatureText()));
    await expectIdentityError(() => b.build(), "missing_signature");
  });

  it("timestamp_out_of_range: unformattable timestamps, and the node's 1-hour clock check", async () => {
    const { state, wallet } = await activated();
    const u = create(IdentityUpdateSchema, {
      inboxId: state.inboxId,
      clientTimestampNs: 1n << 63n,
      actions: [
        create(IdentityActionSchema, {
          kind: {
            case: "revoke",
            value: {
              memberToRevoke: create(MemberIdentifierSchema, {
                kind: { case: "ethereumAddress", value: wallet.address },
              }),
            },
          },
        }),
      ],
    });
    await expectIdentityError(applyIdentityUpdate(state, u), "timestamp_out_of_range");
    const now = 1_800_000_000_000_000_000n;
    const hour = 3_600_000_000_000n;
    const at = (ns: bigint) => create(IdentityUpdateSchema, { clientTimestampNs: ns });
    expect(() => checkClientTimestamp(at(now + hour), now)).not.toThrow();
    expect(() => checkClientTimestamp(at(now - hour), now)).not.toThrow();
    await expectIdentityError(
      () => checkClientTimestamp(at(now + hour + 1n), now),
      "timestamp_out_of_range",
    );
    await expectIdentityError(
      () => checkClientTimestamp(at(now - hour - 1n), now),
      "timestamp_out_of_range",
    );
  });
});
