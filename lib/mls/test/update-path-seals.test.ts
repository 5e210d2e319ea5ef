// An UpdatePath encrypts its path secrets to every node of each copath resolution with HPKE,
// each under a fresh ephemeral key (RFC 9180 Encap). The patched noble provider starts those
// key pairs as a batch before the seals (patches/ts-mls+1.6.4.patch): no key pair may serve
// two seals, and every member must still read its path secret.
import { createCommit } from "ts-mls";
import { describe, expect, it } from "vitest";
import { toHex } from "../../crypto";
import { mergeOwnCommit, removeMembers, processMessage } from "../index";
import { cipherSuite } from "../suite";
import { Directory, newSigner, ownerAddsAll } from "./helpers";

describe("UpdatePath seals", () => {
  it("everyUpdatePathSealHasItsOwnEphemeralKey: one kem_output per recipient, none repeated", async () => {
    const alice = newSigner();
    const others = Array.from({ length: 11 }, () => newSigner());
    const dir = new Directory().register(alice, ...others);
    const { group: a, join } = await ownerAddsAll(alice, others, dir);
    // As a PublicMessage the UpdatePath can be read here: blank parents, so alice's path
    // secrets go to each of the 11 other leaves.
    const made = await createCommit(
      { state: a.state, cipherSuite: await cipherSuite() },
      { wireAsPublicMessage: true },
    );
    const message = made.commit;
    if (message.wireformat !== "mls_public_message") throw new Error("not a PublicMessage");
    const content = message.publicMessage.content;
    if (content.contentType !== "commit") throw new Error("not a commit");
    const sealed = content.commit.path!.nodes.flatMap((n) => n.encryptedPathSecret);
    expect(sealed).toHaveLength(others.length);
    expect(new Set(sealed.map((c) => toHex(c.kemOutput))).size).toBe(others.length);

    // And through lib/mls: a removal's path reaches a member who decrypts it.
    const bob = await join(3);
    const removed = await removeMembers(a, [others[9]!.publicKey], dir.auth);
    const got = await processMessage(bob, removed.commit, dir.auth);
    expect(got.kind).toBe("commit");
    expect(got.group.epoch).toBe(mergeOwnCommit(a, removed.pending).epoch);
  });
});
