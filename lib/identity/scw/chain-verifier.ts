// Smart-contract wallet signatures checked against the chain itself, through a JSON-RPC
// endpoint per chain: viem's verifyHash runs ERC-6492's universal validator as a
// deployless eth_call, so a deployed wallet answers ERC-1271 isValidSignature and a
// not-yet-deployed one is deployed inside the call by the factory its signature names.
import { bytesToHex, createPublicClient, http, type PublicClient } from "viem";
import { getBlockNumber, getCode, verifyHash } from "viem/actions";
import { IdentityError } from "../errors";
import { parseCaip10, type ScwVerifyArgs } from "../verify";
import type { ChainRpcUrls } from "./rpc-urls";

export interface ChainVerifier {
  /** The chains this verifier can reach. */
  readonly chainIds: bigint[];
  /**
   * True when the wallet accepts `signature` over `hash` at `blockNumber` (0 = latest).
   * Throws scw_unverifiable (no RPC for the chain) or chain_unreachable (RPC failed).
   */
  verify(args: ScwVerifyArgs): Promise<boolean>;
  /** The chain's latest block: what a new SCW signature pins, so later checks agree. */
  blockNumber(chainId: bigint): Promise<bigint>;
  /** Whether `address` holds contract code on the chain now (a deployed smart-contract wallet). */
  isContract(chainId: bigint, address: string): Promise<boolean>;
}

export interface ChainVerifierOptions {
  /** Per RPC request; default 10 s. */
  timeoutMs?: number;
}

export function createChainVerifier(
  urls: ChainRpcUrls,
  opts: ChainVerifierOptions = {},
): ChainVerifier {
  const clients = new Map<bigint, PublicClient>();
  const clientFor = (chainId: bigint): PublicClient => {
    const hit = clients.get(chainId);
    if (hit) return hit;
    const url = urls.get(chainId);
    if (!url) {
      throw new IdentityError(
        "scw_unverifiable",
        `no RPC is configured for chain ${chainId}, so its smart-contract wallet signatures cannot be verified`,
      );
    }
    const client = createPublicClient({
      transport: http(url, { timeout: opts.timeoutMs ?? 10_000, retryCount: 1 }),
    });
    clients.set(chainId, client);
    return client;
  };
  const unreachable = (chainId: bigint, err: unknown) =>
    new IdentityError(
      "chain_unreachable",
      `the RPC for chain ${chainId} did not answer; try again later`,
      (err instanceof Error ? err.message : String(err)).split("\n")[0],
    );

  const blockNumber = async (chainId: bigint): Promise<bigint> => {
    const client = clientFor(chainId);
    try {
      return await getBlockNumber(client, { cacheTime: 0 });
    } catch (err) {
      throw unreachable(chainId, err);
    }
  };

  // Plain closures (no `this`): callers pass verify around as a bare function.
  return {
    chainIds: [...urls.keys()],
    async verify(args) {
      const { chainId, address } = parseCaip10(args.accountId, "smart-contract wallet");
      if (args.hash.length !== 32) {
        throw new IdentityError("malformed_update", "the signed hash must be 32 bytes");
      }
      const client = clientFor(chainId);
      let valid: boolean;
      try {
        valid = await verifyHash(client, {
          address: address as `0x${string}`,
          hash: bytesToHex(args.hash),
          signature: bytesToHex(args.signature),
          ...(args.blockNumber > 0n ? { blockNumber: args.blockNumber } : {}),
        });
      } catch (err) {
        throw unreachable(chainId, err);
      }
      // verifyHash also says false when the eth_call never reached a node: a "no" counts
      // only if the chain answers, or a network blip would read as a forged signature.
      if (!valid) await blockNumber(chainId);
      return valid;
    },
    blockNumber,
    async isContract(chainId, address) {
      const client = clientFor(chainId);
      try {
        const code = await getCode(client, { address: address as `0x${string}` });
        return code !== undefined && code !== "0x";
      } catch (err) {
        throw unreachable(chainId, err);
      }
    },
  };
}
