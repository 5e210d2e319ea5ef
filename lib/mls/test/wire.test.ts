import { describe, expect, it } from "vitest";
import { encodeKeyPackage, encodeKeyPackageTBS } from "ts-mls/keyPackage.js";
import { encodeLeafNodeTBS } from "ts-mls/leafNode.js";
import { composeBufferEncoders, encode } from "ts-mls/codec/tlsEncoder.js";
import { varLenDataEncoder } from "ts-mls/codec/variableLength.js";
import { ed25519Sign, utf8 } from "../../crypto";
import {
  CIPHERSUITE_ID,
  MlsError,
  createKeyPackage,
  parseKeyPackage,
  parseKeyPackageAsync,
  readMessageHeader,
} from "../index";
import { decodeKeyPackageBytes } from "../wire";
import { newSigner } from "./helpers";

const signContent = encode(composeBufferEncoders([varLenDataEncoder, varLenDataEncoder]));
const signWithLabel = (key: Uint8Array, label: string, content: Uint8Array) =>
  ed25519Sign(signContent([utf8(`MLS 1.0 ${label}`), content]), key);

function expectMlsError(fn: () => unknown, code: string, text?: RegExp): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(MlsError);
    expect((err as MlsError).code).toBe(code);
    if (text) expect((err as MlsError).message).toMatch(text);
    return;
  }
  throw new Error(`expected MlsError ${code}`);
}

describe("parseKeyPackage", () => {
  it("reads back inbox, installation key, suite and last-resort from an uploaded key package", async () => {
    const signer = newSigner();
    const { keyPackageBytes, privateBytes } = await createKeyPackage(signer);
    expect(privateBytes.length).toBeGreaterThan(60);
    const parsed = parseKeyPackage(keyPackageBytes);
    expect(parsed.inboxId).toBe(signer.inboxId);
    expect(parsed.installationKey).toEqual(signer.publicKey);
    expect(parsed.cipherSuite).toBe(CIPHERSUITE_ID);
    expect(parsed.lastResort).toBe(true);
    const now = BigInt(Math.floor(Date.now() / 1000));
    expect(parsed.notBefore! <= now && parsed.notAfter! > now + 29n * 86400n).toBe(true);
    const viaWebCrypto = await parseKeyPackageAsync(keyPackageBytes);
    expect({ ...viaWebCrypto, keyPackage: null }).toEqual({ ...parsed, keyPackage: null });
    // It is a bare KeyPackage, not an MLSMessage.
    expect(readMessageHeader.bind(null, keyPackageBytes)).toThrow(MlsError);
  });

  it("rejects a key package with a flipped byte anywhere in its signed part", async () => {
    const { keyPackageBytes } = await createKeyPackage(newSigner());
    for (const at of [10, 40, 80, keyPackageBytes.length - 100, keyPackageBytes.length - 1]) {
      const tampered = keyPackageBytes.slice();
      tampered[at]! ^= 0x01;
      expect(() => parseKeyPackage(tampered), `byte ${at}`).toThrow(MlsError);
      await expect(parseKeyPackageAsync(tampered), `byte ${at}`).rejects.toBeInstanceOf(MlsError);
    }
  });

  it("names the failing signature when only the key package signature is wrong", async () => {
    const signer = newSigner();
    const kp = decodeKeyPackageBytes((await createKeyPackage(signer)).keyPackageBytes);
    const other = newSigner();
    const resigned = {
      ...kp,
      signature: signWithLabel(other.privateKey, "KeyPackageTBS", encodeKeyPackageTBS(kp)),
    };
    expectMlsError(
      () => parseKeyPackage(encodeKeyPackage(resigned)),
      "malformed_key_package",
      /key package signature/,
    );
    await expect(parseKeyPackageAsync(encodeKeyPackage(resigned))).rejects.toMatchObject({
      code: "malformed_key_package",
      message: expect.stringContaining("key package signature"),
    });
  });

  it("rejects a validly signed key package whose credential is not an MlsCredential", async () => {
    const signer = newSigner();
    const kp = decodeKeyPackageBytes((await createKeyPackage(signer)).keyPackageBytes);
    for (const identity of [
      utf8("alice"),
      new Uint8Array(0),
      new Uint8Array([0x0a, 0x03, 0x61, 0x62, 0x63]),
    ]) {
      const leafTbs = {
        ...kp.leafNode,
        credential: { credentialType: "basic" as const, identity },
      };
      const leafNode = {
        ...leafTbs,
        signature: signWithLabel(signer.privateKey, "LeafNodeTBS", encodeLeafNodeTBS(leafTbs)),
      };
      const tbs = { ...kp, leafNode };
      const forged = {
        ...tbs,
        signature: signWithLabel(signer.privateKey, "KeyPackageTBS", encodeKeyPackageTBS(tbs)),
      };
      expectMlsError(() => parseKeyPackage(encodeKeyPackage(forged)), "invalid_credential");
    }
  });

  it("rejects garbage, truncation and trailing bytes as malformed", async () => {
    const { keyPackageBytes } = await createKeyPackage(newSigner());
    expectMlsError(() => parseKeyPackage(new Uint8Array(0)), "malformed_key_package");
    expectMlsError(
      () => parseKeyPackage(utf8("definitely not a key package")),
      "malformed_key_package",
    );
    expectMlsError(
      () => parseKeyPackage(keyPackageBytes.subarray(0, keyPackageBytes.length - 3)),
      "malformed_key_package",
    );
    const extra = new Uint8Array(keyPackageBytes.length + 1);
    extra.set(keyPackageBytes);
    expectMlsError(() => parseKeyPackage(extra), "malformed_key_package", /trailing/);
  });
});

describe("a verified key package is verified once", () => {
  it("the same bytes parse again without a second check, but bytes changed since are checked again", async () => {
    const { keyPackageBytes } = await createKeyPackage(newSigner());
    const first = await parseKeyPackageAsync(keyPackageBytes);
    expect(parseKeyPackage(keyPackageBytes)).toBe(first);
    keyPackageBytes[keyPackageBytes.length - 1]! ^= 1; // the key package's signature
    expectMlsError(() => parseKeyPackage(keyPackageBytes), "malformed_key_package");
    await expect(parseKeyPackageAsync(keyPackageBytes)).rejects.toMatchObject({
      code: "malformed_key_package",
    });
  });
});

describe("readMessageHeader on garbage", () => {
  it("throws malformed_message", () => {
    expectMlsError(() => readMessageHeader(new Uint8Array(0)), "malformed_message");
    expectMlsError(() => readMessageHeader(utf8("hello world, not mls")), "malformed_message");
    expectMlsError(
      () => readMessageHeader(new Uint8Array([0, 1, 0, 2, 0xff])),
      "malformed_message",
    );
  });
});
