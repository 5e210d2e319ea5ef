import { describe, expect, it } from "vitest";
import { decodeHpkeCiphertext, encodeHpkeCiphertext } from "ts-mls/hpkeCiphertext.js";
import {
  addMembers,
  createGroup,
  createKeyPackage,
  joinFromWelcome,
  parseKeyPackage,
} from "../index";
import { decryptWithLabel, encryptWithLabel } from "ts-mls/crypto/hpke.js";
import { fromBinary } from "@bufbuild/protobuf";
import { WelcomeMetadataSchema } from "../../proto/mls/api/v1/mls_pb";
import {
  asWrappedWelcome,
  unwrapWelcome,
  unwrapWelcomeWithMetadata,
  wrapWelcome,
  wrapWelcomeWithMetadata,
} from "../welcome-wrap";
import { cipherSuite } from "../suite";
import { welcomeRecipientOf } from "../welcome-recipient";
import { create, toBinary } from "@bufbuild/protobuf";
import { XWing } from "@hpke/hybridkem-x-wing";
import {
  WelcomeWrapperAlgorithm,
  WelcomeWrapperEncryptionSchema,
} from "../../proto/mls/message_contents/wrapper_encryption_pb";
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

  it("welcomeMetadataIsTheSameContextsSecondMessageAndOpensBesideTheWelcome", async () => {
    const { bob, bobKp, welcome, initKey } = await bobInvited();
    const priv = decodeKeyPackagePrivate(bobKp.privateBytes, bob);
    const { data, welcomeMetadata } = await wrapWelcomeWithMetadata(welcome, initKey, {
      messageCursor: 4242n,
    });
    // WelcomeMetadata{message_cursor = 4242} is 3 protobuf bytes, sealed with a 16-byte tag.
    expect(welcomeMetadata.length).toBe(3 + 16);
    expect(await unwrapWelcomeWithMetadata(data, welcomeMetadata, priv.initPrivateKey)).toEqual({
      welcome,
      metadata: { messageCursor: 4242n },
    });

    // The welcome alone (a reader that ignores field 7) opens as before.
    expect(await unwrapWelcome(data, priv.initPrivateKey)).toEqual(welcome);
    // The first message is exactly RFC 9420 EncryptWithLabel("MLS_WELCOME"): ts-mls opens it.
    const { hpke } = await cipherSuite();
    const [ct] = decodeHpkeCiphertext(data, 0)!;
    const opened = await decryptWithLabel(
      await hpke.importPrivateKey(priv.initPrivateKey),
      "MLS_WELCOME",
      new Uint8Array(0),
      ct.kemOutput,
      ct.ciphertext,
      hpke,
    );
    expect(new Uint8Array(opened)).toEqual(welcome);

    // Metadata that does not open (tampered, or sealed in another context) is left out;
    // the welcome still opens: it only tells where to start reading.
    const tampered = welcomeMetadata.slice();
    tampered[0]! ^= 1;
    const other = await wrapWelcomeWithMetadata(welcome, initKey, { messageCursor: 7n });
    for (const bad of [tampered, other.welcomeMetadata]) {
      expect(await unwrapWelcomeWithMetadata(data, bad, priv.initPrivateKey)).toEqual({ welcome });
    }
    expect(fromBinary(WelcomeMetadataSchema, new Uint8Array(0)).messageCursor).toBe(0n);
  });

  it("aWelcomeSealedByTsMlsEncryptWithLabelOpensHere", async () => {
    const { bob, bobKp, welcome, initKey } = await bobInvited();
    const { hpke } = await cipherSuite();
    const sealed = await encryptWithLabel(
      await hpke.importPublicKey(initKey),
      "MLS_WELCOME",
      new Uint8Array(0),
      welcome,
      hpke,
    );
    const data = encodeHpkeCiphertext({ kemOutput: sealed.enc, ciphertext: sealed.ct });
    const priv = decodeKeyPackagePrivate(bobKp.privateBytes, bob);
    expect(await unwrapWelcome(data, priv.initPrivateKey)).toEqual(welcome);
  });

  it("aKeyPackageAskingForXWingGetsAnXWingWrappedWelcome", async () => {
    const { bobKp, welcome, initKey } = await bobInvited();
    // An X-Wing key pair as libxmtp keeps one beside its key package (32-byte seed).
    const xwing = new XWing();
    const pair = await xwing.generateKeyPair();
    const pub = new Uint8Array(await xwing.serializePublicKey(pair.publicKey));
    const seed = new Uint8Array(await xwing.serializePrivateKey(pair.privateKey));
    const parsed = parseKeyPackage(bobKp.keyPackageBytes).keyPackage;
    // A key package that asks for nothing (ours before 0xff03/0xff04, or another client's).
    const keyPackage = {
      ...parsed,
      extensions: parsed.extensions.filter(
        (e) => e.extensionType !== 0xff03 && e.extensionType !== 0xff04,
      ),
    };
    const ask = (algorithm: WelcomeWrapperAlgorithm, pubKey: Uint8Array) => ({
      ...keyPackage,
      extensions: [
        ...keyPackage.extensions,
        {
          extensionType: 0xff03,
          extensionData: toBinary(
            WelcomeWrapperEncryptionSchema,
            create(WelcomeWrapperEncryptionSchema, { pubKey, algorithm }),
          ),
        },
      ],
    });
    expect(welcomeRecipientOf(ask(WelcomeWrapperAlgorithm.XWING_MLKEM_768_DRAFT_6, pub))).toEqual({
      hpkePublicKey: pub,
      wrapper: "xwing",
    });
    // No extension, another algorithm, or a key of the wrong size: CURVE25519 to the init key.
    for (const kp of [
      keyPackage,
      ask(WelcomeWrapperAlgorithm.CURVE25519, pub),
      ask(WelcomeWrapperAlgorithm.XWING_MLKEM_768_DRAFT_6, pub.slice(1)),
    ])
      expect(welcomeRecipientOf(kp)).toEqual({ hpkePublicKey: initKey });

    const { data, welcomeMetadata } = await wrapWelcomeWithMetadata(
      welcome,
      pub,
      { messageCursor: 9n },
      "xwing",
    );
    // kem_output is X-Wing's 1120-byte ciphertext (ML-KEM-768 1088 + X25519 32).
    expect(decodeHpkeCiphertext(data, 0)![0].kemOutput.length).toBe(1120);
    expect(await unwrapWelcomeWithMetadata(data, welcomeMetadata, seed, "xwing")).toEqual({
      welcome,
      metadata: { messageCursor: 9n },
    });
  });
});
