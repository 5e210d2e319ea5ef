// The node's smart-contract wallet verifier: CHAIN_RPC_URLS through viem (ERC-1271 and
// ERC-6492), or none — then SCW identity updates are refused with scw_unverifiable.
import { createChainVerifier, type ChainVerifier } from "../../lib/identity/scw";
import type { ChainConfig } from "../config";

export function scwVerifierFrom(config: ChainConfig): ChainVerifier | undefined {
  return config.rpcUrls.size > 0 ? createChainVerifier(config.rpcUrls) : undefined;
}
