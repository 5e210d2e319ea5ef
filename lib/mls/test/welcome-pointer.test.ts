import { describe, expect, it } from "vitest";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { decodeHpkeCiphertext } from "ts-mls/hpkeCiphertext.js";
import { addMembers, createGroup, createKeyPackage, joinWelcome, parseKeyPackage } from "../index";
import {
  acceptsWelcomePointers,
  openPointee,
  openWelcomePointer,
  pointWelcome,
  wrapWelcomePointer,
} from "../welcome-pointer";
import { wrapWelcomeWithMetadata, XWING_PUBLIC_KEY_LENGTH } from "../welcome-wrap";
import { welcomeRecipientOf } from "../welcome-recipient";
import { decodeKeyPackagePrivate, encodeKeyPackagePrivate } from "../keyPackage";
import {
  WelcomePointeeEncryptionAeadType,
  WelcomePointerSchema,
} from "../../proto/mls/message_contents/welcome_pointer_pb";
import { WelcomeMetadataSchema } from "../../proto/mls/api/v1/mls_pb";
import { Directory, newSigner } from "./helpers";

async function invited() {
  const alice = newSigner();
  const bob = newSigner();
  const dir = new Directory().register(alice, bob);
  const group = await createGroup({
    signer: alice,
    metadata: { conversationType: "group", creatorInboxId: alice.inboxId },
  });
  const bobKp = await createKeyPackage(bob);
  const added = await addMembers(group, [bobKp.keyPackageBytes], dir.auth);
  return { group, bob, dir, bobKp, welcome: added.welcome! };
}

describe("our key packages ask for X-Wing welcomes and welcome pointers (as libxmtp's)", () => {
  it("carriesAnXWingKeyAndThePointeeAeadAndKeepsTheSeedPrivate", async () => {
    const bob = newSigner();
    const kp = await createKeyPackage(bob);
    const { keyPackage } = parseKeyPackage(kp.keyPackageBytes);
    const recipient = welcomeRecipientOf(keyPackage);
    expect(recipient.wrapper).toBe("xwing");
    expect(recipient.hpkePublicKey.length).toBe(XWING_PUBLIC_KEY_LENGTH);
    expect(recipient.pointers).toBe(true);
    expect(acceptsWelcomePointers(keyPackage)).toBe(true);
    // Both extensions are also in the leaf's capabilities, as libxmtp lists them.
    expect(keyPackage.leafNode.capabilities.extensions).toEqual(
      expect.arrayContaining([0xff03, 0xff04]),
    );
    const priv = decodeKeyPackagePrivate(kp.privateBytes, bob);
    expect(priv.xwingPrivateKey?.length).toBe(32);
    // A stored V1 private part (made before X-Wing) still reads, without the seed.
    const v1 = encodeKeyPackagePrivate({ ...priv, xwingPrivateKey: undefined });
    expect(v1[0]).toBe(1);
    expect(decodeKeyPackagePrivate(v1, bob).xwingPrivateKey).toBeUndefined();
    expect(() => decodeKeyPackagePrivate(kp.privateBytes.slice(0, -1), bob)).toThrow(
      /does not decode/,
    );
  });

  it("anXWingWrappedWelcomeJoinsAndTheInitKeyCannotOpenIt", async () => {
    const { bob, dir, bobKp, welcome } = await invited();
    const to = welcomeRecipientOf(parseKeyPackage(bobKp.keyPackageBytes).keyPackage);
    const { data, welcomeMetadata } = await wrapWelcomeWithMetadata(
      welcome,
      to.hpkePublicKey,
      { messageCursor: 5n },
      "xwing",
    );
    expect(decodeHpkeCiphertext(data, 0)![0].kemOutput.length).toBe(1120);
    const args = {
      welcome: data,
      welcomeMetadata,
      keyPackagePrivate: bobKp.privateBytes,
      keyPackageBytes: bobKp.keyPackageBytes,
      signer: bob,
      auth: dir.auth,
    };
    const joined = await joinWelcome({ ...args, wrapper: "xwing" });
    expect(joined.welcomeMetadata).toEqual({ messageCursor: 5n });
    await expect(joinWelcome({ ...args, wrapper: "curve25519" })).rejects.toThrow();
  });
});

describe("welcome pointers (libxmtp's WelcomePointer, ChaCha20-Poly1305 pointee)", () => {
  it("aPointerOpensWithTheKeyPackageAndItsPointeeJoins", async () => {
    const { bob, dir, bobKp, welcome } = await invited();
    const pointed = pointWelcome(welcome, { messageCursor: 77n });
    expect(pointed.destination.length).toBe(32);
    // The pointee is the welcome sealed once (16-byte tag); the pointer is small.
    expect(pointed.data.length).toBe(welcome.length + 16);
    expect(pointed.pointer.length).toBeLessThan(120);
    const to = welcomeRecipientOf(parseKeyPackage(bobKp.keyPackageBytes).keyPackage);
    const wrapped = await wrapWelcomePointer(pointed.pointer, to.hpkePublicKey, "xwing");
    const pointer = await openWelcomePointer({
      wrapped,
      wrapper: "xwing",
      keyPackagePrivate: bobKp.privateBytes,
      signer: bob,
    });
    expect(pointer.destination).toEqual(pointed.destination);
    const opened = openPointee(pointer, pointed);
    expect(opened).toEqual({ welcome, metadata: { messageCursor: 77n } });
    const joined = await joinWelcome({
      welcome: opened.welcome,
      openedMetadata: opened.metadata!,
      keyPackagePrivate: bobKp.privateBytes,
      keyPackageBytes: bobKp.keyPackageBytes,
      signer: bob,
      auth: dir.auth,
    });
    expect(joined.welcomeMetadata).toEqual({ messageCursor: 77n });
    // Another installation's key package cannot open the pointer.
    const eve = newSigner();
    const eveKp = await createKeyPackage(eve);
    await expect(
      openWelcomePointer({
        wrapped,
        wrapper: "xwing",
        keyPackagePrivate: eveKp.privateBytes,
        signer: eve,
      }),
    ).rejects.toThrow(/does not open/);
  });

  it("aPointeeTheNodeAlteredIsRefusedAndEmptyMetadataIsStillSealed", async () => {
    const { welcome } = await invited();
    const pointed = pointWelcome(welcome);
    const pointer = fromBinary(WelcomePointerSchema, pointed.pointer).version.value!;
    const altered = pointed.data.slice();
    altered[10]! ^= 1;
    expect(() => openPointee(pointer, { ...pointed, data: altered })).toThrow(/does not open/);
    // libxmtp opens welcome_metadata unconditionally: with no cursor it is an empty
    // WelcomeMetadata sealed (the tag alone), never zero bytes.
    expect(pointed.welcomeMetadata.length).toBe(16);
    expect(openPointee(pointer, pointed)).toEqual({ welcome });
    // Two messages under one key: the nonces differ.
    expect(pointer.dataNonce).not.toEqual(pointer.welcomeMetadataNonce);
    expect(
      toBinary(WelcomeMetadataSchema, create(WelcomeMetadataSchema, { messageCursor: 0n })).length,
    ).toBe(0);
  });

  it("aMalformedPointerIsRefusedNamingTheField", async () => {
    const bob = newSigner();
    const bobKp = await createKeyPackage(bob);
    const to = welcomeRecipientOf(parseKeyPackage(bobKp.keyPackageBytes).keyPackage);
    const good = {
      destination: new Uint8Array(32),
      aeadType: WelcomePointeeEncryptionAeadType.CHACHA20_POLY1305,
      encryptionKey: new Uint8Array(32),
      dataNonce: new Uint8Array(12).fill(1),
      welcomeMetadataNonce: new Uint8Array(12).fill(2),
    };
    const cases: [Partial<typeof good>, RegExp][] = [
      [{ aeadType: WelcomePointeeEncryptionAeadType.UNSPECIFIED }, /aead_type/],
      [{ destination: new Uint8Array(31) }, /destination has 31 bytes/],
      [{ encryptionKey: new Uint8Array(16) }, /encryption_key has 16 bytes/],
      [{ dataNonce: new Uint8Array(8) }, /data_nonce has 8 bytes/],
      [{ welcomeMetadataNonce: new Uint8Array(12).fill(1) }, /repeats data_nonce/],
    ];
    for (const [change, error] of cases) {
      const bytes = toBinary(
        WelcomePointerSchema,
        create(WelcomePointerSchema, {
          version: { case: "welcomeV1Pointer", value: { ...good, ...change } },
        }),
      );
      const wrapped = await wrapWelcomePointer(bytes, to.hpkePublicKey, "xwing");
      await expect(
        openWelcomePointer({
          wrapped,
          wrapper: "xwing",
          keyPackagePrivate: bobKp.privateBytes,
          signer: bob,
        }),
      ).rejects.toThrow(error);
    }
  });
});
