// One place names live: a chain, and how primary names and records are read there (ENS
// through its Universal Resolver on Ethereum; Basenames through Base's own registry).
// A source only reads; lookup.ts decides what is believed (forward verification).
import {
  BaseError,
  ContractFunctionRevertedError,
  ContractFunctionZeroDataError,
  createPublicClient,
  http,
  type PublicClient,
} from "viem";

export interface NameSource {
  readonly chainId: bigint;
  /** Typed names this source resolves: "base.eth" for Basenames; undefined = any name. */
  readonly suffix?: string;
  /** The names the address claims as its primary name here, most trusted first (unverified). */
  reverseNames(address: string): Promise<string[]>;
  /** The address `name` (normalised) points to here, lowercase; null when none. */
  addressOf(name: string): Promise<string | null>;
  /** A text record of `name` here (e.g. "avatar"); null when none. */
  text(name: string, key: string): Promise<string | null>;
}

export function rpcClient(rpcUrl: string, timeoutMs = 10_000): PublicClient {
  return createPublicClient({ transport: http(rpcUrl, { timeout: timeoutMs, retryCount: 1 }) });
}

/**
 * The call's answer, or null when the contract said no (reverted, or no code there): a
 * missing record. A failed RPC still throws — that is "unknown", not "none".
 */
export async function orNull<T>(call: Promise<T>): Promise<T | null> {
  try {
    return await call;
  } catch (err) {
    const said =
      err instanceof BaseError &&
      err.walk(
        (e) =>
          e instanceof ContractFunctionRevertedError || e instanceof ContractFunctionZeroDataError,
      );
    if (said) return null;
    throw err;
  }
}
