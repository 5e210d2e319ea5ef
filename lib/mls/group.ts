// Group lifecycle: create, add, remove, join from a welcome. Every commit goes on the
// wire as MLSMessage(PrivateMessage); welcomes carry the ratchet tree (ratchet_tree extension).

import {
  createCommit,
  createGroup as tsCreateGroup,
  emptyPskIndex,
  encodeMlsMessage,
  encodeRequiredCapabilities,
  generateKeyPackageWithKey,
  joinGroup,
} from "ts-mls";
import type { Extension, Proposal } from "ts-mls";
import { equalBytes, randomBytes, toHex } from "../crypto";
import { trackAuth, type AuthService } from "./auth";
import { deferAuth } from "./auth-at-sequence";
import { mutableExtensions, type GroupContextState } from "./group-context";
import {
  MUTABLE_EXTENSION_TYPES,
  KEY_PACKAGE_BACKDATE_SECONDS,
  KEY_PACKAGE_LIFETIME_SECONDS,
  IMMUTABLE_METADATA_EXTENSION_TYPE,
} from "./constants";
import { credentialForInbox } from "./credential";
import { MlsError, fromLibrary } from "./errors";
import {
  decodeKeyPackageBytes,
  decodeMessage,
  parseKeyPackageAsync,
  type ParsedKeyPackage,
} from "./wire";
import { decodeKeyPackagePrivate, leafCapabilities, welcomeKeyOf } from "./keyPackage";
import { inboxAllowed, metadataExtension, readMetadata, type GroupMetadata } from "./metadata";
import { checkSigner, type InstallationSigner } from "./signer";
import {
  configWith,
  groupMembers,
  groupMetadata,
  leavesOf,
  memberOf,
  toHandle,
  withAuth,
  type GroupHandle,
  type Member,
} from "./state";
import { cipherSuite } from "./suite";
import { checkLifetime } from "./lifetime";
import {
  asWrappedWelcome,
  unwrapWelcomeWithMetadata,
  type WelcomeMetadata,
  type WelcomeWrapper,
} from "./welcome-wrap";
import type { PendingCommit } from "./pending";

const GROUP_ID_LENGTH = 16;

function requiredCapabilities(withMutable: boolean): Extension {
  return {
    extensionType: "required_capabilities",
    extensionData: encodeRequiredCapabilities({
      extensionTypes: withMutable
        ? [IMMUTABLE_METADATA_EXTENSION_TYPE, ...MUTABLE_EXTENSION_TYPES]
        : [IMMUTABLE_METADATA_EXTENSION_TYPE],
      proposalTypes: [],
      credentialTypes: ["basic"],
    }),
  };
}

export async function createGroup(args: {
  signer: InstallationSigner;
  metadata: GroupMetadata;
  groupId?: Uint8Array;
  /** Groups (not DMs): the mutable extensions 0xff00..0xff02 of epoch 0. */
  context?: GroupContextState;
}): Promise<GroupHandle> {
  const { signer, metadata } = args;
  checkSigner(signer);
  if (metadata.creatorInboxId !== signer.inboxId) {
    throw new MlsError("invalid_argument", "metadata.creatorInboxId must be the signer's inbox");
  }
  const groupId = args.groupId ?? randomBytes(GROUP_ID_LENGTH);
  if (groupId.length === 0 || groupId.length > 255) {
    throw new MlsError("invalid_argument", `groupId must be 1..255 bytes, got ${groupId.length}`);
  }
  const impl = await cipherSuite();
  const now = BigInt(Math.floor(Date.now() / 1000));
  const own = await generateKeyPackageWithKey(
    credentialForInbox(signer.inboxId),
    leafCapabilities(),
    { notBefore: now - KEY_PACKAGE_BACKDATE_SECONDS, notAfter: now + KEY_PACKAGE_LIFETIME_SECONDS },
    [],
    { signKey: signer.privateKey, publicKey: signer.publicKey },
    impl,
  );
  const state = await tsCreateGroup(
    groupId,
    own.publicPackage,
    own.privatePackage,
    [
      requiredCapabilities(args.context !== undefined),
      metadataExtension(metadata),
      ...(args.context ? mutableExtensions(args.context) : []),
    ],
    impl,
    configWith({ validateCredential: () => Promise.resolve(true) }), // only our own leaf exists
  );
  return toHandle(state);
}

// WebCrypto Ed25519 where there is one: the pure-JS verify of a key package's two signatures
// cost a few ms of every add whose caller had not verified the key package already.
async function parseForAdd(bytes: Uint8Array, index: number): Promise<ParsedKeyPackage> {
  try {
    const parsed = await parseKeyPackageAsync(bytes);
    checkLifetime(parsed.keyPackage, "key package");
    return parsed;
  } catch (err) {
    if (err instanceof MlsError)
      throw new MlsError(err.code, `keyPackages[${index}]: ${err.message}`, { cause: err });
    throw err;
  }
}

export interface CommitOutput {
  /** The state after the commit: merge it only once the node accepted the commit (see pending.ts). */
  group: GroupHandle;
  /** MLSMessage(PrivateMessage) bytes for SendGroupMessages. */
  commit: Uint8Array;
  pending: PendingCommit;
}

export interface AddOutput extends CommitOutput {
  /** MLSMessage(Welcome) bytes, the same for every new installation. */
  welcome: Uint8Array;
}

export async function addMembers(
  group: GroupHandle,
  keyPackages: Uint8Array[],
  auth: AuthService,
): Promise<AddOutput> {
  if (keyPackages.length === 0)
    throw new MlsError("invalid_argument", "addMembers needs at least one key package");
  const metadata = groupMetadata(group);
  const existing = groupMembers(group);
  const parsed = await Promise.all(keyPackages.map(parseForAdd));
  const tracker = trackAuth(auth);
  const seen = new Set(existing.map((m) => toHex(m.installationKey)));
  for (const [i, p] of parsed.entries()) {
    if (!inboxAllowed(metadata, p.inboxId)) {
      throw new MlsError(
        "invalid_argument",
        `keyPackages[${i}]: inbox ${p.inboxId} cannot join this ${metadata.conversationType}`,
      );
    }
    const key = toHex(p.installationKey);
    if (seen.has(key))
      throw new MlsError(
        "invalid_argument",
        `keyPackages[${i}]: installation ${key} is already in the group`,
      );
    seen.add(key);
    await tracker.require(p.keyPackage.leafNode.credential, p.installationKey);
  }
  const proposals: Proposal[] = parsed.map((p) => ({
    proposalType: "add",
    add: { keyPackage: p.keyPackage },
  }));
  const out = await commit(group, proposals, tracker, "adding members");
  if (out.welcome === undefined)
    throw new MlsError("invalid_state", "ts-mls made no welcome for an add commit");
  const added = parsed.map((p) => ({ inboxId: p.inboxId, installationKey: p.installationKey }));
  return { ...out.result, pending: { ...out.result.pending, added }, welcome: out.welcome };
}

/** Removes installations by their keys (the committer cannot remove itself). */
export async function removeMembers(
  group: GroupHandle,
  installationKeys: Uint8Array[],
  auth: AuthService,
): Promise<CommitOutput> {
  if (installationKeys.length === 0)
    throw new MlsError("invalid_argument", "removeMembers needs at least one installation key");
  const leaves = leavesOf(group.state.ratchetTree);
  const own = group.state.privatePath.leafIndex;
  const removed: Member[] = [];
  const proposals: Proposal[] = installationKeys.map((key, i) => {
    const found = leaves.find(({ leaf }) => equalBytes(leaf.signaturePublicKey, key));
    if (found === undefined)
      throw new MlsError(
        "not_a_member",
        `installationKeys[${i}]: ${toHex(key)} is not in the group`,
      );
    if (found.leafIndex === own)
      throw new MlsError("invalid_argument", `installationKeys[${i}] is this installation`);
    removed.push(memberOf(found.leaf));
    return { proposalType: "remove", remove: { removed: found.leafIndex } };
  });
  const out = await commit(group, proposals, trackAuth(auth), "removing members");
  return { ...out.result, pending: { ...out.result.pending, removed } };
}

async function commit(
  group: GroupHandle,
  proposals: Proposal[],
  tracker: ReturnType<typeof trackAuth>,
  context: string,
): Promise<{ result: CommitOutput; welcome: Uint8Array | undefined }> {
  const impl = await cipherSuite();
  let res;
  try {
    res = await createCommit(
      { state: withAuth(group.state, tracker.service), cipherSuite: impl },
      { extraProposals: proposals, ratchetTreeExtension: true },
    );
  } catch (err) {
    throw fromLibrary(err, tracker.failure(), "invalid_argument", context);
  }
  if (res.commit.wireformat !== "mls_private_message") {
    throw new MlsError("invalid_state", "commit was not made as a PrivateMessage");
  }
  // `consumed` secrets are not zeroed: the caller keeps the pre-commit state until the commit wins.
  const next = toHandle(res.newState);
  const commitBytes = encodeMlsMessage(res.commit);
  const welcome =
    res.welcome === undefined
      ? undefined
      : encodeMlsMessage({ version: "mls10", wireformat: "mls_welcome", welcome: res.welcome });
  return {
    result: {
      group: next,
      commit: commitBytes,
      pending: { commit: commitBytes, group: next, fromEpoch: group.epoch, added: [], removed: [] },
    },
    welcome,
  };
}

export interface JoinArgs {
  /** HPKE-wrapped welcome data, or a bare MLSMessage (a pointee already opened). */
  welcome: Uint8Array;
  /** libxmtp's welcome_metadata (field 7) sealed beside a wrapped welcome; may be empty. */
  welcomeMetadata?: Uint8Array;
  /** The wrapper the node names (wrapper_algorithm): which private key opens `welcome`. */
  wrapper?: WelcomeWrapper;
  /** The metadata of a bare welcome, opened with it (welcome-pointer.ts openPointee). */
  openedMetadata?: WelcomeMetadata;
  keyPackagePrivate: Uint8Array;
  keyPackageBytes: Uint8Array;
  signer: InstallationSigner;
  auth: AuthService;
}

export async function joinFromWelcome(args: JoinArgs): Promise<GroupHandle> {
  return (await joinWelcome(args)).group;
}

/**
 * Joins, and names who invited: the member whose leaf signed the welcome's GroupInfo —
 * the committer of the add (libxmtp's "added by"). The group's metadata only CLAIMS a
 * creator; this one is authenticated (its signature and its identity log).
 */
export async function joinWelcome(
  args: JoinArgs,
): Promise<{ group: GroupHandle; addedBy: Member; welcomeMetadata?: WelcomeMetadata }> {
  checkSigner(args.signer);
  const privateKeys = decodeKeyPackagePrivate(args.keyPackagePrivate, args.signer);
  // XMTP wraps every welcome in HPKE to the key package's init key (welcome-wrap.ts); a
  // bare MLSMessage is what our clients sent before, still accepted.
  let welcomeBytes = args.welcome;
  let welcomeMetadata = args.openedMetadata;
  const wrapper = args.wrapper ?? "curve25519";
  if (asWrappedWelcome(args.welcome, wrapper)) {
    const opened = await unwrapWelcomeWithMetadata(
      args.welcome,
      args.welcomeMetadata ?? new Uint8Array(0),
      welcomeKeyOf(privateKeys, wrapper),
      wrapper,
    );
    welcomeBytes = opened.welcome;
    welcomeMetadata = opened.metadata;
  }
  let msg;
  try {
    msg = decodeMessage(welcomeBytes);
  } catch (err) {
    throw new MlsError(
      "invalid_welcome",
      `welcome is not an MLSMessage: ${(err as Error).message}`,
      { cause: err },
    );
  }
  if (msg.wireformat !== "mls_welcome") {
    throw new MlsError(
      "invalid_welcome",
      `welcome bytes hold a ${msg.wireformat}, expected mls_welcome`,
    );
  }
  const keyPackage = decodeKeyPackageBytes(args.keyPackageBytes);
  if (!equalBytes(keyPackage.leafNode.signaturePublicKey, args.signer.publicKey)) {
    throw new MlsError(
      "invalid_argument",
      "keyPackageBytes was not made by this installation's key",
    );
  }
  const impl = await cipherSuite();
  const tracker = deferAuth(args.auth);
  let state;
  try {
    // validates every leaf of the tree (and the GroupInfo signer) through `auth`
    state = await joinGroup(
      msg.welcome,
      keyPackage,
      privateKeys,
      emptyPskIndex,
      impl,
      undefined,
      undefined,
      configWith(tracker.service),
    );
  } catch (err) {
    throw fromLibrary(err, tracker.failure(), "invalid_welcome", "welcome rejected");
  }
  // Every leaf as of the identity-log entries the welcome's group context records: a
  // since-revoked leaf does not make a welcome invalid (its removal commit follows).
  await tracker.settle(state.groupContext.extensions);
  // ts-mls 1.6.4 joinGroup asks about the GroupInfo signer's leaf before any other and
  // verifies the GroupInfo signature with that leaf's key (group.test.ts pins this).
  const addedBy = tracker.first();
  if (addedBy === undefined) throw new MlsError("invalid_welcome", "welcome names no signer");
  let metadata: GroupMetadata;
  try {
    metadata = readMetadata(state.groupContext.extensions);
  } catch (err) {
    throw new MlsError("invalid_welcome", `welcome's group: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const group = toHandle(state);
  for (const m of groupMembers(group)) {
    if (!inboxAllowed(metadata, m.inboxId)) {
      throw new MlsError(
        "invalid_welcome",
        `inbox ${m.inboxId} holds a leaf in a ${metadata.conversationType} it may not be in`,
      );
    }
  }
  return { group, addedBy, ...(welcomeMetadata ? { welcomeMetadata } : {}) };
}

export interface ChangeOutput extends CommitOutput {
  /** MLSMessage(Welcome) bytes when the commit adds installations. */
  welcome?: Uint8Array;
}

/**
 * One commit with any of: adds (key packages), removes (installation keys) and new
 * mutable extensions (a group_context_extensions proposal). No policy check here:
 * the caller checks its own rights first (see group-policy.ts), every receiver checks again.
 */
export async function commitChanges(
  group: GroupHandle,
  changes: { add?: Uint8Array[]; remove?: Uint8Array[]; context?: GroupContextState },
  auth: AuthService,
): Promise<ChangeOutput> {
  const add = changes.add ?? [];
  const remove = changes.remove ?? [];
  const tracker = trackAuth(auth);
  const proposals: Proposal[] = [];
  const added: Member[] = [];
  const removed: Member[] = [];
  const leaves = leavesOf(group.state.ratchetTree);
  const seen = new Set(leaves.map(({ leaf }) => toHex(leaf.signaturePublicKey)));
  // Removes apply before adds (RFC 9420 §12.3): a leaf removed here may come back from a
  // fresh key package in the same commit (fork recovery's re-add).
  for (const key of remove) seen.delete(toHex(key));
  for (const [i, bytes] of add.entries()) {
    const p = await parseForAdd(bytes, i);
    const key = toHex(p.installationKey);
    if (seen.has(key))
      throw new MlsError(
        "invalid_argument",
        `add[${i}]: installation ${key} is already in the group`,
      );
    seen.add(key);
    await tracker.require(p.keyPackage.leafNode.credential, p.installationKey);
    proposals.push({ proposalType: "add", add: { keyPackage: p.keyPackage } });
    added.push({ inboxId: p.inboxId, installationKey: p.installationKey });
  }
  const own = group.state.privatePath.leafIndex;
  for (const [i, key] of remove.entries()) {
    const found = leaves.find(({ leaf }) => equalBytes(leaf.signaturePublicKey, key));
    if (found === undefined)
      throw new MlsError("not_a_member", `remove[${i}]: ${toHex(key)} is not in the group`);
    if (found.leafIndex === own)
      throw new MlsError("invalid_argument", `remove[${i}] is this installation`);
    proposals.push({ proposalType: "remove", remove: { removed: found.leafIndex } });
    removed.push(memberOf(found.leaf));
  }
  if (changes.context) {
    const kept = group.state.groupContext.extensions.filter(
      (e) =>
        typeof e.extensionType !== "number" || !MUTABLE_EXTENSION_TYPES.includes(e.extensionType),
    );
    proposals.push({
      proposalType: "group_context_extensions",
      groupContextExtensions: {
        extensions: [
          ...kept,
          ...mutableExtensions(changes.context, group.state.groupContext.extensions),
        ],
      },
    });
  }
  if (proposals.length === 0)
    throw new MlsError("invalid_argument", "commitChanges needs a change");
  const out = await commit(group, proposals, tracker, "committing group changes");
  return {
    ...out.result,
    pending: { ...out.result.pending, added, removed },
    ...(out.welcome !== undefined && added.length > 0 ? { welcome: out.welcome } : {}),
  };
}
