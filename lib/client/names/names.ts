// ENS names for addresses, and addresses for typed names, cached in IndexedDB until they
// expire. Works only when the app configured an RPC for the names chain (chain 1 unless
// ClientOptions.names says otherwise); without one every answer is "no name" and the app
// shows addresses. A failed lookup is never cached and never throws from nameOf.
import type { EnsLookup } from "../../names/ens";
import { looksLikeName } from "../../names/looks-like-name";
import { getCachedName, putCachedName, type MessengerDb } from "../../storage";
import type { ChainRpcUrls } from "../../identity/scw/rpc-urls";
import { ClientError, normalizeAddress } from "../errors";

export interface NamesOptions {
  /** The chain ENS lives on; default 1 (Ethereum mainnet). */
  chainId?: bigint;
  /** The ENS Universal Resolver there; default ENS's own on chain 1. */
  universalResolverAddress?: string;
  /** How long an answer is kept; default 6 h ("no name": 30 min). */
  ttlMs?: number;
  missTtlMs?: number;
}

export class Names {
  private lookup?: Promise<EnsLookup>;
  private readonly inflight = new Map<string, Promise<string | null>>();

  constructor(
    private readonly db: MessengerDb,
    private readonly load: (() => Promise<EnsLookup>) | undefined,
    private readonly opts: NamesOptions = {},
  ) {}

  /** Whether names are looked up at all (an RPC for the names chain is configured). */
  get enabled(): boolean {
    return this.load !== undefined;
  }

  /** The address's ENS name (forward-verified), or undefined: none, no RPC, or the RPC failed. */
  async nameOf(address: string): Promise<string | undefined> {
    if (!this.load) return undefined;
    const a = normalizeAddress(address);
    try {
      return (await this.cached(`address:${a}`, (l) => l.nameOf(a))) ?? undefined;
    } catch {
      return undefined; // names are decoration: a lookup failure shows the address
    }
  }

  /**
   * An address for what a person typed: a 0x address as is, or a name resolved on the
   * chain. Throws ClientError invalid_address / names_unavailable / name_not_found.
   */
  async resolve(input: string): Promise<string> {
    const typed = input.trim();
    if (!looksLikeName(typed)) return normalizeAddress(typed);
    if (!this.load) {
      throw new ClientError(
        "names_unavailable",
        `"${typed}" looks like a name, and names cannot be looked up here (no RPC for chain ${this.chainId}): use the 0x address`,
      );
    }
    let lookup: EnsLookup;
    let name: string;
    try {
      const mod = await import("../../names/ens");
      lookup = await this.ens();
      name = mod.normalizeName(typed);
    } catch (err) {
      throw new ClientError("invalid_address", (err as Error).message);
    }
    let address: string | null;
    try {
      address = await this.cached(`name:${name}`, () => lookup.addressOf(name));
    } catch (err) {
      throw new ClientError(
        "names_unavailable",
        `could not look up ${name}: the RPC for chain ${this.chainId} did not answer`,
        true,
        err,
      );
    }
    if (!address) throw new ClientError("name_not_found", `${name} does not point to an address`);
    return address;
  }

  private get chainId(): bigint {
    return this.opts.chainId ?? 1n;
  }

  private ens(): Promise<EnsLookup> {
    return (this.lookup ??= this.load!());
  }

  /** One answer per lookup key: from the cache, else asked once (concurrent askers share it). */
  private async cached(
    key: string,
    ask: (lookup: EnsLookup) => Promise<string | null>,
  ): Promise<string | null> {
    const hit = await getCachedName(this.db, key).catch(() => undefined);
    if (hit) return hit.value;
    const running = this.inflight.get(key);
    if (running) return running;
    const job = (async () => {
      const value = await ask(await this.ens());
      const ttl = value ? (this.opts.ttlMs ?? 6 * 3600_000) : (this.opts.missTtlMs ?? 1800_000);
      await putCachedName(this.db, key, value, Date.now() + ttl).catch(() => undefined);
      return value;
    })().finally(() => this.inflight.delete(key));
    this.inflight.set(key, job);
    return job;
  }
}

/** Names through the RPC for the names chain in `urls`, or disabled when there is none. */
export function namesFor(
  db: MessengerDb,
  urls: ChainRpcUrls | undefined,
  opts: NamesOptions = {},
): Names {
  const chainId = opts.chainId ?? 1n;
  const rpcUrl = urls?.get(chainId);
  const load = rpcUrl
    ? () =>
        import("../../names/ens").then((m) =>
          m.createEnsLookup({
            rpcUrl,
            chainId,
            ...(opts.universalResolverAddress
              ? { universalResolverAddress: opts.universalResolverAddress }
              : {}),
          }),
        )
    : undefined;
  return new Names(db, load, opts);
}
