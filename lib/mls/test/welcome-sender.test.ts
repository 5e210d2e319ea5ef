// joinWelcome names who added us from the GroupInfo signature, which ts-mls verifies with
// the leaf it asks the authentication service about first. This pins that order: the
// adder here is NOT the group's creator (leaf 0), so a different order would name Alice.
import { describe, expect, it } from "vitest";
import { toHex } from "../../crypto";
import {
  addMembers,
  createGroup,
  createKeyPackage,
  joinFromWelcome,
  joinWelcome,
  mergeOwnCommit,
} from "../index";
import { Directory, newSigner } from "./helpers";

describe("welcome sender", () => {
  it("joinWelcomeNamesTheCommitterOfTheAddNotTheCreator", async () => {
    const [alice, bob, carol] = [newSigner(), newSigner(), newSigner()];
    const dir = new Directory().register(alice, bob, carol);
    const created = await createGroup({
      signer: alice,
      metadata: { conversationType: "group", creatorInboxId: alice.inboxId },
    });
    const bobKp = await createKeyPackage(bob);
    const added = await addMembers(created, [bobKp.keyPackageBytes], dir.auth);
    const bobGroup = await joinFromWelcome({
      welcome: added.welcome,
      keyPackagePrivate: bobKp.privateBytes,
      keyPackageBytes: bobKp.keyPackageBytes,
      signer: bob,
      auth: dir.auth,
    });
    mergeOwnCommit(created, added.pending);
    const carolKp = await createKeyPackage(carol);
    const byBob = await addMembers(bobGroup, [carolKp.keyPackageBytes], dir.auth);
    const { addedBy } = await joinWelcome({
      welcome: byBob.welcome,
      keyPackagePrivate: carolKp.privateBytes,
      keyPackageBytes: carolKp.keyPackageBytes,
      signer: carol,
      auth: dir.auth,
    });
    expect(addedBy.inboxId).toBe(bob.inboxId);
    expect(toHex(addedBy.installationKey)).toBe(toHex(bob.publicKey));
  });
});
