// The patched noble provider computes HKDF with @noble/hashes and remembers HPKE's hash of
// the last long `info` (an UpdatePath seals one GroupContext up to N-1 times). The RFC
// vectors check the values; this checks the memo never answers for a different info, and that
// the provider's own HPKE Seal (fastSeal.js, for UpdatePaths' N-1 seals) is byte for byte
// @hpke/core's.
import { Chacha20Poly1305 } from "@hpke/chacha20poly1305";
import { Aes128Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from "@hpke/core";
import { makeFastSeal } from "ts-mls/crypto/implementation/noble/fastSeal.js";
import { makeAead } from "ts-mls/crypto/implementation/noble/makeAead.js";
import { describe, expect, it } from "vitest";
import { randomBytes } from "../../crypto";
import { cipherSuite } from "../suite";

describe("noble provider", () => {
  it("hpkeInfoMemoNeverServesAnotherInfo: long infos differing in one byte seal apart", async () => {
    const { hpke } = await cipherSuite();
    const { privateKey, publicKey } = await hpke.generateKeyPair();
    const a = randomBytes(40_000);
    const b = a.slice();
    b[b.length - 1]! ^= 1;
    const pt = randomBytes(32);
    for (const [sealInfo, openInfo, ok] of [
      [a, a, true],
      [b, a, false],
      [b, b, true],
      [a, b, false],
      [a, a, true],
    ] as const) {
      const { ct, enc } = await hpke.seal(publicKey, pt, sealInfo);
      const opened = hpke.open(privateKey, enc, ct, openInfo);
      if (ok) expect(await opened).toEqual(pt);
      else await expect(opened).rejects.toThrow();
    }
  });
});

describe("fast HPKE Seal (DHKEM X25519, HKDF-SHA256)", () => {
  // The patched provider seals without @hpke/core's context objects; its bytes must be
  // exactly @hpke/core's for the same ephemeral key, for each AEAD of suites 1 and 3.
  const cases = [
    ["AES128GCM", () => new Aes128Gcm()],
    ["CHACHA20POLY1305", () => new Chacha20Poly1305()],
  ] as const;
  for (const [name, aeadOf] of cases) {
    it(`fastSealMatchesHpkeCore: ${name}, short and long infos, with and without aad`, async () => {
      const reference = new CipherSuite({
        kem: new DhkemX25519HkdfSha256(),
        kdf: new HkdfSha256(),
        aead: aeadOf(),
      });
      const [aead] = await makeAead(name);
      const seal = makeFastSeal(
        { kem: "DHKEM-X25519-HKDF-SHA256", kdf: "HKDF-SHA256", aead: name },
        aead,
      )!;
      const recipient = await reference.kem.generateKeyPair();
      for (const [info, aad] of [
        [randomBytes(20), undefined],
        [randomBytes(40_000), randomBytes(16)],
        [randomBytes(40_000), undefined], // the info memo must not answer for a new info
      ] as const) {
        const ekm = await reference.kem.generateKeyPair();
        const pt = randomBytes(32);
        const ours = await seal(recipient.publicKey, pt, info, aad, ekm);
        const theirs = await reference.seal(
          { recipientPublicKey: recipient.publicKey, info: info.slice().buffer, ekm },
          pt.slice().buffer,
          aad?.slice().buffer,
        );
        expect(ours.enc).toEqual(new Uint8Array(theirs.enc));
        expect(ours.ct).toEqual(new Uint8Array(theirs.ct));
        const opened = await reference.open(
          { recipientKey: recipient, enc: ours.enc.slice().buffer, info: info.slice().buffer },
          ours.ct.slice().buffer,
          aad?.slice().buffer,
        );
        expect(new Uint8Array(opened)).toEqual(pt);
      }
    });
  }

  it("fastSealRefusesLowOrderKeys: an all-zero shared secret is an error", async () => {
    const [aead] = await makeAead("CHACHA20POLY1305");
    const seal = makeFastSeal(
      { kem: "DHKEM-X25519-HKDF-SHA256", kdf: "HKDF-SHA256", aead: "CHACHA20POLY1305" },
      aead,
    )!;
    // u = 0 is a point of small order: every scalar maps it to the all-zero secret.
    const lowOrder = await crypto.subtle.importKey(
      "raw",
      new Uint8Array(32),
      { name: "X25519" },
      true,
      [],
    );
    await expect(seal(lowOrder, randomBytes(32), randomBytes(10))).rejects.toThrow();
  });
});

describe("remembered public key imports", () => {
  // The provider remembers imported public keys by their bytes and gives the fast Seal the
  // bytes back instead of exporting them: a key must never answer for other bytes, and each
  // seal must still use a fresh ephemeral key.
  it("importedKeysSealToTheirOwnRecipient: keys one byte apart, imported twice, open only with their own private key", async () => {
    const { hpke } = await cipherSuite();
    const reference = new CipherSuite({
      kem: new DhkemX25519HkdfSha256(),
      kdf: new HkdfSha256(),
      aead: new Chacha20Poly1305(),
    });
    const recipients = await Promise.all([0, 1, 2].map(() => reference.kem.generateKeyPair()));
    const raws = await Promise.all(
      recipients.map(
        async (r) => new Uint8Array(await reference.kem.serializePublicKey(r.publicKey)),
      ),
    );
    // A key one bit away from recipient 0's (another valid X25519 public key, nobody's).
    const near = raws[0]!.slice();
    near[0]! ^= 1;
    const info = randomBytes(64);
    const pt = randomBytes(32);
    for (let round = 0; round < 2; round++) {
      const encs = new Set<string>();
      for (const [i, raw] of raws.entries()) {
        const { ct, enc } = await hpke.seal(await hpke.importPublicKey(raw), pt, info);
        encs.add(Buffer.from(enc).toString("hex"));
        for (const [j, r] of recipients.entries()) {
          const opened = reference.open(
            { recipientKey: r, enc: enc.slice().buffer, info: info.slice().buffer },
            ct.slice().buffer,
          );
          if (i === j) expect(new Uint8Array(await opened)).toEqual(pt);
          else await expect(opened).rejects.toThrow();
        }
      }
      const { ct, enc } = await hpke.seal(await hpke.importPublicKey(near), pt, info);
      encs.add(Buffer.from(enc).toString("hex"));
      await expect(
        reference.open(
          { recipientKey: recipients[0]!, enc: enc.slice().buffer, info: info.slice().buffer },
          ct.slice().buffer,
        ),
      ).rejects.toThrow();
      expect(encs.size).toBe(raws.length + 1); // a fresh ephemeral key per seal
    }
  });
});
