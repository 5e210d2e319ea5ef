// The client's own view of the chains: smart-contract wallet signatures in identity logs
// are checked HERE, through RPC URLs the app configures (never on the node's word), and
// a new SCW signature pins the chain's current block. viem's verifier loads on first use,
// so apps without smart-contract wallets never download it.
import type { ChainVerifier } from "../identity/scw";
import { parseChainRpcUrls, type ChainRpcUrls } from "../identity/scw/rpc-urls";
import type { Signer } from "../signer";
import { ClientError } from "./errors";

/** "1=https://…,8453=https://…" (NEXT_PUBLIC_CHAIN_RPC_URLS) or a chain ID -> URL map. */
export type ChainRpcUrlsOption = string | ChainRpcUrls;

/** The chain ID -> URL map `spec` names (a malformed string throws, naming the entry). */
export function rpcUrlsOf(spec: ChainRpcUrlsOption | undefined): ChainRpcUrls {
  return typeof spec === "string" ? parseChainRpcUrls(spec, "chainRpcUrls") : (spec ?? new Map());
}

/** A verifier for `spec`, or undefined when it names no chain (SCW logs are then refused). */
export function chainVerifierFor(spec: ChainRpcUrlsOption | undefined): ChainVerifier | undefined {
  const urls = rpcUrlsOf(spec);
  if (urls.size === 0) return undefined;
  let loaded: Promise<ChainVerifier> | undefined;
  const load = () =>
    (loaded ??= import("../identity/scw/chain-verifier").then((m) => m.createChainVerifier(urls)));
  return {
    chainIds: [...urls.keys()],
    verify: async (args) => (await load()).verify(args),
    blockNumber: async (chainId) => (await load()).blockNumber(chainId),
    isContract: async (chainId, address) => (await load()).isContract(chainId, address),
  };
}

/**
 * A smart-contract wallet can activate only where this client can check its own log:
 * refuse before asking the wallet for a signature rather than after.
 */
export function checkSignerChain(signer: Signer, chain: ChainVerifier | undefined): void {
  if (signer.type !== "SCW") return;
  const chainId = signer.getChainId?.();
  if (chainId === undefined) {
    throw new ClientError(
      "invalid_argument",
      "a smart-contract wallet signer must report its chain ID (getChainId)",
    );
  }
  if (!chain?.chainIds.includes(chainId)) {
    throw new ClientError(
      "scw_unverifiable",
      `this wallet is a smart-contract wallet on chain ${chainId}, and no RPC is configured for that chain (chainRpcUrls / NEXT_PUBLIC_CHAIN_RPC_URLS), so its signatures cannot be verified`,
    );
  }
}

/** What identity-log folding needs from `chain`. */
export function verifyOptionsFor(chain: ChainVerifier | undefined): {
  scwVerifier?: ChainVerifier["verify"];
} {
  return chain ? { scwVerifier: chain.verify } : {};
}
