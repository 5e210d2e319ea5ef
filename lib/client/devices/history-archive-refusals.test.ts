// History archives that must not be opened: tampered, under the wrong key, another inbox's,
// a gzip bomb, or malformed in any field — each refused with its own code (real WebCrypto).
import { afterEach, describe, expect, it, vi } from "vitest";
import { aesGcmEncrypt, randomBytes, sha256, toHex, utf8 } from "../../crypto";
import { historyError, sealBytes, sealJson, sourceDb } from "../test/archives";
import { PEER, SELF, STRANGER } from "../test/local-history";
import { exportArchive, openArchive, sealArchive, type HistoryArchive } from "./history-archive";

afterEach(() => vi.restoreAllMocks());

describe("openArchive refuses", () => {
  it("a tampered payload by its digest, without decrypting it", async () => {
    const sealed = await sealArchive(await exportArchive(await sourceDb(), SELF));
    const payload = sealed.payload.slice();
    payload[10]! ^= 1;
    const decrypt = vi.spyOn(crypto.subtle, "decrypt");
    const err = await historyError(openArchive({ ...sealed, payload }, SELF));
    expect(err.code).toBe("digest_mismatch");
    expect(decrypt).not.toHaveBeenCalled();
  });

  it("the right payload under the wrong key", async () => {
    const sealed = await sealArchive(await exportArchive(await sourceDb(), SELF));
    const decrypt = vi.spyOn(crypto.subtle, "decrypt");
    const err = await historyError(openArchive({ ...sealed, key: randomBytes(32) }, SELF));
    expect(err.code).toBe("decrypt_failed");
    expect(decrypt).toHaveBeenCalledOnce();
  });

  it("another inbox's history", async () => {
    const sealed = await sealArchive(await exportArchive(await sourceDb(), SELF));
    const err = await historyError(openArchive(sealed, STRANGER));
    expect(err.code).toBe("wrong_inbox");
    expect(err.message).toContain(SELF);
  });

  it("a gzip bomb past the inflate cap", async () => {
    const sealed = await sealBytes(new Uint8Array(16 * 1024 * 1024));
    expect(sealed.size).toBeLessThan(100_000);
    const err = await historyError(openArchive(sealed, SELF, { maxInflatedBytes: 1024 * 1024 }));
    expect(err.code).toBe("too_large");
  });

  it("bytes that are not gzip, not UTF-8 or not JSON", async () => {
    const key = randomBytes(32);
    const nonce = randomBytes(12);
    const payload = await aesGcmEncrypt(key, nonce, utf8("plain, not gzip"));
    const notGzip = { payload, key, nonce, digest: toHex(sha256(payload)) };
    expect((await historyError(openArchive(notGzip, SELF))).code).toBe("malformed");
    const notUtf8 = await historyError(
      openArchive(await sealBytes(new Uint8Array([0xff, 0xfe])), SELF),
    );
    expect(notUtf8.code).toBe("malformed");
    const notJson = await historyError(openArchive(await sealBytes(utf8("{nope")), SELF));
    expect(notJson.message).toMatch(/not JSON/);
  });

  it("a malformed archive, naming the field", async () => {
    const good = await exportArchive(await sourceDb(), SELF);
    const m0 = good.messages[0]!;
    const c0 = good.conversations[0]!;
    const cases: [unknown, RegExp][] = [
      [{ ...good, version: 2 }, /archive\.version must be 1, got 2/],
      [{ ...good, inboxId: "XYZ" }, /archive\.inboxId must be lowercase hex/],
      [{ ...good, conversations: "none" }, /archive\.conversations must be a list/],
      [
        { ...good, conversations: [{ ...c0, id: "abc" }, ...good.conversations.slice(1)] },
        /conversations\[0\]\.id/,
      ],
      [{ ...good, conversations: [{ ...c0, kind: "sync" }] }, /conversations\[0\]\.kind/],
      [
        { ...good, conversations: [{ ...c0, createdAtNs: "12" }] },
        /conversations\[0\]\.createdAtNs/,
      ],
      [
        { ...good, messages: [{ ...m0, id: "zz".repeat(32) }] },
        /messages\[0\]\.id must be lowercase hex/,
      ],
      [
        { ...good, messages: [{ ...m0, encodedContent: "***" }] },
        /messages\[0\]\.encodedContent must be padded base64/,
      ],
      [{ ...good, messages: [{ ...m0, status: "pending" }] }, /messages\[0\]\.status/],
      [{ ...good, messages: [{ ...m0, contentType: "text" }] }, /messages\[0\]\.contentType/],
      [
        { ...good, messages: [{ ...m0, conversationId: "99".repeat(16) }] },
        /messages\[0\]\.conversationId .* not among/,
      ],
      [{ ...good, messages: [m0, m0] }, /messages\[1\] repeats/],
      [{ ...good, consent: [{ ...good.consent[0]!, key: `inbox:${PEER}` }] }, /consent\[0\]\.key/],
      [{ ...good, consent: [{ ...good.consent[0]!, state: "blocked" }] }, /consent\[0\]\.state/],
    ];
    for (const [value, message] of cases) {
      const err = await historyError(openArchive(await sealJson(value), SELF));
      expect(err.code, String(message)).toBe("malformed");
      expect(err.message).toMatch(message);
    }
  });

  it("an archive whose digest or key has the wrong shape", async () => {
    const sealed = await sealArchive(await exportArchive(await sourceDb(), SELF));
    expect((await historyError(openArchive({ ...sealed, digest: "abc" }, SELF))).message).toMatch(
      /digest/,
    );
    expect(
      (await historyError(openArchive({ ...sealed, key: new Uint8Array(16) }, SELF))).message,
    ).toMatch(/key/);
  });

  it("opens what it sealed, with base64 content intact", async () => {
    const archive: HistoryArchive = await exportArchive(await sourceDb(), SELF);
    const opened = await openArchive(await sealArchive(archive), SELF.toUpperCase());
    expect(opened).toEqual(archive);
    expect(opened.messages[0]!.encodedContent).toBe(archive.messages[0]!.encodedContent);
  });
});
