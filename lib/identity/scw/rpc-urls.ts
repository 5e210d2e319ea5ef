// Which JSON-RPC endpoint answers for which EVM chain: "1=https://…,8453=https://…"
// (CHAIN_RPC_URLS on the node, NEXT_PUBLIC_CHAIN_RPC_URLS in the web app).

/** Chain ID -> http(s) URL of a JSON-RPC endpoint on that chain. */
export type ChainRpcUrls = ReadonlyMap<bigint, string>;

/**
 * Parses the list; a bad entry is an Error naming it and `name` (the variable),
 * so a typo stops the start instead of silently leaving a chain unverifiable.
 */
export function parseChainRpcUrls(spec: string | undefined, name: string): Map<bigint, string> {
  const out = new Map<bigint, string>();
  for (const part of (spec ?? "").split(",")) {
    const entry = part.trim();
    if (!entry) continue;
    const eq = entry.indexOf("=");
    const chain = eq > 0 ? entry.slice(0, eq).trim() : "";
    const url = eq > 0 ? entry.slice(eq + 1).trim() : "";
    if (!/^[1-9]\d{0,19}$/.test(chain) || !url) {
      throw new Error(
        `${name}: "${entry.slice(0, 80)}" is not <chain id>=<url> (e.g. 8453=https://mainnet.base.org)`,
      );
    }
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error(`${name}: the URL for chain ${chain} ("${url.slice(0, 80)}") is not a URL`);
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
      throw new Error(`${name}: the URL for chain ${chain} must be http:// or https://`);
    }
    const id = BigInt(chain);
    if (out.has(id)) throw new Error(`${name}: chain ${chain} is named twice`);
    out.set(id, url);
  }
  return out;
}
