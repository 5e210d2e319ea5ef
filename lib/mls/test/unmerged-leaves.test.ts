// A welcome whose tree holds members added in different subtrees since the last path
// update must open (RFC 9420 7.9: a node lists an unmerged leaf, the nodes between them
// list it too; nodes above may list more). ts-mls 1.6.4 required every node on the leaf's
// whole direct path to hold the SAME list, so such a welcome was refused: "non-blank
// intermediate node must list leaf node in its unmerged_leaves" (patches/ts-mls+1.6.4.patch).
// Found by the fork torture run: members removed and added back never rejoined.
import { describe, expect, it } from "vitest";
import {
  addMembers,
  createKeyPackage,
  joinFromWelcome,
  mergeOwnCommit,
  processMessage,
  removeMembers,
  type GroupHandle,
  type InstallationSigner,
} from "../index";
import { Directory, newSigner, ownerAddsAll } from "./helpers";

describe("unmerged leaves in a welcome's tree", () => {
  it("aMemberAddedIntoASecondSubtreeOpensItsWelcome", async () => {
    const alice = newSigner();
    const others = Array.from({ length: 7 }, () => newSigner()); // leaves 1..7
    const dir = new Directory().register(alice, ...others);
    const join = async (g: GroupHandle, s: InstallationSigner) => {
      const kp = await createKeyPackage(s);
      const added = await addMembers(g, [kp.keyPackageBytes], dir.auth);
      const joined = await joinFromWelcome({
        welcome: added.welcome,
        keyPackagePrivate: kp.privateBytes,
        keyPackageBytes: kp.keyPackageBytes,
        signer: s,
        auth: dir.auth,
      });
      return { group: mergeOwnCommit(g, added.pending), joined, commit: added.commit };
    };
    const start = await ownerAddsAll(alice, others, dir);
    let a = start.group;
    let g6 = await start.join(5);
    // Leaf 6 removes leaf 5 (its path sets the right subtree's nodes), alice removes leaf 2.
    const r5 = await removeMembers(g6, [others[4]!.publicKey], dir.auth);
    g6 = mergeOwnCommit(g6, r5.pending);
    a = (await processMessage(a, r5.commit, dir.auth)).group;
    const r2 = await removeMembers(a, [others[1]!.publicKey], dir.auth);
    a = mergeOwnCommit(a, r2.pending);
    // Two newcomers fill leaves 2 and 5: one unmerged leaf in each subtree.
    const x = newSigner();
    const y = newSigner();
    dir.register(x, y);
    const first = await join(a, x);
    const second = await join(first.group, y);
    expect(second.joined.epoch).toBe(second.group.epoch);
  });
});
