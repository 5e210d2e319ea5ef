import { describe, expect, it } from "vitest";
import { decodeHpkeCiphertext } from "ts-mls/hpkeCiphertext.js";
import { addMembers, createGroup, createKeyPackage, joinFromWelcome, parseKeyPackage } from "../index";
import { asWrappedWelcome, unwrapWelcome, wrapWelcome } from "../welcome-wrap";
import { decodeKeyPackagePrivate } from "../keyPackage";
import { Directory, newSigner } from "./helpers";

async function bobInvited() {
  const alice = newSigner();
  const bob = newSigner();
  const dir = new Directory().register(alice, bob);
  const group = await createGroup({
    signer: alice,
    metadata: {
      conversationType: "dm",
      creatorInboxId: alice.inboxId,
      dmMembers: [alice.inboxId, bob.inboxId],
    },
  });
  const bobKp = await createKeyPackage(bob);
  const added = await addMembers(group, [bobKp.keyPackageBytes], dir.auth);
  const initKey = parseKeyPackage(bobKp.keyPackageBytes).keyPackage.initKey;
  return { alice, bob, dir, bobKp, welcome: added.welcome!, initKey };
}

describe("welcome wrapping (libxmtp's CURVE25519 welcome wrapper)", () => {
  it("wrappedWelcomeOpensOnlyWithTheInitKeyAndJoins", async () => {
    const { bob, dir, bobKp, welcome, initKey } = await bobInvited();
    const data = await wrapWelcome(welcome, initKey);
    // TLS HPKECiphertext: kem_output (an X25519 key) then the sealed welcome + 16-byte tag.
    const [ct] = decodeHpkeCiphertext(data, 0)!;
    expect(ct.kemOutput.length).toBe(32);
    expect(ct.ciphertext.length).toBe(welcome.length + 16);
    expect(asWrappedWelcome(welcome)).toBeUndefined(); // a bare MLSMessage is told apart

    const priv = decodeKeyPackagePrivate(bobKp.privateBytes, bob);
    expect(await unwrapWelcome(data, priv.initPrivateKey)).toEqual(welcome);
    // The leaf's encryption key is another key: it does not open the wrapper.
    await expect(unwrapWelcome(data, priv.hpkePrivateKey)).rejects.toThrow(
      "wrapped welcome does not open with this key package's init key",
    );
    const tampered = data.slice();
    tampered[tampered.length - 1]! ^= 1;
    await expect(unwrapWelcome(tampered, priv.initPrivateKey)).rejects.toThrow(/does not open/);

    const joinArgs = {
      keyPackagePrivate: bobKp.privateBytes,
      keyPackageBytes: bobKp.keyPackageBytes,
      signer: bob,
      auth: dir.auth,
    };
    const wrappedJoin = await joinFromWelcome({ ...joinArgs, welcome: data });
    const bareJoin = await joinFromWelcome({ ...joinArgs, welcome }); // older clients of ours
    expect(wrappedJoin.groupId).toEqual(bareJoin.groupId);
  });

  it("twoWrapsOfOneWelcomeDifferButBothOpen", async () => {
    const { bob, bobKp, welcome, initKey } = await bobInvited();
    const [a, b] = [await wrapWelcome(welcome, initKey), await wrapWelcome(welcome, initKey)];
    expect(a).not.toEqual(b); // a fresh ephemeral key each time
    const priv = decodeKeyPackagePrivate(bobKp.privateBytes, bob);
    expect(await unwrapWelcome(b, priv.initPrivateKey)).toEqual(welcome);
  });
});
