// The chains whose smart-contract wallets (ERC-1271 / ERC-6492) this app checks itself:
// NEXT_PUBLIC_CHAIN_RPC_URLS="1=https://…,8453=https://…", inlined at build. The browser
// sees these URLs: use public RPC endpoints, never one with a secret key in it. A browser's
// own values (storage.ts chainOverrides) come first.
import type { NamesOptions } from "@/lib/client";
import { chainOverrides } from "./storage";

export const chainRpcUrls =
  chainOverrides.rpcUrls() ?? process.env.NEXT_PUBLIC_CHAIN_RPC_URLS ?? "";

const digits = (v: string | null | undefined) => (v && /^\d+$/.test(v) ? BigInt(v) : undefined);

/**
 * Where names are looked up, in order: ENS on NEXT_PUBLIC_ENS_CHAIN_ID (default 1, Ethereum)
 * at NEXT_PUBLIC_ENS_UNIVERSAL_RESOLVER (default ENS's own on chain 1), then Basenames on
 * NEXT_PUBLIC_BASENAMES_CHAIN_ID (default 8453, Base) at NEXT_PUBLIC_BASENAMES_REGISTRY and
 * NEXT_PUBLIC_BASENAMES_REVERSE_REGISTRAR (defaults: Basenames' and ENS's on Base), each
 * through its RPC above; a chain without one is skipped, and with none the app shows
 * addresses only. ipfs:// avatars load through NEXT_PUBLIC_IPFS_GATEWAY, when set.
 */
export function namesOptions(): NamesOptions {
  const o = chainOverrides;
  const env = process.env;
  const ensResolver = o.ensUniversalResolver() ?? env.NEXT_PUBLIC_ENS_UNIVERSAL_RESOLVER;
  const registry = o.basenamesRegistry() ?? env.NEXT_PUBLIC_BASENAMES_REGISTRY;
  const reverse = o.basenamesReverseRegistrar() ?? env.NEXT_PUBLIC_BASENAMES_REVERSE_REGISTRAR;
  const gateway = o.ipfsGateway() ?? env.NEXT_PUBLIC_IPFS_GATEWAY;
  return {
    chains: [
      {
        kind: "ens",
        chainId: digits(o.ensChainId() ?? env.NEXT_PUBLIC_ENS_CHAIN_ID) ?? 1n,
        ...(ensResolver ? { universalResolverAddress: ensResolver } : {}),
      },
      {
        kind: "basenames",
        chainId: digits(o.basenamesChainId() ?? env.NEXT_PUBLIC_BASENAMES_CHAIN_ID) ?? 8453n,
        ...(registry ? { registryAddress: registry } : {}),
        ...(reverse ? { l2ReverseRegistrarAddress: reverse } : {}),
      },
    ],
    ...(gateway ? { ipfsGateway: gateway } : {}),
  };
}
