import { describe, expect, it } from "vitest";
import { fromHex, fromUtf8, utf8 } from "../../crypto";
import {
  addMembers,
  createGroup,
  createKeyPackage,
  decodeGroupState,
  encodeGroupState,
  encodeGroupStateEpoch,
  encodeGroupStateMain,
  encryptApplication,
  epochAuthenticator,
  groupMembers,
  groupMetadata,
  joinFromWelcome,
  mergeOwnCommit,
  processMessage,
  readMessageHeader,
  type GroupHandle,
} from "../index";
import { Directory, newSigner } from "./helpers";

async function dm() {
  const alice = newSigner();
  const bob = newSigner();
  const dir = new Directory().register(alice, bob);
  const t0 = performance.now();
  const aliceGroup = await createGroup({
    signer: alice,
    metadata: {
      conversationType: "dm",
      creatorInboxId: alice.inboxId,
      dmMembers: [alice.inboxId, bob.inboxId],
    },
  });
  const bobKp = await createKeyPackage(bob);
  const t1 = performance.now();
  const added = await addMembers(aliceGroup, [bobKp.keyPackageBytes], dir.auth);
  const t2 = performance.now();
  const bobGroup = await joinFromWelcome({
    welcome: added.welcome,
    keyPackagePrivate: bobKp.privateBytes,
    keyPackageBytes: bobKp.keyPackageBytes,
    signer: bob,
    auth: dir.auth,
  });
  const t3 = performance.now();
  const timings = { createAndKeyPackage: t1 - t0, add: t2 - t1, join: t3 - t2 };
  return {
    alice,
    bob,
    dir,
    aliceGroup,
    added,
    aliceAfter: mergeOwnCommit(aliceGroup, added.pending),
    bobGroup,
    timings,
  };
}

async function send(from: GroupHandle, to: GroupHandle, text: string, auth: Directory["auth"]) {
  const sent = await encryptApplication(from, utf8(text));
  const got = await processMessage(to, sent.message, auth);
  return { from: sent.group, got, wire: sent.message };
}

describe("DM between two inboxes", () => {
  it("Alice creates, adds Bob, Bob joins; messages decrypt both ways with the right sender", async () => {
    const { alice, bob, dir, aliceAfter, bobGroup, added, timings } = await dm();
    console.log(
      "create+keyPackage / add / join (ms):",
      JSON.stringify(
        Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round(v)])),
      ),
    );

    expect(bobGroup.groupId).toEqual(aliceAfter.groupId);
    expect(bobGroup.epoch).toBe(1n);
    expect(aliceAfter.epoch).toBe(1n);
    expect(epochAuthenticator(bobGroup)).toEqual(epochAuthenticator(aliceAfter));
    expect(groupMetadata(bobGroup)).toEqual({
      conversationType: "dm",
      creatorInboxId: alice.inboxId,
      dmMembers: [alice.inboxId, bob.inboxId],
    });
    const members = groupMembers(bobGroup)
      .map((m) => m.inboxId)
      .sort();
    expect(members).toEqual([alice.inboxId, bob.inboxId].sort());

    // The commit itself is a PrivateMessage that shows only group + epoch + type.
    const commitHeader = readMessageHeader(added.commit);
    expect(commitHeader).toEqual({
      groupId: aliceAfter.groupId,
      epoch: 0n,
      wireFormat: "private",
      contentType: "commit",
    });
    expect(readMessageHeader(added.welcome).wireFormat).toBe("welcome");

    const a1 = await send(aliceAfter, bobGroup, "hi bob", dir.auth);
    expect(a1.got.kind).toBe("application");
    if (a1.got.kind !== "application") return;
    expect(fromUtf8(a1.got.plaintext)).toBe("hi bob");
    expect(a1.got.senderInboxId).toBe(alice.inboxId);
    expect(a1.got.senderInstallationKey).toEqual(alice.publicKey);

    const b1 = await send(a1.got.group, a1.from, "hi alice", dir.auth);
    expect(b1.got.kind === "application" && fromUtf8(b1.got.plaintext)).toBe("hi alice");
    expect(b1.got.kind === "application" && b1.got.senderInboxId).toBe(bob.inboxId);

    // Timing of steady-state messages.
    let a = b1.got.group;
    let b = b1.from;
    const n = 50;
    const t0 = performance.now();
    let encMs = 0;
    for (let i = 0; i < n; i++) {
      const e0 = performance.now();
      const sent = await encryptApplication(a, utf8(`message ${i}`));
      encMs += performance.now() - e0;
      a = sent.group;
      const got = await processMessage(b, sent.message, dir.auth);
      if (got.kind !== "application") throw new Error("expected application");
      b = got.group;
    }
    const total = performance.now() - t0;
    console.log(
      `encrypt ${(encMs / n).toFixed(2)} ms, decrypt ${((total - encMs) / n).toFixed(2)} ms per message`,
    );
  });

  it("an application message on the wire is a PrivateMessage: the node learns group id and epoch only", async () => {
    const { alice, aliceAfter } = await dm();
    const secret = "the node must not see this";
    const { message } = await encryptApplication(aliceAfter, utf8(secret));
    expect(readMessageHeader(message)).toEqual({
      groupId: aliceAfter.groupId,
      epoch: 1n,
      wireFormat: "private",
      contentType: "application",
    });
    expect(Buffer.from(message).includes(Buffer.from(secret))).toBe(false);
    // Neither the sender's installation key nor its inbox ID is visible.
    expect(Buffer.from(message).includes(Buffer.from(alice.publicKey))).toBe(false);
    expect(Buffer.from(message).includes(Buffer.from(alice.inboxId))).toBe(false);
    expect(Buffer.from(message).includes(Buffer.from(fromHex(alice.inboxId)))).toBe(false);
    // wire format 2 = mls_private_message, right after version mls10 (1)
    expect([...message.subarray(0, 4)]).toEqual([0, 1, 0, 2]);
  });

  it("state survives encode → decode and still decrypts and encrypts new messages", async () => {
    const { alice, bob, dir, aliceAfter, bobGroup } = await dm();
    const bobRestored = decodeGroupState(encodeGroupState(bobGroup));
    const aliceRestored = decodeGroupState(encodeGroupState(aliceAfter));
    expect(bobRestored.epoch).toBe(1n);
    expect(bobRestored.groupId).toEqual(bobGroup.groupId);

    const a = await send(aliceRestored, bobRestored, "after restore", dir.auth);
    expect(a.got.kind === "application" && fromUtf8(a.got.plaintext)).toBe("after restore");
    if (a.got.kind !== "application") return;
    const b = await send(
      decodeGroupState(encodeGroupState(a.got.group)),
      a.from,
      "reply",
      dir.auth,
    );
    expect(b.got.kind === "application" && b.got.senderInboxId).toBe(bob.inboxId);
    if (b.got.kind !== "application") return;

    // Restored states still run commits: alice adds bob's second installation.
    const bobPhone = newSigner(bob.inboxId);
    dir.register(bobPhone);
    const phoneKp = await createKeyPackage(bobPhone);
    const added = await addMembers(
      decodeGroupState(encodeGroupState(b.got.group)),
      [phoneKp.keyPackageBytes],
      dir.auth,
    );
    const atBob = await processMessage(
      decodeGroupState(encodeGroupState(b.from)),
      added.commit,
      dir.auth,
    );
    expect(atBob).toMatchObject({
      kind: "commit",
      committerInboxId: alice.inboxId,
      added: [{ inboxId: bob.inboxId }],
    });
    expect(atBob.kind === "commit" && atBob.added[0]!.installationKey).toEqual(bobPhone.publicKey);
    const phone = await joinFromWelcome({
      welcome: added.welcome,
      keyPackageBytes: phoneKp.keyPackageBytes,
      keyPackagePrivate: phoneKp.privateBytes,
      signer: bobPhone,
      auth: dir.auth,
    });
    const c = await send(phone, atBob.group, "from bob's phone", dir.auth);
    expect(c.got).toMatchObject({
      kind: "application",
      senderInboxId: bob.inboxId,
      senderInstallationKey: bobPhone.publicKey,
    });
  });

  it("state saved as main part + epoch part: a send changes only the main part; a past-epoch message still decrypts after restore", async () => {
    const { alice, bob, dir, aliceAfter, bobGroup } = await dm();
    const split = (g: GroupHandle) =>
      decodeGroupState(encodeGroupStateMain(g), encodeGroupStateEpoch(g));
    // A send moves only the secret tree: the epoch part (tree, past epochs) is the same bytes.
    const sent = await encryptApplication(aliceAfter, utf8("late"));
    expect(encodeGroupStateEpoch(sent.group)).toEqual(encodeGroupStateEpoch(aliceAfter));
    expect(encodeGroupStateMain(sent.group)).not.toEqual(encodeGroupStateMain(aliceAfter));
    // The main part alone is far smaller than the whole state, and cannot be opened alone.
    expect(encodeGroupStateMain(bobGroup).length).toBeLessThan(encodeGroupState(bobGroup).length);
    expect(() => decodeGroupState(encodeGroupStateMain(bobGroup))).toThrow(/epoch part/);

    // Bob adds his phone (epoch 2) before alice's epoch-1 message reaches him.
    const bobPhone = newSigner(bob.inboxId);
    dir.register(bobPhone);
    const phoneKp = await createKeyPackage(bobPhone);
    const added = await addMembers(split(bobGroup), [phoneKp.keyPackageBytes], dir.auth);
    const bobAt2 = split(mergeOwnCommit(bobGroup, added.pending));
    expect(bobAt2.epoch).toBe(2n);
    const got = await processMessage(bobAt2, sent.message, dir.auth);
    expect(got.kind === "application" && fromUtf8(got.plaintext)).toBe("late");
    expect(got.kind === "application" && got.senderInboxId).toBe(alice.inboxId);
    // Receiving it moved that past epoch's ratchet: the epoch part changes.
    if (got.kind === "application")
      expect(encodeGroupStateEpoch(got.group)).not.toEqual(encodeGroupStateEpoch(bobAt2));
  });

  it("ignores our own message and own commit when echoed back; the pending commit's echo merges it", async () => {
    const { alice, bob, dir, aliceGroup, aliceAfter, added } = await dm();
    const sent = await encryptApplication(aliceAfter, utf8("mine"));
    expect(await processMessage(sent.group, sent.message, dir.auth)).toMatchObject({
      kind: "ignored",
    });
    expect(await processMessage(aliceAfter, added.commit, dir.auth)).toMatchObject({
      kind: "ignored",
    });

    const merged = await processMessage(aliceGroup, added.commit, dir.auth, {
      pending: added.pending,
    });
    expect(merged).toMatchObject({
      kind: "commit",
      own: true,
      committerInboxId: alice.inboxId,
      pendingDiscarded: false,
    });
    if (merged.kind !== "commit") return;
    expect(merged.added.map((m) => m.inboxId)).toEqual([bob.inboxId]);
    expect(merged.group.epoch).toBe(1n);
    expect(epochAuthenticator(merged.group)).toEqual(epochAuthenticator(aliceAfter));
    // Once merged, the same bytes are just an echo.
    expect(
      await processMessage(merged.group, added.commit, dir.auth, { pending: added.pending }),
    ).toMatchObject({
      kind: "ignored",
    });
    expect(() => mergeOwnCommit(merged.group, added.pending)).toThrow(/epoch/);
  });

  it("rejects garbage, a message for another group, and a DM add of a third inbox", async () => {
    const { dir, aliceAfter, bobGroup } = await dm();
    await expect(processMessage(bobGroup, utf8("garbage"), dir.auth)).rejects.toMatchObject({
      code: "malformed_message",
    });
    const other = await dm();
    const foreign = await encryptApplication(other.aliceAfter, utf8("x"));
    await expect(processMessage(bobGroup, foreign.message, dir.auth)).rejects.toMatchObject({
      code: "wrong_group",
    });
    const carol = newSigner();
    dir.register(carol);
    const carolKp = await createKeyPackage(carol);
    await expect(addMembers(aliceAfter, [carolKp.keyPackageBytes], dir.auth)).rejects.toMatchObject(
      {
        code: "invalid_argument",
      },
    );
  });
});
