// ENS lookups on one chain through viem (getEnsName / getEnsAddress via the ENS Universal
// Resolver). A reverse record is anyone's claim, so `nameOf` trusts it only when the name
// resolves forward to the same address (ENS's own rule for primary names).
import { createPublicClient, http, type Address, type PublicClient } from "viem";
import { getEnsAddress, getEnsName } from "viem/actions";
import { mainnet } from "viem/chains";
import { normalize } from "viem/ens";

export interface EnsLookup {
  /** The address's primary name, forward-verified; null when it has none (or a false one). */
  nameOf(address: string): Promise<string | null>;
  /** The address a name resolves to (lowercase); null when none. Throws NameError for a malformed name. */
  addressOf(name: string): Promise<string | null>;
}

export class NameError extends Error {
  override readonly name = "NameError";
}

export interface EnsLookupOptions {
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

export function createEnsLookup(opts: EnsLookupOptions): EnsLookup {
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
  const client: PublicClient = createPublicClient({
    transport: http(opts.rpcUrl, { timeout: opts.timeoutMs ?? 10_000, retryCount: 1 }),
  });
  const addressOf = async (name: string): Promise<string | null> => {
    const found = await getEnsAddress(client, {
      name: normalizeName(name),
      universalResolverAddress,
    });
    return found ? found.toLowerCase() : null;
  };
  return {
    addressOf,
    async nameOf(address) {
      const claimed = await getEnsName(client, {
        address: address as Address,
        universalResolverAddress,
      });
      if (!claimed) return null;
      let name: string;
      try {
        name = normalizeName(claimed);
      } catch {
        return null; // a reverse record that is not a valid name names nobody
      }
      // Only a name that points back at this address is its name.
      return (await addressOf(name)) === address.toLowerCase() ? name : null;
    },
  };
}
