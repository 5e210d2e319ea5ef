// The in-memory group state (state.ts) against two tabs on one database: a tab never seals a
// message with a ratchet state another tab has moved on from (that would reuse a message key,
// and the member receiving both could not read the second).
import { describe, expect, it } from "vitest";
import { IDBKeyRange, indexedDB } from "fake-indexeddb";
import { fromUtf8, utf8 } from "../../crypto";
import {
  addMembers,
  createGroup,
  createKeyPackage,
  encryptApplication,
  joinFromWelcome,
  mergeOwnCommit,
  processMessage,
  type GroupHandle,
} from "../../mls";
import { Directory, newSigner } from "../../mls/test/helpers";
import { MessengerDb } from "../../storage";
import type { ClientContext } from "../context";
import { loadGroup, saveGroup } from "./state";

/** A tab: its own database handle (and so its own in-memory states) on the shared database. */
const tab = (name: string) =>
  ({ db: new MessengerDb(name, { indexedDB, IDBKeyRange }) }) as unknown as ClientContext;

async function twoMembers() {
  const alice = newSigner();
  const bob = newSigner();
  const dir = new Directory().register(alice, bob);
  const group = await createGroup({
    signer: alice,
    metadata: { conversationType: "group", creatorInboxId: alice.inboxId },
  });
  const kp = await createKeyPackage(bob);
  const added = await addMembers(group, [kp.keyPackageBytes], dir.auth);
  const bobGroup = await joinFromWelcome({
    welcome: added.welcome,
    keyPackagePrivate: kp.privateBytes,
    keyPackageBytes: kp.keyPackageBytes,
    signer: bob,
    auth: dir.auth,
  });
  return { dir, alice: mergeOwnCommit(group, added.pending), bob: bobGroup };
}

describe("group state kept in memory per tab", () => {
  it("a tab sees another tab's send: no message key is used twice, the member reads both", async () => {
    const { dir, alice, bob } = await twoMembers();
    const name = `state-${crypto.randomUUID()}`;
    const [t1, t2] = [tab(name), tab(name)];
    const id = Buffer.from(alice.groupId).toString("hex");
    await saveGroup(t1, alice);
    expect(await loadGroup(t1, id)).toBe(alice); // kept decoded: no second decode

    // Tab 2 sends; tab 1 still holds the state from before.
    const inTab2 = (await loadGroup(t2, id))!;
    const first = await encryptApplication(inTab2, utf8("from tab 2"));
    await saveGroup(t2, first.group);

    const inTab1 = (await loadGroup(t1, id))!;
    expect(inTab1).not.toBe(alice);
    const second = await encryptApplication(inTab1, utf8("from tab 1"));
    await saveGroup(t1, second.group);

    let bobNow: GroupHandle = bob;
    for (const [wire, text] of [
      [first.message, "from tab 2"],
      [second.message, "from tab 1"],
    ] as const) {
      const got = await processMessage(bobNow, wire, dir.auth);
      expect(got.kind === "application" && fromUtf8(got.plaintext)).toBe(text);
      if (got.kind === "application") bobNow = got.group;
    }
  });

  it("a commit saved by another tab replaces the tree a tab kept; its next save still pairs with it", async () => {
    const { dir, alice } = await twoMembers();
    const name = `state-${crypto.randomUUID()}`;
    const [t1, t2] = [tab(name), tab(name)];
    const id = Buffer.from(alice.groupId).toString("hex");
    await saveGroup(t1, alice);
    // Tab 2 commits (epoch 2): a new tree and past epochs.
    const carol = newSigner();
    dir.register(carol);
    const kp = await createKeyPackage(carol);
    const added = await addMembers((await loadGroup(t2, id))!, [kp.keyPackageBytes], dir.auth);
    await saveGroup(t2, mergeOwnCommit(alice, added.pending));
    const seen = (await loadGroup(t1, id))!;
    expect(seen.epoch).toBe(2n);
    // A save built on what tab 1 kept (epoch 1) would pair its main part with tab 2's tree:
    // the storage refuses that pairing and the whole state is written instead.
    const stale = await encryptApplication(alice, utf8("stale"));
    await saveGroup(t1, stale.group);
    const reread = (await loadGroup(tab(name), id))!;
    expect(reread.epoch).toBe(1n);
    expect(reread.state.ratchetTree.length).toBe(alice.state.ratchetTree.length);
  });
});
