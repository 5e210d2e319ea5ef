// The patched noble provider computes HKDF with @noble/hashes and remembers HPKE's hash of
// the last long `info` (an UpdatePath seals one GroupContext up to N-1 times). The RFC
// vectors check the values; this checks the memo never answers for a different info.
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
