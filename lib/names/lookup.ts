// Names across chains, believed only when forward-verified: a reverse record is anyone's
// claim, so a name is an address's name only when, on the SAME chain that gave it, it
// resolves back to that address (ENS's rule for primary names). The avatar record is read
// from that name on that chain, so an avatar is never shown for a claim that failed.
import { MAX_DATA_URL } from "./avatar";
import { NameError, normalizeName } from "./ens";
import type { NameSource } from "./source";

export interface NameProfile {
  name: string;
  /** The chain whose records gave and verified the name (decimal). */
  chainId: string;
  /** The raw ENSIP-12 `avatar` text record; null when none (or longer than any we show). */
  avatar: string | null;
}

export interface ResolvedName extends NameProfile {
  /** Lowercase 0x address. */
  address: string;
}

export interface NameLookup {
  /** The address's verified name, from the first source (in order) that has one; null: none. */
  profileOf(address: string): Promise<NameProfile | null>;
  /** Where a typed name points, and its avatar; null: nowhere. NameError if malformed. */
  resolve(name: string): Promise<ResolvedName | null>;
}

/** A typed name no configured chain answers for (e.g. alice.eth with only Base configured). */
export class NoNameSourceError extends NameError {}

export function createNameLookup(sources: NameSource[]): NameLookup {
  const avatarOf = async (source: NameSource, name: string) => {
    const record = await source.text(name, "avatar");
    return record && record.length <= MAX_DATA_URL ? record : null;
  };
  /** Basenames for *.base.eth when configured, else the first source that takes any name. */
  const sourceFor = (name: string) =>
    sources.find((s) => s.suffix && (name === s.suffix || name.endsWith(`.${s.suffix}`))) ??
    sources.find((s) => s.suffix === undefined);
  return {
    async profileOf(address) {
      const a = address.toLowerCase();
      for (const source of sources) {
        for (const claimed of await source.reverseNames(a)) {
          let name: string;
          try {
            name = normalizeName(claimed);
          } catch {
            continue; // a reverse record that is not a valid name names nobody
          }
          if ((await source.addressOf(name)) !== a) continue; // a false claim
          return { name, chainId: String(source.chainId), avatar: await avatarOf(source, name) };
        }
      }
      return null;
    },
    async resolve(input) {
      const name = normalizeName(input);
      const source = sourceFor(name);
      if (!source) throw new NoNameSourceError(`no chain configured here resolves ${name}`);
      const address = await source.addressOf(name);
      if (!address) return null;
      return {
        name,
        address,
        chainId: String(source.chainId),
        avatar: await avatarOf(source, name),
      };
    },
  };
}
