// GroupHandle: a ts-mls ClientState plus the two facts everyone asks for. Pure values:
// every operation returns a new handle; the caller persists it.

import type { ClientConfig, ClientState, AuthenticationService, LeafNode } from "ts-mls";
import { defaultClientConfig } from "ts-mls/clientConfig.js";
import {
  decodeGroupState as tsDecodeGroupState,
  encodeGroupState as tsEncodeGroupState,
} from "ts-mls";
import { decodeRatchetTree, ratchetTreeEncoder } from "ts-mls/ratchetTree.js";
import { decodeBigintMap, bigintMapEncoder } from "ts-mls/codec/variableLength.js";
import { decodeEpochReceiverData, epochReceiverDataEncoder } from "ts-mls/epochReceiverData.js";
import { contramapBufferEncoders, encode } from "ts-mls/codec/tlsEncoder.js";
import { mapDecoders } from "ts-mls/codec/tlsDecoder.js";
import { refuseAll } from "./auth";
import { inboxIdFromCredential } from "./credential";
import { MlsError, describe } from "./errors";
import { readMetadata, type GroupMetadata } from "./metadata";

export interface GroupHandle {
  readonly state: ClientState;
  readonly groupId: Uint8Array;
  readonly epoch: bigint;
}

export interface Member {
  inboxId: string;
  installationKey: Uint8Array;
}

/** States at rest authenticate nobody: each operation that needs it injects the caller's AuthService. */
const storedConfig: ClientConfig = { ...defaultClientConfig, authService: refuseAll };

export function configWith(authService: AuthenticationService): ClientConfig {
  return { ...defaultClientConfig, authService };
}

export function withAuth(state: ClientState, authService: AuthenticationService): ClientState {
  return { ...state, clientConfig: configWith(authService) };
}

export function toHandle(state: ClientState): GroupHandle {
  const stored = { ...state, clientConfig: storedConfig };
  return { state: stored, groupId: stored.groupContext.groupId, epoch: stored.groupContext.epoch };
}

export function groupMetadata(group: GroupHandle): GroupMetadata {
  return readMetadata(group.state.groupContext.extensions);
}

/** Leaves of a ratchet tree, by leaf index. */
export function leavesOf(
  tree: ClientState["ratchetTree"],
): { leafIndex: number; leaf: LeafNode }[] {
  const out: { leafIndex: number; leaf: LeafNode }[] = [];
  for (let i = 0; i < tree.length; i += 2) {
    const node = tree[i];
    if (node?.nodeType === "leaf") out.push({ leafIndex: i / 2, leaf: node.leaf });
  }
  return out;
}

// ts-mls never mutates a tree's nodes (it copies trees and replaces nodes), so a leaf
// object's member is read once: every commit reads all leaves of the trees before and after
// it several times, and each read checks the credential's canonical protobuf form.
const members = new WeakMap<LeafNode, Member>();

export function memberOf(leaf: LeafNode): Member {
  let m = members.get(leaf);
  if (m === undefined) {
    m = {
      inboxId: inboxIdFromCredential(leaf.credential),
      installationKey: leaf.signaturePublicKey,
    };
    members.set(leaf, m);
  }
  return { ...m };
}

export function groupMembers(group: GroupHandle): Member[] {
  return leavesOf(group.state.ratchetTree).map(({ leaf }) => memberOf(leaf));
}

export function ownLeafIndex(group: GroupHandle): number {
  return group.state.privatePath.leafIndex;
}

/** Equal for all members at one epoch; shown to users to compare out of band. */
export function epochAuthenticator(group: GroupHandle): Uint8Array {
  return group.state.keySchedule.epochAuthenticator.slice();
}

export function isActive(group: GroupHandle): boolean {
  return group.state.groupActiveState.kind === "active";
}

const STATE_FORMAT_V1 = 1;
/** The state without its ratchet tree and past epochs: those are an "epoch part" of their own. */
const STATE_FORMAT_MAIN = 2;
const EPOCH_PART_V1 = 1;

/** Secret material: the caller stores it encrypted. */
export function encodeGroupState(group: GroupHandle): Uint8Array {
  const body = tsEncodeGroupState(group.state);
  const out = new Uint8Array(1 + body.length);
  out[0] = STATE_FORMAT_V1;
  out.set(body, 1);
  return out;
}

/**
 * A state saved in two parts. `main` changes with every message sent or received (the secret
 * tree's ratchets); `epoch` — the ratchet tree and the retained past epochs, ~95 % of the bytes
 * in a large group — changes only with a commit or a message from a past epoch, so a send
 * need not re-encode and re-seal it. Both are secret material.
 */
export function encodeGroupStateMain(group: GroupHandle): Uint8Array {
  // ts-mls decodes no empty tree: our own leaf stands in (~0.3 KB); decoding puts the real one back.
  // (A removed member's own leaf is blank: any other node does.)
  const own =
    group.state.ratchetTree[group.state.privatePath.leafIndex * 2] ??
    group.state.ratchetTree.find((n) => n !== undefined);
  const body = tsEncodeGroupState({
    ...group.state,
    ratchetTree: [own],
    historicalReceiverData: new Map(),
  });
  const out = new Uint8Array(1 + body.length);
  out[0] = STATE_FORMAT_MAIN;
  out.set(body, 1);
  return out;
}

const epochPartEncoder = contramapBufferEncoders(
  [ratchetTreeEncoder, bigintMapEncoder(epochReceiverDataEncoder)],
  (s: Pick<ClientState, "ratchetTree" | "historicalReceiverData">) =>
    [s.ratchetTree, s.historicalReceiverData] as const,
);
const decodeEpochPart = mapDecoders(
  [decodeRatchetTree, decodeBigintMap(decodeEpochReceiverData)],
  (ratchetTree, historicalReceiverData) => ({ ratchetTree, historicalReceiverData }),
);

export function encodeGroupStateEpoch(group: GroupHandle): Uint8Array {
  const body = encode(epochPartEncoder)(group.state);
  const out = new Uint8Array(1 + body.length);
  out[0] = EPOCH_PART_V1;
  out.set(body, 1);
  return out;
}

/** Whether a save must write the epoch part again (`saved`: the handle last written). */
export function epochPartChanged(saved: GroupHandle, next: GroupHandle): boolean {
  return (
    saved.state.ratchetTree !== next.state.ratchetTree ||
    saved.state.historicalReceiverData !== next.state.historicalReceiverData
  );
}

function decodeOrThrow<T>(
  what: string,
  bytes: Uint8Array,
  decode: (b: Uint8Array, offset: number) => [T, number] | undefined,
): T {
  let decoded;
  try {
    decoded = decode(bytes, 1);
  } catch (err) {
    throw new MlsError("invalid_state", `${what} does not decode: ${describe(err)}`, {
      cause: err,
    });
  }
  // ts-mls decoders return [value, bytes consumed], not an end offset
  if (decoded === undefined || 1 + decoded[1] !== bytes.length) {
    throw new MlsError("invalid_state", `${what} does not decode`);
  }
  return decoded[0];
}

/** A whole state (format 1), or a main part (format 2) with its epoch part. */
export function decodeGroupState(bytes: Uint8Array, epochPart?: Uint8Array): GroupHandle {
  if (bytes[0] === STATE_FORMAT_MAIN) {
    if (!epochPart || epochPart[0] !== EPOCH_PART_V1)
      throw new MlsError(
        "invalid_state",
        epochPart
          ? `group state's epoch part has unknown format ${String(epochPart[0])}`
          : "group state's epoch part (ratchet tree, past epochs) is missing",
      );
    const main = decodeOrThrow("group state", bytes, tsDecodeGroupState);
    const epoch = decodeOrThrow("group state's epoch part", epochPart, decodeEpochPart);
    return toHandle({ ...main, ...epoch, clientConfig: storedConfig });
  }
  if (bytes[0] !== STATE_FORMAT_V1) {
    throw new MlsError("invalid_state", `group state has unknown format ${String(bytes[0])}`);
  }
  const decoded = decodeOrThrow("group state", bytes, tsDecodeGroupState);
  // ts-mls does not persist clientConfig: restore it (fail-closed auth until an operation injects one).
  return toHandle({ ...decoded, clientConfig: storedConfig });
}
