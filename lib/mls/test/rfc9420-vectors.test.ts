// The official MLS test vectors (github.com/mlswg/mls-implementations, test-vectors/,
// commit cfd45028) run against ts-mls as patched here (patches/ts-mls+1.6.4.patch): our
// ciphersuite 0x0003 through the network's provider (lib/mls/suite.ts), and suite 0x0001
// through the noble provider where the files are small. The JSON files under vectors/ are
// the upstream files filtered to those suites.
import { describe, expect, it } from "vitest";
import { getCiphersuiteImpl, nobleCryptoProvider } from "ts-mls";
import type { CiphersuiteImpl, GroupContext } from "ts-mls";
import {
  getCiphersuiteFromId,
  getCiphersuiteNameFromId,
  type CiphersuiteId,
} from "ts-mls/crypto/ciphersuite.js";
import { deriveSecret, deriveTreeSecret, expandWithLabel } from "ts-mls/crypto/kdf.js";
import { decryptWithLabel, encryptWithLabel } from "ts-mls/crypto/hpke.js";
import { refhash } from "ts-mls/crypto/hash.js";
import { signWithLabel, verifyWithLabel } from "ts-mls/crypto/signature.js";
import { encodeGroupContext } from "ts-mls/groupContext.js";
import { initializeEpoch, mlsExporter } from "ts-mls/keySchedule.js";
import { expandSenderDataKey, expandSenderDataNonce, type ReuseGuard } from "ts-mls/sender.js";
import { createSecretTree, ratchetToGeneration } from "ts-mls/secretTree.js";
import { defaultKeyRetentionConfig } from "ts-mls/keyRetentionConfig.js";
import {
  left,
  nodeWidth,
  parent,
  right,
  root,
  sibling,
  toLeafIndex,
  toNodeIndex,
  leafToNodeIndex,
  nodeToLeafIndex,
} from "ts-mls/treemath.js";
import { decodeRatchetTree, getHpkePublicKey, resolution } from "ts-mls/ratchetTree.js";
import { treeHash, treeHashRoot } from "ts-mls/treeHash.js";
import { verifyParentHashes } from "ts-mls/parentHash.js";
import { verifyLeafNodeSignature } from "ts-mls/leafNode.js";
import { applyUpdatePath, createUpdatePath, decodeUpdatePath } from "ts-mls/updatePath.js";
import { applyUpdatePathSecret } from "ts-mls/createCommit.js";
import { getCommitSecret } from "ts-mls/pathSecrets.js";
import { toPrivateKeyPath, type PrivateKeyPath } from "ts-mls/privateKeyPath.js";
import { fromHex, toHex } from "../../crypto";
import { cipherSuite } from "../suite";
import cryptoBasics from "./vectors/crypto-basics.json";
import keySchedule from "./vectors/key-schedule.json";
import secretTree from "./vectors/secret-tree.json";
import treeMath from "./vectors/tree-math.json";
import treeValidation from "./vectors/tree-validation.json";
import treekem from "./vectors/treekem.json";

const h = fromHex;

async function impl(suite: number): Promise<CiphersuiteImpl> {
  if (suite === 3) return cipherSuite();
  return getCiphersuiteImpl(getCiphersuiteFromId(suite as CiphersuiteId), nobleCryptoProvider);
}

describe("RFC 9420 test vectors: tree math", () => {
  it.each(treeMath.map((t) => [t.n_leaves, t] as const))("%i leaves", (_n, t) => {
    expect(nodeWidth(t.n_leaves)).toBe(t.n_nodes);
    expect(root(t.n_leaves)).toBe(t.root);
    const check = (want: (number | null)[], f: (i: number) => number) => {
      for (const [i, expected] of want.entries()) {
        if (expected === null) expect(() => f(i)).toThrow();
        else expect(f(i)).toBe(expected);
      }
    };
    check(t.left, (i) => left(toNodeIndex(i)));
    check(t.right, (i) => right(toNodeIndex(i)));
    check(t.parent, (i) => parent(toNodeIndex(i), t.n_leaves));
    check(t.sibling, (i) => sibling(toNodeIndex(i), t.n_leaves));
  });
});

describe("RFC 9420 test vectors: crypto basics", () => {
  it.each(cryptoBasics.map((x) => [x.cipher_suite, x] as const))("suite %i", async (suite, x) => {
    const cs = await impl(suite);
    expect(toHex(await refhash(x.ref_hash.label, h(x.ref_hash.value), cs.hash))).toBe(
      x.ref_hash.out,
    );
    const ds = x.derive_secret;
    expect(toHex(await deriveSecret(h(ds.secret), ds.label, cs.kdf))).toBe(ds.out);
    const dt = x.derive_tree_secret;
    expect(
      toHex(await deriveTreeSecret(h(dt.secret), dt.label, dt.generation, dt.length, cs.kdf)),
    ).toBe(dt.out);
    const ex = x.expand_with_label;
    expect(
      toHex(await expandWithLabel(h(ex.secret), ex.label, h(ex.context), ex.length, cs.kdf)),
    ).toBe(ex.out);
    const e = x.encrypt_with_label;
    const priv = await cs.hpke.importPrivateKey(h(e.priv));
    const pub = await cs.hpke.importPublicKey(h(e.pub));
    const opened = await decryptWithLabel(
      priv,
      e.label,
      h(e.context),
      h(e.kem_output),
      h(e.ciphertext),
      cs.hpke,
    );
    expect(toHex(new Uint8Array(opened))).toBe(e.plaintext);
    const sealed = await encryptWithLabel(pub, e.label, h(e.context), h(e.plaintext), cs.hpke);
    const again = await decryptWithLabel(
      priv,
      e.label,
      h(e.context),
      sealed.enc,
      sealed.ct,
      cs.hpke,
    );
    expect(toHex(new Uint8Array(again))).toBe(e.plaintext);
    const s = x.sign_with_label;
    expect(
      await verifyWithLabel(h(s.pub), s.label, h(s.content), h(s.signature), cs.signature),
    ).toBe(true);
    const sig = await signWithLabel(h(s.priv), s.label, h(s.content), cs.signature);
    expect(await verifyWithLabel(h(s.pub), s.label, h(s.content), sig, cs.signature)).toBe(true);
  });
});

describe("RFC 9420 test vectors: key schedule", () => {
  it.each(keySchedule.map((x) => [x.cipher_suite, x] as const))("suite %i", async (suite, x) => {
    const cs = await impl(suite);
    let initSecret = h(x.initial_init_secret);
    for (const [i, epoch] of x.epochs.entries()) {
      const gc: GroupContext = {
        version: "mls10",
        cipherSuite: getCiphersuiteNameFromId(suite as CiphersuiteId),
        groupId: h(x.group_id),
        epoch: BigInt(i),
        treeHash: h(epoch.tree_hash),
        confirmedTranscriptHash: h(epoch.confirmed_transcript_hash),
        extensions: [],
      };
      expect(toHex(encodeGroupContext(gc))).toBe(epoch.group_context);
      const out = await initializeEpoch(
        initSecret,
        h(epoch.commit_secret),
        gc,
        h(epoch.psk_secret),
        cs.kdf,
      );
      const ks = out.keySchedule;
      expect(toHex(out.joinerSecret)).toBe(epoch.joiner_secret);
      expect(toHex(out.welcomeSecret)).toBe(epoch.welcome_secret);
      expect(toHex(out.encryptionSecret)).toBe(epoch.encryption_secret);
      expect(toHex(ks.initSecret)).toBe(epoch.init_secret);
      expect(toHex(ks.senderDataSecret)).toBe(epoch.sender_data_secret);
      expect(toHex(ks.exporterSecret)).toBe(epoch.exporter_secret);
      expect(toHex(ks.externalSecret)).toBe(epoch.external_secret);
      expect(toHex(ks.confirmationKey)).toBe(epoch.confirmation_key);
      expect(toHex(ks.membershipKey)).toBe(epoch.membership_key);
      expect(toHex(ks.resumptionPsk)).toBe(epoch.resumption_psk);
      expect(toHex(ks.epochAuthenticator)).toBe(epoch.epoch_authenticator);
      const { publicKey } = await cs.hpke.deriveKeyPair(h(epoch.external_secret));
      expect(toHex(await cs.hpke.exportPublicKey(publicKey))).toBe(epoch.external_pub);
      const exp = epoch.exporter;
      expect(
        toHex(await mlsExporter(ks.exporterSecret, exp.label, h(exp.context), exp.length, cs)),
      ).toBe(exp.secret);
      initSecret = ks.initSecret;
    }
  });
});

describe("RFC 9420 test vectors: secret tree", () => {
  it.each(secretTree.map((x, i) => [i, x.cipher_suite, x] as const))(
    "#%i suite %i",
    async (_i, suite, x) => {
      const cs = await impl(suite);
      const sd = x.sender_data;
      expect(toHex(await expandSenderDataKey(cs, h(sd.sender_data_secret), h(sd.ciphertext)))).toBe(
        sd.key,
      );
      expect(
        toHex(await expandSenderDataNonce(cs, h(sd.sender_data_secret), h(sd.ciphertext))),
      ).toBe(sd.nonce);
      // Through the code paths messages use: each leaf's ratchets, generations in order,
      // the tree threaded from one derivation to the next (reuse guard 0: the raw nonce).
      let tree = await createSecretTree(x.leaves.length, h(x.encryption_secret), cs.kdf);
      for (const [leafIndex, gens] of x.leaves.entries()) {
        for (const g of gens) {
          for (const [contentType, key, nonce] of [
            ["commit", g.handshake_key, g.handshake_nonce],
            ["application", g.application_key, g.application_nonce],
          ] as const) {
            const r = await ratchetToGeneration(
              tree,
              { leafIndex, generation: g.generation, reuseGuard: new Uint8Array(4) as ReuseGuard },
              contentType,
              { ...defaultKeyRetentionConfig, maximumForwardRatchetSteps: 1 << 20 },
              cs,
            );
            expect(toHex(r.key)).toBe(key);
            expect(toHex(r.nonce)).toBe(nonce);
            tree = r.newTree;
          }
        }
      }
    },
  );
});

describe("RFC 9420 test vectors: tree validation (tree hashes, resolutions, parent hashes)", () => {
  it.each(treeValidation.map((x, i) => [i, x] as const))("#%i", async (_i, x) => {
    const cs = await impl(x.cipher_suite);
    const tree = decodeRatchetTree(h(x.tree), 0)![0];
    for (const [i, th] of x.tree_hashes.entries())
      expect(toHex(await treeHash(tree, toNodeIndex(i), cs.hash))).toBe(th);
    for (const [i, r] of x.resolutions.entries())
      expect(resolution(tree, toNodeIndex(i))).toEqual(r);
    expect(await verifyParentHashes(tree, cs.hash)).toBe(true);
    for (const [i, n] of tree.entries())
      if (n?.nodeType === "leaf")
        expect(
          await verifyLeafNodeSignature(
            n.leaf,
            h(x.group_id),
            nodeToLeafIndex(toNodeIndex(i)),
            cs.signature,
          ),
        ).toBe(true);
  });
});

interface TreeKemVector {
  cipher_suite: number;
  confirmed_transcript_hash: string;
  epoch: number;
  group_id: string;
  leaves_private: {
    encryption_priv: string;
    signature_priv: string;
    index: number;
    path_secrets: { node: number; path_secret: string }[];
  }[];
  ratchet_tree: string;
  update_paths: {
    sender: number;
    commit_secret: string;
    path_secrets: (string | null)[];
    tree_hash_after: string;
    update_path: string;
  }[];
}

describe("RFC 9420 test vectors: TreeKEM", () => {
  it.each((treekem as TreeKemVector[]).map((x, i) => [i, x] as const))(
    "#%i",
    async (_i, x) => {
      const cs = await impl(x.cipher_suite);
      const tree = decodeRatchetTree(h(x.ratchet_tree), 0)![0];
      const gc: GroupContext = {
        version: "mls10",
        cipherSuite: getCiphersuiteNameFromId(x.cipher_suite as CiphersuiteId),
        groupId: h(x.group_id),
        epoch: BigInt(x.epoch),
        treeHash: await treeHashRoot(tree, cs.hash),
        confirmedTranscriptHash: h(x.confirmed_transcript_hash),
        extensions: [],
      };
      const privatePaths: PrivateKeyPath[] = await Promise.all(
        x.leaves_private.map(async (leaf) => {
          const secrets = Object.fromEntries(
            leaf.path_secrets.map((p) => [p.node, h(p.path_secret)]),
          );
          const pks = await toPrivateKeyPath(secrets, leaf.index, cs);
          return {
            ...pks,
            privateKeys: {
              ...pks.privateKeys,
              [leafToNodeIndex(toLeafIndex(leaf.index))]: h(leaf.encryption_priv),
            },
          };
        }),
      );
      for (const leaf of x.leaves_private)
        for (const p of leaf.path_secrets) {
          const { publicKey } = await cs.hpke.deriveKeyPair(
            await deriveSecret(h(p.path_secret), "node", cs.kdf),
          );
          expect(toHex(getHpkePublicKey(tree[p.node]!))).toBe(
            toHex(await cs.hpke.exportPublicKey(publicKey)),
          );
        }
      for (const path of x.update_paths) {
        const updatePath = decodeUpdatePath(h(path.update_path), 0)![0];
        const sender = toLeafIndex(path.sender);
        const updated = await applyUpdatePath(tree, sender, updatePath, cs.hash);
        const th = await treeHashRoot(updated, cs.hash);
        expect(toHex(th)).toBe(path.tree_hash_after);
        const ctx = { ...gc, treeHash: th };
        for (const pp of privatePaths) {
          if (pp.leafIndex === path.sender) continue;
          const got = await applyUpdatePathSecret(tree, pp, sender, ctx, updatePath, [], cs);
          expect(toHex(got.pathSecret)).toBe(path.path_secrets[pp.leafIndex]);
          const commit = await getCommitSecret(tree, got.nodeIndex, got.pathSecret, cs.kdf);
          expect(toHex(commit)).toBe(path.commit_secret);
        }
        // A fresh path from the same sender decrypts to the same commit secret for everyone.
        const signer = x.leaves_private.find((l) => l.index === path.sender)!;
        const [t2, fresh, secrets] = await createUpdatePath(
          updated,
          sender,
          ctx,
          h(signer.signature_priv),
          cs,
        );
        const newCommit = await deriveSecret(secrets.at(-1)!.secret, "path", cs.kdf);
        const ctx2 = { ...gc, treeHash: await treeHashRoot(t2, cs.hash), epoch: gc.epoch + 1n };
        for (const pp of privatePaths) {
          if (pp.leafIndex === path.sender) continue;
          const got = await applyUpdatePathSecret(tree, pp, sender, ctx2, fresh, [], cs);
          expect(toHex(await getCommitSecret(tree, got.nodeIndex, got.pathSecret, cs.kdf))).toBe(
            toHex(newCommit),
          );
        }
      }
    },
    60_000,
  );
});
