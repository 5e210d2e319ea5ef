import { generateEd25519KeyPair, randomBytes, toHex } from "../../crypto";
import {
  addMembers,
  createGroup,
  createKeyPackage,
  joinFromWelcome,
  mergeOwnCommit,
} from "../index";
import type { InstallationSigner } from "../signer";

export function newSigner(inboxId = toHex(randomBytes(32))): InstallationSigner {
  const { privateKey, publicKey } = generateEd25519KeyPair();
  return { inboxId, publicKey, privateKey };
}

/** An identity-log stand-in: the set of installation keys each inbox's log holds. */
export class Directory {
  private readonly keys = new Set<string>();
  readonly calls: string[] = [];

  register(...signers: InstallationSigner[]): this {
    for (const s of signers) this.keys.add(`${s.inboxId}:${toHex(s.publicKey)}`);
    return this;
  }

  auth = (inboxId: string, key: Uint8Array): Promise<boolean> => {
    this.calls.push(inboxId);
    return Promise.resolve(this.keys.has(`${inboxId}:${toHex(key)}`));
  };
}

/** The owner's group with every other signer added by one commit (merged); join(i) lets others[i] in from its welcome. */
export async function ownerAddsAll(
  owner: InstallationSigner,
  others: InstallationSigner[],
  dir: Directory,
) {
  const created = await createGroup({
    signer: owner,
    metadata: { conversationType: "group", creatorInboxId: owner.inboxId },
  });
  const kps = await Promise.all(others.map((s) => createKeyPackage(s)));
  const added = await addMembers(
    created,
    kps.map((k) => k.keyPackageBytes),
    dir.auth,
  );
  const join = (i: number) =>
    joinFromWelcome({
      welcome: added.welcome,
      keyPackagePrivate: kps[i]!.privateBytes,
      keyPackageBytes: kps[i]!.keyPackageBytes,
      signer: others[i]!,
      auth: dir.auth,
    });
  return { group: mergeOwnCommit(created, added.pending), added, kps, join };
}
