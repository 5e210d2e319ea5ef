import { describe, expect, it } from "vitest";
import {
  aesGcmDecrypt,
  aesGcmEncrypt,
  ed25519phSign,
  ed25519phVerify,
  fromHex,
  generateEd25519KeyPair,
  hkdfSha256,
  randomBytes,
  sha256,
  toHex,
  utf8,
} from "../index";

describe("crypto", () => {
  it("sha256 matches the FIPS 180 'abc' vector", () => {
    expect(toHex(sha256(utf8("abc")))).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
  });

  it("hkdf-sha256 matches RFC 5869 test case 1", () => {
    const okm = hkdfSha256(
      fromHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"),
      fromHex("000102030405060708090a0b0c"),
      fromHex("f0f1f2f3f4f5f6f7f8f9"),
      42,
    );
    expect(toHex(okm)).toBe(
      "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
    );
  });

  it("fromHex names the field on bad input", () => {
    expect(() => fromHex("xyz", "installationId")).toThrow(/installationId/);
  });

  it("AES-GCM round-trips and rejects a flipped bit", async () => {
    const key = randomBytes(32);
    const nonce = randomBytes(12);
    const ct = await aesGcmEncrypt(key, nonce, utf8("hello"));
    expect(new TextDecoder().decode(await aesGcmDecrypt(key, nonce, ct))).toBe("hello");
    ct[0]! ^= 1;
    await expect(aesGcmDecrypt(key, nonce, ct)).rejects.toThrow();
  });

  it("Ed25519ph signatures are bound to their context", () => {
    const kp = generateEd25519KeyPair();
    const msg = utf8("text");
    const sig = ed25519phSign(msg, kp.privateKey, "IDENTITY UPDATE SIGNATURE");
    expect(ed25519phVerify(sig, msg, kp.publicKey, "IDENTITY UPDATE SIGNATURE")).toBe(true);
    expect(ed25519phVerify(sig, msg, kp.publicKey, "OTHER")).toBe(false);
  });
});
