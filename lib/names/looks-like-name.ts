// Whether a typed recipient is a name to resolve rather than an address (no dependencies,
// so views can ask it without loading the ENS code).

/** "alice.eth", "bob.base.eth": has a dot and is not a 0x address. */
export function looksLikeName(input: string): boolean {
  const s = input.trim();
  return s.includes(".") && !/^0x[0-9a-fA-F]{40}$/.test(s);
}
