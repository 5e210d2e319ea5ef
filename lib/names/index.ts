// Names (ENS, Basenames) for the client, loaded on first use: viem's ENS code stays out of
// the first load of every page.
import { createBasenamesSource } from "./basenames";
import { BASENAMES_ON_BASE, type NameChain } from "./chains";
import { createEnsSource, NameError } from "./ens";
import { createNameLookup, type NameLookup } from "./lookup";
import type { NameSource } from "./source";

export { NameError, normalizeName } from "./ens";
export { NoNameSourceError, type NameLookup, type NameProfile, type ResolvedName } from "./lookup";

function sourceOf(chain: NameChain, rpcUrl: string): NameSource {
  if (chain.kind === "ens") {
    return createEnsSource({
      rpcUrl,
      chainId: chain.chainId,
      ...(chain.universalResolverAddress
        ? { universalResolverAddress: chain.universalResolverAddress }
        : {}),
    });
  }
  const onBase = chain.chainId === BASENAMES_ON_BASE.chainId;
  const registryAddress =
    chain.registryAddress ?? (onBase ? BASENAMES_ON_BASE.registry : undefined);
  if (!registryAddress) {
    throw new NameError(`Basenames on chain ${chain.chainId} need the registry's address there`);
  }
  const l2ReverseRegistrarAddress =
    chain.l2ReverseRegistrarAddress ?? (onBase ? BASENAMES_ON_BASE.l2ReverseRegistrar : undefined);
  return createBasenamesSource({
    rpcUrl,
    chainId: chain.chainId,
    registryAddress,
    ...(l2ReverseRegistrarAddress ? { l2ReverseRegistrarAddress } : {}),
  });
}

/** A lookup over `chains`, in order, each through its RPC URL. */
export function createNames(chains: { chain: NameChain; rpcUrl: string }[]): NameLookup {
  return createNameLookup(chains.map((c) => sourceOf(c.chain, c.rpcUrl)));
}
