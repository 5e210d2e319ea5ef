// ENS on one chain through viem (getEnsName / getEnsAddress / getEnsText via the ENS Universal
// Resolver, which follows CCIP-read, so names whose records live off chain or on an L2 behind
// an L1 resolver resolve too). What is believed is decided in lookup.ts.
import type { Address } from "viem";
import { getEnsAddress, getEnsName, getEnsText } from "viem/actions";
import { mainnet } from "viem/chains";
import { normalize } from "viem/ens";
import { rpcClient, type NameSource } from "./source";

export class NameError extends Error {
  override readonly name = "NameError";
}

export interface EnsSourceOptions {
  rpcUrl: string;
  chainId: bigint;
  /** Default: ENS's on Ethereum mainnet (chain 1); other chains must name theirs. */
  universalResolverAddress?: string;
  timeoutMs?: number;
}

/** ENSIP-15 normalisation ("Alice.ETH" -> "alice.eth"); NameError naming the input if invalid. */
export function normalizeName(input: string): string {
  try {
    return normalize(input.trim());
  } catch (err) {
    throw new NameError(
      `"${input.slice(0, 100)}" is not a valid ENS name: ${(err as Error).message.split("\n")[0]}`,
    );
  }
}

export function createEnsSource(opts: EnsSourceOptions): NameSource {
  const resolverAddress =
    opts.universalResolverAddress ??
    (opts.chainId === BigInt(mainnet.id)
      ? mainnet.contracts.ensUniversalResolver.address
      : undefined);
  if (!resolverAddress) {
    throw new NameError(
      `names on chain ${opts.chainId} need the ENS Universal Resolver's address there`,
    );
  }
  const universalResolverAddress = resolverAddress as Address;
  const client = rpcClient(opts.rpcUrl, opts.timeoutMs);
  return {
    chainId: opts.chainId,
    async reverseNames(address) {
      const claimed = await getEnsName(client, {
        address: address as Address,
        universalResolverAddress,
      });
      return claimed ? [claimed] : [];
    },
    async addressOf(name) {
      const found = await getEnsAddress(client, { name, universalResolverAddress });
      return found ? found.toLowerCase() : null;
    },
    text: (name, key) => getEnsText(client, { name, key, universalResolverAddress }),
  };
}
