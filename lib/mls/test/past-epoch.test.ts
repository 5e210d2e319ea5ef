// processMessage on application messages from past epochs (issue 11 item 1), with ts-mls
// only: no node, no storage. The rule is pure: the sender must hold the same leaf now.
import { describe, expect, it } from "vitest";
import { fromUtf8, utf8 } from "../../crypto";
import {
  addMembers,
  createKeyPackage,
  encryptApplication,
  mergeOwnCommit,
  processMessage,
  removeMembers,
  type GroupHandle,
  type InstallationSigner,
} from "../index";
import { Directory, newSigner, ownerAddsAll } from "./helpers";

/** Alice's group with the others, everyone joined. */
async function group(...others: InstallationSigner[]) {
  const alice = newSigner();
  const dir = new Directory().register(alice, ...others);
  const start = await ownerAddsAll(alice, others, dir);
  const joined = await Promise.all(others.map((_, i) => start.join(i)));
  return { dir, alice: start.group, joined };
}

const post = async (g: GroupHandle, text: string) =>
  (await encryptApplication(g, utf8(text))).message;

describe("application messages from past epochs", () => {
  it("removedMembersOldStateIsRefusedAsSenderNotMember", async () => {
    const [bob, carol] = [newSigner(), newSigner()];
    const { dir, alice, joined } = await group(bob, carol);
    const [bobOld, carolG] = [joined[0]!, joined[1]!];
    const removal = await removeMembers(alice, [bob.publicKey], dir.auth);
    const carolNow = await processMessage(carolG, removal.commit, dir.auth);
    await expect(
      processMessage(carolNow.group, await post(bobOld, "ghost"), dir.auth),
    ).rejects.toMatchObject({ code: "sender_not_member" });
  });

  it("aLeafIndexReusedBySomeoneElseDoesNotLendItsName", async () => {
    const [bob, carol, dave] = [newSigner(), newSigner(), newSigner()];
    const { dir, alice, joined } = await group(bob, carol);
    const [bobOld, carolG] = [joined[0]!, joined[1]!];
    const removal = await removeMembers(alice, [bob.publicKey], dir.auth);
    let carolNow = (await processMessage(carolG, removal.commit, dir.auth)).group;
    const aliceNow = mergeOwnCommit(alice, removal.pending);
    dir.register(dave);
    const add = await addMembers(
      aliceNow,
      [(await createKeyPackage(dave)).keyPackageBytes],
      dir.auth,
    );
    carolNow = (await processMessage(carolNow, add.commit, dir.auth)).group;
    // Dave now sits at bob's old leaf index; bob's message two epochs back must not pass as dave's.
    await expect(
      processMessage(carolNow, await post(bobOld, "as dave?"), dir.auth),
    ).rejects.toMatchObject({ code: "sender_not_member" });
  });

  it("aMemberStillInTheTreeIsReadFromUpToThreeEpochsBackNotFour", async () => {
    const bob = newSigner();
    const { dir, alice, joined } = await group(bob);
    const bobOld = joined[0]!;
    let aliceNow = alice;
    const late: Uint8Array[] = [];
    let bobG = bobOld;
    for (let i = 0; i < 4; i++) {
      late.push(await post(bobG, `from epoch ${bobG.epoch}`));
      const upd = await anotherEpoch(aliceNow, dir);
      aliceNow = upd.alice;
      bobG = (await processMessage(bobG, upd.commit, dir.auth)).group;
    }
    // aliceNow is 4 epochs past the first message, 1 past the last.
    const newest = await processMessage(aliceNow, late[3]!, dir.auth);
    expect(newest.kind === "application" && fromUtf8(newest.plaintext)).toMatch(/from epoch/);
    const three = await processMessage(newest.group, late[1]!, dir.auth);
    expect(three.kind).toBe("application");
    await expect(processMessage(three.group, late[0]!, dir.auth)).rejects.toMatchObject({
      code: "epoch_too_old",
    });
  });
});

/** Alice adds a fresh installation: one commit, one epoch. */
async function anotherEpoch(alice: GroupHandle, dir: Directory) {
  const s = newSigner();
  dir.register(s);
  const out = await addMembers(alice, [(await createKeyPackage(s)).keyPackageBytes], dir.auth);
  return { alice: mergeOwnCommit(alice, out.pending), commit: out.commit };
}
