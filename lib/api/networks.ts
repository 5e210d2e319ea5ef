// Named node environments (like XMTP's local / dev / production), configured by the
// operator as NEXT_PUBLIC_NETWORKS="local=http://localhost:3000,dev=https://dev.example".
// The web app lists them in Settings; the app server adds their origins to the CSP's
// connect-src so picking one works.

export interface Network {
  name: string;
  url: string;
}

/** Parses the list; a bad entry is an error naming it (a typo must not vanish silently). */
export function parseNetworks(spec: string | undefined): Network[] {
  const out: Network[] = [];
  for (const part of (spec ?? "").split(",")) {
    const entry = part.trim();
    if (!entry) continue;
    const eq = entry.indexOf("=");
    const name = eq > 0 ? entry.slice(0, eq).trim() : "";
    const url =
      eq > 0
        ? entry
            .slice(eq + 1)
            .trim()
            .replace(/\/+$/, "")
        : "";
    if (!name || !url) throw new Error(`NEXT_PUBLIC_NETWORKS: "${entry}" is not name=url`);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error(`NEXT_PUBLIC_NETWORKS: ${name}'s URL "${url}" is not a URL`);
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
      throw new Error(`NEXT_PUBLIC_NETWORKS: ${name}'s URL must be http:// or https://`);
    if (out.some((n) => n.name === name))
      throw new Error(`NEXT_PUBLIC_NETWORKS: "${name}" is named twice`);
    out.push({ name, url });
  }
  return out;
}
