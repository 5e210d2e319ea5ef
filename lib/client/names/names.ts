// Names (ENS on Ethereum, Basenames on Base) and their avatars for addresses, and addresses
// for typed names, cached in IndexedDB until they expire. A chain is used only when the app
// configured an RPC for it; with none every answer is "no name" and the app shows addresses.
// A failed lookup is never cached and never throws from nameOf / profileOf.
import type { NameLookup, NameProfile, ResolvedName } from "../../names";
import { avatarUrl } from "../../names/avatar";
import { DEFAULT_NAME_CHAINS, type NameChain } from "../../names/chains";
import { looksLikeName } from "../../names/looks-like-name";
import { getCachedName, putCachedName, type MessengerDb } from "../../storage";
import type { ChainRpcUrls } from "../../identity/scw/rpc-urls";
import { ClientError, normalizeAddress } from "../errors";

export type { NameChain } from "../../names/chains";

export interface NamesOptions {
  /** Where names are looked up, in this order; default ENS on chain 1, then Basenames on 8453. */
  chains?: NameChain[];
  /** An IPFS HTTP gateway for ipfs:// avatars; without one they are not shown. */
  ipfsGateway?: string;
  /** How long an answer is kept (name and avatar together); default 6 h ("no name": 30 min). */
  ttlMs?: number;
  missTtlMs?: number;
}

/** A verified name, with the avatar image to load (when its record is a kind this app shows). */
export interface NameInfo {
  name: string;
  /** The chain that gave and verified the name. */
  chainId: bigint;
  avatarUrl?: string;
}

/** What a typed name resolved to. */
export interface ResolvedNameInfo extends NameInfo {
  address: string;
}

export class Names {
  private lookup?: Promise<NameLookup>;
  private readonly inflight = new Map<string, Promise<unknown>>();

  constructor(
    private readonly db: MessengerDb,
    private readonly load: (() => Promise<NameLookup>) | undefined,
    private readonly opts: NamesOptions = {},
    /** The chains in use, for messages. */
    private readonly chainIds: bigint[] = [],
  ) {}

  /** Whether names are looked up at all (an RPC for a names chain is configured). */
  get enabled(): boolean {
    return this.load !== undefined;
  }

  /** The address's verified name and avatar, or undefined: none, no RPC, or the RPC failed. */
  async profileOf(address: string): Promise<NameInfo | undefined> {
    if (!this.load) return undefined;
    const a = normalizeAddress(address);
    try {
      const p = await this.cached<NameProfile>(`profile:${a}`, (l) => l.profileOf(a));
      return p ? this.info(p) : undefined;
    } catch {
      return undefined; // names are decoration: a lookup failure shows the address
    }
  }

  /** The address's verified name (ENS or Basename), or undefined. */
  async nameOf(address: string): Promise<string | undefined> {
    return (await this.profileOf(address))?.name;
  }

  /**
   * An address for what a person typed: a 0x address as is, or a name resolved on its chain.
   * Throws ClientError invalid_address / names_unavailable / name_not_found.
   */
  async resolve(input: string): Promise<string> {
    const typed = input.trim();
    if (!looksLikeName(typed)) return normalizeAddress(typed);
    return (await this.resolveName(typed)).address;
  }

  /** A typed name: where it points, its normalised form and its avatar. Errors as resolve(). */
  async resolveName(input: string): Promise<ResolvedNameInfo> {
    const typed = input.trim();
    if (!this.load) {
      throw new ClientError(
        "names_unavailable",
        `"${typed}" looks like a name, and names cannot be looked up here (no RPC for a names chain): use the 0x address`,
      );
    }
    let mod: typeof import("../../names");
    let lookup: NameLookup;
    let name: string;
    try {
      mod = await import("../../names");
      lookup = await this.names();
      name = mod.normalizeName(typed);
    } catch (err) {
      throw new ClientError("invalid_address", (err as Error).message);
    }
    let found: ResolvedName | null;
    try {
      found = await this.cached<ResolvedName>(`resolve:${name}`, () => lookup.resolve(name));
    } catch (err) {
      if (err instanceof mod.NoNameSourceError) {
        throw new ClientError("names_unavailable", `${err.message}: use the 0x address`);
      }
      throw new ClientError(
        "names_unavailable",
        `could not look up ${name}: the RPC for chain ${this.chainIds.join(" / ")} did not answer`,
        true,
        err,
      );
    }
    if (!found) throw new ClientError("name_not_found", `${name} does not point to an address`);
    return { ...this.info(found), address: found.address };
  }

  private info(p: NameProfile): NameInfo {
    const url = avatarUrl(
      p.avatar,
      this.opts.ipfsGateway ? { ipfsGateway: this.opts.ipfsGateway } : {},
    );
    return { name: p.name, chainId: BigInt(p.chainId), ...(url ? { avatarUrl: url } : {}) };
  }

  private names(): Promise<NameLookup> {
    return (this.lookup ??= this.load!());
  }

  /** One answer per lookup key: from the cache, else asked once (concurrent askers share it). */
  private async cached<T>(
    key: string,
    ask: (lookup: NameLookup) => Promise<T | null>,
  ): Promise<T | null> {
    const hit = await getCachedName(this.db, key).catch(() => undefined);
    if (hit) return hit.value as T | null;
    const running = this.inflight.get(key);
    if (running) return running as Promise<T | null>;
    const job = (async () => {
      const value = await ask(await this.names());
      const ttl = value ? (this.opts.ttlMs ?? 6 * 3600_000) : (this.opts.missTtlMs ?? 1800_000);
      await putCachedName(this.db, key, value, Date.now() + ttl).catch(() => undefined);
      return value;
    })().finally(() => this.inflight.delete(key));
    this.inflight.set(key, job);
    return job;
  }
}

/** Names through the RPCs in `urls` for the names chains, or disabled when there is none. */
export function namesFor(
  db: MessengerDb,
  urls: ChainRpcUrls | undefined,
  opts: NamesOptions = {},
): Names {
  const usable = (opts.chains ?? DEFAULT_NAME_CHAINS).flatMap((chain) => {
    const rpcUrl = urls?.get(chain.chainId);
    return rpcUrl ? [{ chain, rpcUrl }] : [];
  });
  const load = usable.length
    ? () => import("../../names").then((m) => m.createNames(usable))
    : undefined;
  return new Names(
    db,
    load,
    opts,
    usable.map((u) => u.chain.chainId),
  );
}
