// The patched ts-mls derives the secret tree lazily (patches/ts-mls+1.6.4.patch): an epoch
// starts with encryption_secret alone and a leaf's path is expanded when it is first used,
// deleting each expanded secret (RFC 9420 §9.2). The RFC vectors (rfc9420-vectors.test.ts)
// check the keys; these check the cost, the deletion, and that stored trees round-trip,
// including trees stored before the patch (every node derived).
import { describe, expect, it } from "vitest";
import type { Kdf, SecretTreeNode } from "ts-mls";
import { expandWithLabel } from "ts-mls/crypto/kdf.js";
import {
  createSecretTree,
  decodeSecretTree,
  leafRatchets,
  ratchetToGeneration,
  secretTreeEncoder,
  secretTreeNodeEncoder,
  type SecretTree,
} from "ts-mls/secretTree.js";
import { encode } from "ts-mls/codec/tlsEncoder.js";
import { varLenTypeEncoder } from "ts-mls/codec/variableLength.js";
import { defaultKeyRetentionConfig } from "ts-mls/keyRetentionConfig.js";
import type { ReuseGuard } from "ts-mls/sender.js";
import { leafToNodeIndex, toLeafIndex, toNodeIndex, left, right, root } from "ts-mls/treemath.js";
import { randomBytes, toHex } from "../../crypto";
import { cipherSuite } from "../suite";

function counting(kdf: Kdf): { kdf: Kdf; expands: () => number } {
  let n = 0;
  return {
    kdf: {
      ...kdf,
      expand: (prk, info, len) => {
        n++;
        return kdf.expand(prk, info, len);
      },
    },
    expands: () => n,
  };
}

async function keyOf(tree: SecretTree, leafIndex: number, generation = 0) {
  const cs = await cipherSuite();
  const r = await ratchetToGeneration(
    tree,
    { leafIndex, generation, reuseGuard: new Uint8Array(4) as ReuseGuard },
    "application",
    defaultKeyRetentionConfig,
    cs,
  );
  return { key: toHex(r.key), tree: r.newTree };
}

/** The former, eager schedule: every node's secret and ratchets (the stored format before). */
async function eagerTree(leaves: number, secret: Uint8Array, kdf: Kdf): Promise<SecretTreeNode[]> {
  const width = 2 * leaves - 1;
  const secrets: Uint8Array[] = new Array<Uint8Array>(width);
  const walk = async (node: number, s: Uint8Array) => {
    secrets[node] = s;
    if (node % 2 === 0) return;
    const enc = new TextEncoder();
    await walk(
      left(toNodeIndex(node)),
      await expandWithLabel(s, "tree", enc.encode("left"), kdf.size, kdf),
    );
    await walk(
      right(toNodeIndex(node)),
      await expandWithLabel(s, "tree", enc.encode("right"), kdf.size, kdf),
    );
  };
  await walk(root(leaves), secret);
  const ratchet = async (s: Uint8Array, label: string) => ({
    secret: await expandWithLabel(s, label, new Uint8Array(), kdf.size, kdf),
    generation: 0,
    unusedGenerations: {},
  });
  return Promise.all(
    secrets.map(async (s) => ({
      handshake: await ratchet(s, "handshake"),
      application: await ratchet(s, "application"),
    })),
  );
}

describe("lazy secret tree", () => {
  it("secretTreeDerivesOnlyThePathOfTheLeafUsed: no derivation per epoch, log N per new sender", async () => {
    const cs = await cipherSuite();
    const { kdf, expands } = counting(cs.kdf);
    const encryptionSecret = randomBytes(32);
    const tree = await createSecretTree(512, encryptionSecret, kdf);
    expect(expands()).toBe(0);
    const leaf = leafToNodeIndex(toLeafIndex(300));
    const [, after, consumed] = await leafRatchets(tree, leaf, kdf);
    // 9 levels below the root, two children each, then the leaf's two ratchet roots.
    expect(expands()).toBe(9 * 2 + 2);
    // Forward secrecy: what was expanded is gone from the tree that is kept.
    const stored = encode(secretTreeEncoder)(after);
    for (const s of consumed) expect(toHex(stored)).not.toContain(toHex(s));
    expect(consumed.map(toHex)).toContain(toHex(encryptionSecret));
    expect(after[root(512)]).toBeUndefined();
    // A second message from the same leaf derives no tree secret again.
    const n = expands();
    await leafRatchets(after, leaf, kdf);
    expect(expands()).toBe(n);
  });

  it("the keys equal the former eager schedule's, and a tree stored before the patch still decodes", async () => {
    const cs = await cipherSuite();
    const secret = randomBytes(32);
    const eager = await eagerTree(8, secret, cs.kdf);
    const v1 = encode(varLenTypeEncoder(secretTreeNodeEncoder))(eager);
    const decoded = decodeSecretTree(v1, 0)!;
    expect(decoded[1]).toBe(v1.length);
    const lazy = await createSecretTree(8, secret, cs.kdf);
    for (const leaf of [0, 3, 7]) {
      expect((await keyOf(decoded[0], leaf, 2)).key).toBe((await keyOf(lazy, leaf, 2)).key);
    }
  });

  it("a partly expanded tree round-trips through its stored form", async () => {
    const cs = await cipherSuite();
    let tree = await createSecretTree(5, randomBytes(32), cs.kdf);
    tree = (await keyOf(tree, 1)).tree;
    tree = (await keyOf(tree, 4, 3)).tree;
    const bytes = encode(secretTreeEncoder)(tree);
    const [back, len] = decodeSecretTree(bytes, 0)!;
    expect(len).toBe(bytes.length);
    for (const leaf of [0, 1, 2, 3, 4])
      expect((await keyOf(back, leaf, 5)).key).toBe((await keyOf(tree, leaf, 5)).key);
    // Truncated or trailing bytes are refused, not half-read.
    expect(() => decodeSecretTree(bytes.subarray(0, bytes.length - 3), 0)).toThrow();
  });
});
