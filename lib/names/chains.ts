// Which chains names are looked up on, and in which order (no dependencies: the client reads
// this without loading viem's ENS code).

/** Basenames on Base mainnet (github.com/base/basenames; ENS's L2 reverse registrar there). */
export const BASENAMES_ON_BASE = {
  chainId: 8453n,
  registry: "0xb94704422c2a1e396835a571837aa5ae53285a95",
  l2ReverseRegistrar: "0x0000000000D8e504002cC26E3Ec46D81971C1664",
} as const;

/** One chain names are looked up on; `kind` says how its names are read. */
export type NameChain =
  | { kind: "ens"; chainId: bigint; universalResolverAddress?: string }
  | {
      kind: "basenames";
      chainId: bigint;
      /** Default: Basenames' registry on Base (8453); any other chain must name its own. */
      registryAddress?: string;
      /** ENSIP-19 reverse registrar; default ENS's on Base. */
      l2ReverseRegistrarAddress?: string;
    };

/**
 * ENS on Ethereum first, then Basenames on Base. An address with both shows its Ethereum
 * name: the Ethereum-wide primary name (ENSIP-19's default) a person set on L1, where most
 * wallets and apps read it, so the name here matches the name elsewhere. A chain without an
 * RPC configured is skipped.
 */
export const DEFAULT_NAME_CHAINS: NameChain[] = [
  { kind: "ens", chainId: 1n },
  { kind: "basenames", chainId: BASENAMES_ON_BASE.chainId },
];
