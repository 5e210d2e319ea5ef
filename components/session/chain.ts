// The chains whose smart-contract wallets (ERC-1271 / ERC-6492) this app checks itself:
// NEXT_PUBLIC_CHAIN_RPC_URLS="1=https://…,8453=https://…", inlined at build. The browser
// sees these URLs: use public RPC endpoints, never one with a secret key in it. A browser's
// own values (storage.ts chainOverrides) come first.
import type { NamesOptions } from "@/lib/client";
import { chainOverrides } from "./storage";

export const chainRpcUrls =
  chainOverrides.rpcUrls() ?? process.env.NEXT_PUBLIC_CHAIN_RPC_URLS ?? "";

/**
 * Where ENS names are looked up: chain NEXT_PUBLIC_ENS_CHAIN_ID (default 1, Ethereum) through
 * its RPC above, at NEXT_PUBLIC_ENS_UNIVERSAL_RESOLVER (default ENS's own on chain 1). No RPC
 * for that chain: the app shows addresses only.
 */
export function namesOptions(): NamesOptions {
  const chain = chainOverrides.ensChainId() ?? process.env.NEXT_PUBLIC_ENS_CHAIN_ID;
  const resolver =
    chainOverrides.ensUniversalResolver() ?? process.env.NEXT_PUBLIC_ENS_UNIVERSAL_RESOLVER;
  return {
    ...(chain && /^\d+$/.test(chain) ? { chainId: BigInt(chain) } : {}),
    ...(resolver ? { universalResolverAddress: resolver } : {}),
  };
}
