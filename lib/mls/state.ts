// GroupHandle: a ts-mls ClientState plus the two facts everyone asks for. Pure values:
// every operation returns a new handle; the caller persists it.

import type { ClientConfig, ClientState, AuthenticationService, LeafNode } from "ts-mls";
import { defaultClientConfig } from "ts-mls/clientConfig.js";
import {
  decodeGroupState as tsDecodeGroupState,
  encodeGroupState as tsEncodeGroupState,
} from "ts-mls";
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

/** Secret material: the caller stores it encrypted. */
export function encodeGroupState(group: GroupHandle): Uint8Array {
  const body = tsEncodeGroupState(group.state);
  const out = new Uint8Array(1 + body.length);
  out[0] = STATE_FORMAT_V1;
  out.set(body, 1);
  return out;
}

export function decodeGroupState(bytes: Uint8Array): GroupHandle {
  if (bytes[0] !== STATE_FORMAT_V1) {
    throw new MlsError("invalid_state", `group state has unknown format ${String(bytes[0])}`);
  }
  let decoded;
  try {
    decoded = tsDecodeGroupState(bytes, 1);
  } catch (err) {
    throw new MlsError("invalid_state", `group state does not decode: ${describe(err)}`, {
      cause: err,
    });
  }
  // ts-mls decoders return [value, bytes consumed], not an end offset
  if (decoded === undefined || 1 + decoded[1] !== bytes.length) {
    throw new MlsError("invalid_state", "group state does not decode");
  }
  // ts-mls does not persist clientConfig: restore it (fail-closed auth until an operation injects one).
  return toHandle({ ...decoded[0], clientConfig: storedConfig });
}
