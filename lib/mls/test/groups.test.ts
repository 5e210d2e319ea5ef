import { describe, expect, it } from "vitest";
import { createCommit, createProposal, encodeMlsMessage } from "ts-mls";
import { fromUtf8, utf8 } from "../../crypto";
import {
  addMembers,
  createGroup,
  createKeyPackage,
  encryptApplication,
  groupMembers,
  groupMetadata,
  isActive,
  joinFromWelcome,
  mergeOwnCommit,
  processMessage,
  readMessageHeader,
  removeMembers,
  type AuthService,
  type GroupHandle,
  type InstallationSigner,
} from "../index";
import { decodeKeyPackageBytes } from "../wire";
import { withAuth } from "../state";
import { cipherSuite } from "../suite";
import { Directory, newSigner } from "./helpers";

async function join(
  signer: InstallationSigner,
  welcome: Uint8Array,
  kp: { keyPackageBytes: Uint8Array; privateBytes: Uint8Array },
  auth: AuthService,
) {
  return joinFromWelcome({
    welcome,
    keyPackagePrivate: kp.privateBytes,
    keyPackageBytes: kp.keyPackageBytes,
    signer,
    auth,
  });
}

/** Alice creates a group and adds the others; everyone joins from the one welcome. */
async function groupOf(...others: InstallationSigner[]) {
  const alice = newSigner();
  const dir = new Directory().register(alice, ...others);
  const created = await createGroup({
    signer: alice,
    metadata: { conversationType: "group", creatorInboxId: alice.inboxId },
  });
  if (others.length === 0) return { alice, dir, aliceGroup: created, joined: [] as GroupHandle[] };
  const kps = await Promise.all(others.map((s) => createKeyPackage(s)));
  const added = await addMembers(
    created,
    kps.map((k) => k.keyPackageBytes),
    dir.auth,
  );
  const joined = await Promise.all(others.map((s, i) => join(s, added.welcome, kps[i]!, dir.auth)));
  return { alice, dir, aliceGroup: mergeOwnCommit(created, added.pending), joined };
}

async function expectReads(from: GroupHandle, to: GroupHandle, auth: AuthService, text: string) {
  const sent = await encryptApplication(from, utf8(text));
  const got = await processMessage(to, sent.message, auth);
  expect(got.kind === "application" && fromUtf8(got.plaintext)).toBe(text);
  return { from: sent.group, to: got.group };
}

describe("authentication of leaves", () => {
  it("addMembers refuses a key package whose installation the identity log does not hold", async () => {
    const alice = newSigner();
    const mallory = newSigner();
    const dir = new Directory().register(alice); // mallory's key is not in any log
    const g = await createGroup({
      signer: alice,
      metadata: { conversationType: "group", creatorInboxId: alice.inboxId },
    });
    const kp = await createKeyPackage(mallory);
    await expect(addMembers(g, [kp.keyPackageBytes], dir.auth)).rejects.toMatchObject({
      code: "unauthorized_member",
      message: expect.stringContaining(mallory.inboxId),
    });
  });

  it("a welcome whose tree holds a leaf the joiner's AuthService refuses is rejected", async () => {
    const alice = newSigner();
    const bob = newSigner();
    const carol = newSigner();
    const aliceDir = new Directory().register(alice, bob, carol);
    const bobDir = new Directory().register(alice, bob); // bob's view of the logs lacks carol's key
    const g = await createGroup({
      signer: alice,
      metadata: { conversationType: "group", creatorInboxId: alice.inboxId },
    });
    const bobKp = await createKeyPackage(bob);
    const carolKp = await createKeyPackage(carol);
    const added = await addMembers(
      g,
      [bobKp.keyPackageBytes, carolKp.keyPackageBytes],
      aliceDir.auth,
    );
    await expect(join(bob, added.welcome, bobKp, bobDir.auth)).rejects.toMatchObject({
      code: "unauthorized_member",
      message: expect.stringContaining(carol.inboxId),
    });
    // The same welcome is fine for carol, whose view holds everyone.
    const carolGroup = await join(carol, added.welcome, carolKp, aliceDir.auth);
    expect(groupMembers(carolGroup)).toHaveLength(3);
  });

  it("a commit adding a leaf the receiver's AuthService refuses is rejected and leaves the state as it was", async () => {
    const bob = newSigner();
    const { dir, aliceGroup, joined } = await groupOf(bob);
    const bobGroup = joined[0]!;
    const carol = newSigner();
    const aliceView = new Directory().register(newSigner(), carol);
    const kp = await createKeyPackage(carol);
    const added = await addMembers(aliceGroup, [kp.keyPackageBytes], aliceView.auth);
    await expect(processMessage(bobGroup, added.commit, dir.auth)).rejects.toMatchObject({
      code: "unauthorized_member",
    });
    // Nothing was consumed: once bob's view learns carol's key, the same commit applies.
    dir.register(carol);
    const ok = await processMessage(bobGroup, added.commit, dir.auth);
    expect(ok).toMatchObject({ kind: "commit", added: [{ inboxId: carol.inboxId }], removed: [] });
  });

  it("an AuthService that throws gives a retryable error, not a refusal", async () => {
    const bob = newSigner();
    const { aliceGroup, dir } = await groupOf();
    const kp = await createKeyPackage(bob);
    dir.register(bob);
    const flaky: AuthService = () => Promise.reject(new Error("node unreachable"));
    await expect(addMembers(aliceGroup, [kp.keyPackageBytes], flaky)).rejects.toMatchObject({
      code: "auth_unavailable",
      retryable: true,
    });
  });
});

describe("group policy from the immutable metadata", () => {
  it("a commit that adds a third inbox to a DM is rejected by the other member", async () => {
    const alice = newSigner();
    const bob = newSigner();
    const carol = newSigner();
    const dir = new Directory().register(alice, bob, carol);
    const g = await createGroup({
      signer: alice,
      metadata: {
        conversationType: "dm",
        creatorInboxId: alice.inboxId,
        dmMembers: [alice.inboxId, bob.inboxId],
      },
    });
    const bobKp = await createKeyPackage(bob);
    const added = await addMembers(g, [bobKp.keyPackageBytes], dir.auth);
    const aliceGroup = mergeOwnCommit(g, added.pending);
    const bobGroup = await join(bob, added.welcome, bobKp, dir.auth);

    // A misbehaving client bypasses addMembers' own check.
    const carolKp = decodeKeyPackageBytes((await createKeyPackage(carol)).keyPackageBytes);
    const forged = await createCommit(
      {
        state: withAuth(aliceGroup.state, { validateCredential: () => Promise.resolve(true) }),
        cipherSuite: await cipherSuite(),
      },
      {
        extraProposals: [{ proposalType: "add", add: { keyPackage: carolKp } }],
        ratchetTreeExtension: true,
      },
    );
    await expect(
      processMessage(bobGroup, encodeMlsMessage(forged.commit), dir.auth),
    ).rejects.toMatchObject({
      code: "invalid_commit",
      message: expect.stringContaining("may not join this dm"),
    });
  });

  it("a standalone proposal is ignored, so it cannot block anyone's sending", async () => {
    const bob = newSigner();
    const carol = newSigner();
    const { dir, aliceGroup, joined } = await groupOf(bob, carol);
    const proposal = await createProposal(
      joined[0]!.state,
      false,
      { proposalType: "remove", remove: { removed: 2 } },
      await cipherSuite(),
    );
    const got = await processMessage(aliceGroup, encodeMlsMessage(proposal.message), dir.auth);
    expect(got).toMatchObject({ kind: "ignored", reason: expect.stringContaining("proposal") });
    await expectReads(got.group, joined[1]!, dir.auth, "still sending");
  });

  it("public messages are refused: every group message must be a PrivateMessage", async () => {
    const bob = newSigner();
    const { dir, aliceGroup, joined } = await groupOf(bob);
    const proposal = await createProposal(
      joined[0]!.state,
      true,
      { proposalType: "remove", remove: { removed: 0 } },
      await cipherSuite(),
    );
    expect(readMessageHeader(encodeMlsMessage(proposal.message))).toEqual({
      groupId: aliceGroup.groupId,
      epoch: 1n,
      wireFormat: "public",
      contentType: "proposal",
    });
    await expect(
      processMessage(aliceGroup, encodeMlsMessage(proposal.message), dir.auth),
    ).rejects.toMatchObject({
      code: "malformed_message",
      message: expect.stringContaining("PrivateMessage"),
    });
  });

  it("sync groups hold only the creator's inbox; group metadata reads back", async () => {
    const alice = newSigner();
    const alice2 = newSigner(alice.inboxId);
    const bob = newSigner();
    const dir = new Directory().register(alice, alice2, bob);
    const g = await createGroup({
      signer: alice,
      metadata: { conversationType: "sync", creatorInboxId: alice.inboxId },
    });
    expect(groupMetadata(g)).toEqual({ conversationType: "sync", creatorInboxId: alice.inboxId });
    const bobKp = await createKeyPackage(bob);
    await expect(addMembers(g, [bobKp.keyPackageBytes], dir.auth)).rejects.toMatchObject({
      code: "invalid_argument",
    });
    const a2Kp = await createKeyPackage(alice2);
    const added = await addMembers(g, [a2Kp.keyPackageBytes], dir.auth);
    const a2 = await join(alice2, added.welcome, a2Kp, dir.auth);
    expect(groupMembers(a2).map((m) => m.inboxId)).toEqual([alice.inboxId, alice.inboxId]);
  });

  it("createGroup refuses inconsistent metadata", async () => {
    const alice = newSigner();
    await expect(
      createGroup({
        signer: alice,
        metadata: { conversationType: "dm", creatorInboxId: alice.inboxId },
      }),
    ).rejects.toMatchObject({
      code: "invalid_argument",
      message: expect.stringContaining("dm_members"),
    });
    await expect(
      createGroup({
        signer: alice,
        metadata: { conversationType: "group", creatorInboxId: newSigner().inboxId },
      }),
    ).rejects.toMatchObject({ code: "invalid_argument" });
  });
});

describe("membership changes", () => {
  it("threeMembersRemoveOne: the removed member learns it, cannot send, and cannot read the next epoch", async () => {
    const bob = newSigner();
    const carol = newSigner();
    const { dir, aliceGroup, joined } = await groupOf(bob, carol);
    const [bobGroup, carolGroup] = joined as [GroupHandle, GroupHandle];
    const removed = await removeMembers(aliceGroup, [carol.publicKey], dir.auth);
    const alice2 = mergeOwnCommit(aliceGroup, removed.pending);

    const atBob = await processMessage(bobGroup, removed.commit, dir.auth);
    expect(atBob).toMatchObject({
      kind: "commit",
      added: [],
      removed: [{ inboxId: carol.inboxId }],
      selfRemoved: false,
    });
    const atCarol = await processMessage(carolGroup, removed.commit, dir.auth);
    expect(atCarol).toMatchObject({ kind: "commit", selfRemoved: true });
    expect(isActive(atCarol.group)).toBe(false);
    await expect(encryptApplication(atCarol.group, utf8("still here?"))).rejects.toMatchObject({
      code: "not_a_member",
    });

    const next = await encryptApplication(alice2, utf8("without carol"));
    const bobRead = await processMessage(atBob.group, next.message, dir.auth);
    expect(bobRead.kind === "application" && fromUtf8(bobRead.plaintext)).toBe("without carol");
    await expect(processMessage(atCarol.group, next.message, dir.auth)).rejects.toMatchObject({
      code: "wrong_epoch",
    });
  });

  it("threeMembersConcurrentCommit: the loser applies the winner's commit on its old state and rebuilds", async () => {
    const bob = newSigner();
    const carol = newSigner();
    const dave = newSigner();
    const { dir, aliceGroup, joined } = await groupOf(bob, carol);
    const [bobGroup, carolGroup] = joined as [GroupHandle, GroupHandle];
    dir.register(dave);
    const daveKp = await createKeyPackage(dave);

    // Both commit at epoch 1; the node orders bob's first.
    const alicePending = await addMembers(aliceGroup, [daveKp.keyPackageBytes], dir.auth);
    const bobRemoves = await removeMembers(bobGroup, [carol.publicKey], dir.auth);
    const bobNow = mergeOwnCommit(bobGroup, bobRemoves.pending);

    const atAlice = await processMessage(aliceGroup, bobRemoves.commit, dir.auth, {
      pending: alicePending.pending,
    });
    expect(atAlice).toMatchObject({
      kind: "commit",
      own: false,
      pendingDiscarded: true,
      removed: [{ inboxId: carol.inboxId }],
    });
    // Alice's losing commit arrives next: it is for a past epoch now.
    expect(
      await processMessage(atAlice.group, alicePending.commit, dir.auth, {
        pending: alicePending.pending,
      }),
    ).toMatchObject({
      kind: "ignored",
    });
    const { from: a2, to: b2 } = await expectReads(
      atAlice.group,
      bobNow,
      dir.auth,
      "after the race",
    );

    // Rebuild the intent on the new epoch.
    const retry = await addMembers(a2, [daveKp.keyPackageBytes], dir.auth);
    const bobAfter = await processMessage(b2, retry.commit, dir.auth);
    expect(bobAfter).toMatchObject({ kind: "commit", added: [{ inboxId: dave.inboxId }] });
    const daveGroup = await join(dave, retry.welcome, daveKp, dir.auth);
    await expectReads(daveGroup, bobAfter.group, dir.auth, "hello from dave");
    expect(carolGroup.epoch).toBe(1n);
  });

  it("a welcome is refused with another installation's key package", async () => {
    const bob = newSigner();
    const eve = newSigner();
    const { aliceGroup, dir } = await groupOf();
    dir.register(bob, eve);
    const bobKp = await createKeyPackage(bob);
    const eveKp = await createKeyPackage(eve);
    const added = await addMembers(aliceGroup, [bobKp.keyPackageBytes], dir.auth);
    await expect(join(eve, added.welcome, eveKp, dir.auth)).rejects.toMatchObject({
      code: "invalid_welcome",
    });
    await expect(join(bob, added.commit, bobKp, dir.auth)).rejects.toMatchObject({
      code: "invalid_welcome",
    });
  });
});
