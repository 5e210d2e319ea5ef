// A generation taken ahead of a send (ready-generation.ts): its message reads like any other,
// it is used once, never in another epoch or group, and the stored state reads this device's
// own message back (a tab that died before storing it) until the generation is forgotten.
import { describe, expect, it } from "vitest";
import { fromUtf8, utf8 } from "../../crypto";
import {
  decodeGroupState,
  encodeGroupState,
  encryptApplication,
  encryptWithReady,
  forgetGeneration,
  mergeOwnCommit,
  ownUnusedGenerations,
  processMessage,
  readyFor,
  removeMembers,
  takeGeneration,
  type GroupHandle,
} from "../index";
import { Directory, newSigner, ownerAddsAll } from "./helpers";

async function threeMembers() {
  const [alice, bob, carol] = [newSigner(), newSigner(), newSigner()];
  const dir = new Directory().register(alice, bob, carol);
  const { group, join } = await ownerAddsAll(alice, [bob, carol], dir);
  return { alice, bob, carol, dir, group, bobGroup: await join(0) };
}

const stored = (g: GroupHandle) => decodeGroupState(encodeGroupState(g));

async function readAs(to: GroupHandle, wire: Uint8Array, auth: Directory["auth"]) {
  const got = await processMessage(to, wire, auth);
  if (got.kind !== "application")
    throw new Error(`expected an application message, got ${got.kind}`);
  return got;
}

describe("a ratchet generation taken ahead of a send", () => {
  it("reads at the peer like any other message, before or after the next one", async () => {
    const { alice, dir, group, bobGroup } = await threeMembers();
    const taken = await takeGeneration(group);
    // The state goes on past it: the next ordinary send uses the generation after.
    const later = await encryptApplication(taken.group, utf8("second"));
    const early = await encryptWithReady(taken.group, taken.ready, utf8("first"));
    const b1 = await readAs(bobGroup, later.message, dir.auth);
    expect(fromUtf8(b1.plaintext)).toBe("second");
    const b2 = await readAs(b1.group, early, dir.auth);
    expect(fromUtf8(b2.plaintext)).toBe("first");
    expect(b2.senderInboxId).toBe(alice.inboxId);
    // And in order, from a fresh copy of Bob's state.
    const again = await takeGeneration(later.group);
    const third = await encryptWithReady(later.group, again.ready, utf8("third"));
    expect(fromUtf8((await readAs(b2.group, third, dir.auth)).plaintext)).toBe("third");
  });

  it("is used once: a second message under it is refused", async () => {
    const { group } = await threeMembers();
    const { group: next, ready } = await takeGeneration(group);
    await encryptWithReady(next, ready, utf8("once"));
    expect(readyFor(next, ready)).toBe(false);
    await expect(encryptWithReady(next, ready, utf8("twice"))).rejects.toMatchObject({
      code: "invalid_state",
    });
  });

  it("is refused in another epoch and in another group", async () => {
    const { carol, dir, group, bobGroup } = await threeMembers();
    const { group: next, ready } = await takeGeneration(group);
    const removed = await removeMembers(next, [carol.publicKey], dir.auth);
    const after = mergeOwnCommit(next, removed.pending);
    expect(readyFor(after, ready)).toBe(false);
    await expect(encryptWithReady(after, ready, utf8("late"))).rejects.toMatchObject({
      code: "invalid_state",
    });
    expect(readyFor(bobGroup, ready)).toBe(false); // same group and epoch, another member
    const other = await threeMembers();
    expect(readyFor(other.group, ready)).toBe(false);
    expect(readyFor(next, ready)).toBe(true); // untouched by the refusals
  });

  it("lets the stored state read its own message back until the generation is forgotten", async () => {
    const { alice, dir, group } = await threeMembers();
    const taken = await takeGeneration(group);
    const atRest = stored(taken.group); // what the write before the send stored
    const wire = await encryptWithReady(taken.group, taken.ready, utf8("sent, then the tab died"));
    // A reload reads its own message from the node with the stored state alone.
    const back = await readAs(atRest, wire, dir.auth);
    expect(fromUtf8(back.plaintext)).toBe("sent, then the tab died");
    expect(back.senderInboxId).toBe(alice.inboxId);
    // Stored with its message: the secret is deleted, nothing at rest opens it any more (an
    // own echo is then ignored, as every own echo was before).
    const forgotten = stored(forgetGeneration(taken.group, taken.ready.generation));
    expect(ownUnusedGenerations(forgotten)).toEqual({});
    expect((await processMessage(forgotten, wire, dir.auth)).kind).toBe("ignored");
  });

  it("never hands a stored state the generation to send with again", async () => {
    const { dir, group, bobGroup } = await threeMembers();
    const taken = await takeGeneration(group);
    const first = await encryptWithReady(taken.group, taken.ready, utf8("a"));
    // Another tab loads the stored state and sends: a later generation, never the ready one.
    const other = await encryptApplication(stored(taken.group), utf8("b"));
    const b1 = await readAs(bobGroup, first, dir.auth);
    const b2 = await readAs(b1.group, other.message, dir.auth);
    expect(fromUtf8(b2.plaintext)).toBe("b");
    await expect(processMessage(b2.group, first, dir.auth)).rejects.toThrow(); // a replay
  });

  it("refuses to take a generation for a member no longer active", async () => {
    const { bob, dir, group, bobGroup } = await threeMembers();
    const removed = await removeMembers(group, [bob.publicKey], dir.auth);
    const bobAfter = await processMessage(bobGroup, removed.commit, dir.auth);
    await expect(takeGeneration(bobAfter.group)).rejects.toMatchObject({ code: "not_a_member" });
  });
});
