// Basenames (*.base.eth) read on Base itself, through its RPC: the answer comes from the chain
// that holds the records, with no CCIP-read gateway in between (the ENS way, from Ethereum,
// needs one: viem's getEnsName with coinType asks ENS's gateways for state proofs of Base).
// - Primary name: ENSIP-19's L2 reverse registrar (`nameForAddr`, where primary names on Base
//   are set since 2025), then Basenames' older reverse record, <address>.80002105.reverse in
//   the Base registry (names set before that).
// - Forward: the name's resolver from the Base registry; its address for Base's coin type
//   (ENSIP-11: 0x80000000 | 8453), else its plain address record (older names).
import { namehash, parseAbi, type Address, type Hex } from "viem";
import { readContract } from "viem/actions";
import { orNull, rpcClient, type NameSource } from "./source";

export interface BasenamesSourceOptions {
  rpcUrl: string;
  chainId: bigint;
  registryAddress: string;
  /** ENSIP-19's reverse registrar there; without it only the older reverse records are read. */
  l2ReverseRegistrarAddress?: string;
  timeoutMs?: number;
}

const abi = parseAbi([
  "function resolver(bytes32 node) view returns (address)",
  "function addr(bytes32 node) view returns (address)",
  "function addr(bytes32 node, uint256 coinType) view returns (bytes)",
  "function name(bytes32 node) view returns (string)",
  "function text(bytes32 node, string key) view returns (string)",
  "function nameForAddr(address addr) view returns (string)",
]);

const ZERO = /^0x0{40}$/;

export function createBasenamesSource(opts: BasenamesSourceOptions): NameSource {
  const client = rpcClient(opts.rpcUrl, opts.timeoutMs);
  const registry = opts.registryAddress as Address;
  const coinType = 0x80000000n | opts.chainId;
  const reverseLabel = coinType.toString(16);
  const resolverOf = async (node: Hex) => {
    const r = await orNull(
      readContract(client, { address: registry, abi, functionName: "resolver", args: [node] }),
    );
    return r && !ZERO.test(r) ? r : null;
  };
  return {
    chainId: opts.chainId,
    suffix: "base.eth",
    async reverseNames(address) {
      const found: string[] = [];
      if (opts.l2ReverseRegistrarAddress) {
        const primary = await orNull(
          readContract(client, {
            address: opts.l2ReverseRegistrarAddress as Address,
            abi,
            functionName: "nameForAddr",
            args: [address as Address],
          }),
        );
        if (primary) found.push(primary);
      }
      const node = namehash(`${address.slice(2).toLowerCase()}.${reverseLabel}.reverse`);
      const resolver = await resolverOf(node);
      const legacy = resolver
        ? await orNull(
            readContract(client, { address: resolver, abi, functionName: "name", args: [node] }),
          )
        : null;
      if (legacy && !found.includes(legacy)) found.push(legacy);
      return found;
    },
    async addressOf(name) {
      const node = namehash(name);
      const resolver = await resolverOf(node);
      if (!resolver) return null;
      const forChain = await orNull(
        readContract(client, {
          address: resolver,
          abi,
          functionName: "addr",
          args: [node, coinType],
        }),
      );
      if (forChain && /^0x[0-9a-fA-F]{40}$/.test(forChain)) return forChain.toLowerCase();
      const plain = await orNull(
        readContract(client, { address: resolver, abi, functionName: "addr", args: [node] }),
      );
      return plain && !ZERO.test(plain) ? plain.toLowerCase() : null;
    },
    async text(name, key) {
      const node = namehash(name);
      const resolver = await resolverOf(node);
      if (!resolver) return null;
      const value = await orNull(
        readContract(client, { address: resolver, abi, functionName: "text", args: [node, key] }),
      );
      return value || null;
    },
  };
}
