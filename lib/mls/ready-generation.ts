// A ratchet generation taken ahead of a send ("ready"), so a message can leave before the
// write that stores it commits.
//
// A sender must never use a generation twice: its ratchet state has to be durable past a
// generation before that generation's ciphertext leaves. Usually that is one write between
// encrypting and publishing. Taking the generation ahead moves that write before the send:
// the state is advanced past generation g and stored while the person types, and g's secret
// stays in this process's memory (ReadyGeneration), used once by encryptWithReady.
//
// The stored state keeps g's secret among its own leaf's unused generations, exactly where a
// receiver keeps a skipped generation's: ts-mls then reads this device's own message back
// from the node if the tab died between publishing and storing it (nothing typed is lost),
// and nothing at rest is older or more than the state at g held. It never sends with an
// unused generation (consumeRatchet only moves forward), so a state read from storage can
// never reuse g: only the ReadyGeneration made with it can. forgetGeneration deletes the
// secret once the message is stored.
import { encodeMlsMessage, type ClientState } from "ts-mls";
import { protectApplicationData } from "ts-mls/messageProtection.js";
import {
  leafRatchets,
  ratchetUntil,
  type GenerationSecret,
  type SecretTree,
} from "ts-mls/secretTree.js";
import { leafToNodeIndex, toLeafIndex } from "ts-mls/treemath.js";
import { equalBytes } from "../crypto";
import { MlsError } from "./errors";
import { toHandle, type GroupHandle } from "./state";
import { cipherSuite } from "./suite";

export interface ReadyGeneration {
  readonly groupId: Uint8Array;
  readonly epoch: bigint;
  /** The epoch's authenticator: a state of the same epoch number from another history is not this one. */
  readonly authenticator: Uint8Array;
  readonly leafIndex: number;
  readonly generation: number;
  /** g's ratchet secret; cleared (and the generation unusable) once used. */
  secret: Uint8Array | undefined;
}

function requireActive(group: GroupHandle, what: string): void {
  const kind = group.state.groupActiveState.kind;
  if (kind !== "active")
    throw new MlsError(
      "not_a_member",
      `cannot ${what}: this installation's group state is ${kind}`,
    );
  if (Object.keys(group.state.unappliedProposals).length !== 0)
    throw new MlsError("invalid_state", `cannot ${what}: the group has unapplied proposals`);
}

function ownLeafNode(state: ClientState): number {
  return leafToNodeIndex(toLeafIndex(state.privatePath.leafIndex));
}

/** The state advanced past this member's next application generation, and that generation. */
export async function takeGeneration(
  group: GroupHandle,
): Promise<{ group: GroupHandle; ready: ReadyGeneration }> {
  requireActive(group, "take a generation");
  const { state } = group;
  const cs = await cipherSuite();
  const index = ownLeafNode(state);
  const [node, tree] = await leafRatchets(state.secretTree, index, cs.kdf);
  const current = node.application;
  // Advanced as a receiver skips one: g's secret goes to unusedGenerations.
  const [advanced] = await ratchetUntil(
    current,
    current.generation + 1,
    state.clientConfig.keyRetentionConfig,
    cs.kdf,
  );
  const next: SecretTree = tree.slice();
  next[index] = { ...node, application: advanced };
  return {
    group: toHandle({ ...state, secretTree: next }),
    ready: {
      groupId: group.groupId,
      epoch: group.epoch,
      authenticator: state.keySchedule.epochAuthenticator,
      leafIndex: state.privatePath.leafIndex,
      generation: current.generation,
      secret: current.secret.slice(),
    },
  };
}

/** Whether `ready` belongs to this very epoch of this group, for this member, unused. */
export function readyFor(group: GroupHandle, ready: ReadyGeneration): boolean {
  return (
    ready.secret !== undefined &&
    group.epoch === ready.epoch &&
    ready.leafIndex === group.state.privatePath.leafIndex &&
    equalBytes(group.groupId, ready.groupId) &&
    equalBytes(group.state.keySchedule.epochAuthenticator, ready.authenticator)
  );
}

/**
 * The MLSMessage(PrivateMessage) of `plaintext` under the ready generation, built by ts-mls's
 * own protectApplicationData (same framing, signature, padding and sender data as any other
 * send). `group` is the state as it is now (same epoch); it is not changed. Usable once.
 */
export async function encryptWithReady(
  group: GroupHandle,
  ready: ReadyGeneration,
  plaintext: Uint8Array,
): Promise<Uint8Array> {
  requireActive(group, "send");
  const secret = ready.secret;
  if (!secret || !readyFor(group, ready))
    throw new MlsError("invalid_state", "this generation was used already or is not of this epoch");
  ready.secret = undefined; // once, whatever happens next
  const { state } = group;
  const cs = await cipherSuite();
  // A tree holding only g at this member's leaf: ts-mls derives g's key and nonce from it (with
  // a fresh reuse guard) and what it returns as the advanced tree is dropped.
  const only: SecretTree = new Array<undefined>(state.secretTree.length);
  const g: GenerationSecret = { secret, generation: ready.generation, unusedGenerations: {} };
  only[ownLeafNode(state)] = { handshake: g, application: g };
  const { privateMessage } = await protectApplicationData(
    state.signaturePrivateKey,
    state.keySchedule.senderDataSecret,
    plaintext,
    new Uint8Array(),
    state.groupContext,
    only,
    state.privatePath.leafIndex,
    state.clientConfig.paddingConfig,
    cs,
  );
  secret.fill(0);
  return encodeMlsMessage({ version: "mls10", wireformat: "mls_private_message", privateMessage });
}

/**
 * This member's own application generations the state holds unused, by generation: taken
 * ahead and not yet stored with their message (its echo from the node still opens).
 */
export function ownUnusedGenerations(group: GroupHandle): Readonly<Record<number, Uint8Array>> {
  const node = group.state.secretTree[ownLeafNode(group.state)];
  return node && !(node instanceof Uint8Array) ? node.application.unusedGenerations : {};
}

/** The state without this member's unused secret for `generation` (its message is stored). */
export function forgetGeneration(group: GroupHandle, generation: number): GroupHandle {
  const { state } = group;
  const index = ownLeafNode(state);
  const node = state.secretTree[index];
  if (!node || node instanceof Uint8Array || !(generation in node.application.unusedGenerations))
    return group;
  const { [generation]: _forgotten, ...rest } = node.application.unusedGenerations;
  const next: SecretTree = state.secretTree.slice();
  next[index] = { ...node, application: { ...node.application, unusedGenerations: rest } };
  return toHandle({ ...state, secretTree: next });
}
