const ADDRESS_RE = /^0x[0-9a-fA-F]{40}$/;

/** 0x1234…abcd — what people recognise an address by. */
export function shortAddress(address: string | undefined): string {
  if (!address) return "Unknown";
  // One spelling everywhere (wallets hand us checksummed, the network lowercase).
  const a = address.toLowerCase();
  return a.length > 12 ? `${a.slice(0, 6)}…${a.slice(-4)}` : a;
}

export function isAddress(value: string): boolean {
  return ADDRESS_RE.test(value);
}

/** "alice.eth", "bob.base.eth": a name to look up rather than an address (has a dot, no 0x form). */
export function looksLikeName(value: string): boolean {
  const v = value.trim();
  return v.includes(".") && !isAddress(v);
}

/** Why a half-typed address is not one yet (undefined when it is valid or empty). */
export function addressProblem(value: string): string | undefined {
  const v = value.trim();
  if (v === "" || isAddress(v)) return undefined;
  if (!v.startsWith("0x")) return "An address starts with 0x";
  const body = v.slice(2);
  if (/[^0-9a-fA-F]/.test(body)) return "Only the digits 0–9 and letters a–f can follow 0x";
  if (body.length < 40) return `${40 - body.length} more characters needed`;
  return `${body.length - 40} characters too many`;
}

/** A stable hue per address, for avatars. */
export function hueOf(seed: string): number {
  let h = 0;
  for (let i = 0; i < seed.length; i++) h = (h * 31 + seed.charCodeAt(i)) >>> 0;
  return h % 360;
}
