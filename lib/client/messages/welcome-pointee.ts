// What a welcome on this installation's topic holds, ready for joinWelcome: the welcome
// itself (HPKE-wrapped), or a welcome pointer (lib/mls/welcome-pointer.ts) — opened with a
// key package, then the welcome it names read from its own topic on the node and opened
// with the pointer's key. The node cannot forge a pointee (AEAD under a key it never sees);
// it can only withhold one, which is waited for a while and then refused.
import { isWelcomePointer, type ReceivedWelcome } from "../../api";
import {
  openPointee,
  openWelcomePointer,
  type WelcomeMetadata,
  type WelcomeWrapper,
} from "../../mls";
import { WelcomeWrapperAlgorithm } from "../../proto/mls/message_contents/wrapper_encryption_pb";
import type { StoredKeyPackage } from "../../storage";
import type { ClientContext } from "../context";
import { ClientError } from "../errors";

/** A pointer whose welcome is not on the node yet is retried this long, then refused. */
export const POINTEE_WAIT_NS = 10n * 60n * 1_000_000_000n;

export interface WelcomeToOpen {
  welcome: Uint8Array;
  welcomeMetadata?: Uint8Array;
  wrapper?: WelcomeWrapper;
  /** A pointee's metadata, opened with it. */
  openedMetadata?: WelcomeMetadata;
}

/** libxmtp's wrapper_algorithm numbers (shared by welcomes and pointers). */
export function wrapperOf(algorithm: number): WelcomeWrapper {
  return algorithm === WelcomeWrapperAlgorithm.XWING_MLKEM_768_DRAFT_6 ? "xwing" : "curve25519";
}

/** The bytes that stand for this delivery (a lineage is keyed by their hash). */
export function deliveredBytes(env: ReceivedWelcome): Uint8Array {
  return isWelcomePointer(env) ? env.welcomePointer : env.data;
}

export async function welcomeToOpen(
  ctx: ClientContext,
  env: ReceivedWelcome,
  keyPackage: StoredKeyPackage,
  nowNs: bigint = BigInt(Date.now()) * 1_000_000n,
): Promise<WelcomeToOpen> {
  const wrapper = wrapperOf(env.wrapperAlgorithm);
  if (!isWelcomePointer(env))
    return { welcome: env.data, welcomeMetadata: env.welcomeMetadata, wrapper };
  const pointer = await openWelcomePointer({
    wrapped: env.welcomePointer,
    wrapper,
    keyPackagePrivate: keyPackage.privateBytes,
    signer: ctx.installation,
  });
  const [pointee] = await ctx.api.queryWelcomeMessages(pointer.destination, { limit: 1 });
  if (!pointee) {
    const young = nowNs - env.createdNs < POINTEE_WAIT_NS;
    throw new ClientError(
      "invalid_argument",
      `the welcome this pointer names is not on the node${young ? " yet" : ""}`,
      young, // retried while young: the adder may still be uploading it
    );
  }
  if (isWelcomePointer(pointee) || pointee.wrapperAlgorithm !== WelcomeWrapperAlgorithm.SYMMETRIC_KEY)
    throw new ClientError(
      "invalid_argument",
      "the welcome pointer's destination holds no symmetric-key welcome",
    );
  const { welcome, metadata } = openPointee(pointer, pointee);
  return { welcome, ...(metadata ? { openedMetadata: metadata } : {}) };
}
