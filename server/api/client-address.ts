// Who is calling, as the rate limiter keys it.
//
// Behind TRUST_PROXY=N the client address is the entry the N-th trusted proxy
// (counted from us) appended to X-Forwarded-For: proxies APPEND the address they
// saw, so the leftmost entries are whatever the client wrote and only the last N
// were written by proxies we run. An entry that is not an IP address (a proxy
// misconfiguration) falls back to the socket's address.
//
// One person gets a whole IPv6 /64 from their provider (RFC 6177), so IPv6 is
// bucketed by /64: per-/128 buckets would hand them 2^64 budgets. An IPv4-mapped
// IPv6 address (::ffff:a.b.c.d, what a dual-stack socket reports) is the IPv4 one.
import type http from "node:http";
import net from "node:net";

/** The value of the `hops`-th X-Forwarded-For entry counted from the right (1 = rightmost). */
export function forwardedHop(
  header: string | string[] | undefined,
  hops: number,
): string | undefined {
  if (hops < 1 || header === undefined) return undefined;
  // Several X-Forwarded-For lines are one list in order (RFC 9110 §5.3).
  const entries = (Array.isArray(header) ? header.join(",") : header)
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (entries.length === 0) return undefined;
  // Fewer entries than trusted hops: every entry was written by a trusted proxy; the
  // leftmost is the closest to the client that we have.
  return entries[Math.max(0, entries.length - hops)];
}

/** "1.2.3.4:80", "[::1]:80", "fe80::1%eth0" → the bare address; undefined if not an IP. */
export function bareIp(raw: string): string | undefined {
  let s = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(s);
  if (bracketed) s = bracketed[1]!;
  else if (/^\d{1,3}(?:\.\d{1,3}){3}:\d{1,5}$/.test(s)) s = s.slice(0, s.lastIndexOf(":"));
  s = s.replace(/%.*$/, ""); // IPv6 zone id
  return net.isIP(s) ? s : undefined;
}

/** The eight 16-bit groups of an IPv6 address (a trailing dotted IPv4 is folded in). */
function ipv6Groups(ip: string): number[] {
  let s = ip.toLowerCase();
  const v4 = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    s = `${s.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = s.includes("::") ? s.split("::") : [s, undefined];
  const parse = (part: string | undefined) =>
    part ? part.split(":").map((g) => parseInt(g, 16)) : [];
  const left = parse(head);
  if (tail === undefined) return left;
  const right = parse(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/** The rate-limit key of an address: IPv4 as is, IPv6 as its /64, IPv4-mapped IPv6 as IPv4. */
export function addressKey(ip: string): string {
  if (net.isIPv4(ip)) return ip;
  if (!net.isIPv6(ip)) return ip.slice(0, 64);
  const g = ipv6Groups(ip);
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) {
    const hi = g[6]!;
    const lo = g[7]!;
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return `${g
    .slice(0, 4)
    .map((x) => x.toString(16))
    .join(":")}::/64`;
}

/** The caller's rate-limit key: the socket's address, or the trusted proxies' hop. */
export function clientAddress(req: http.IncomingMessage, trustedHops: number): string {
  const forwarded = forwardedHop(req.headers["x-forwarded-for"], trustedHops);
  const ip = (forwarded && bareIp(forwarded)) ?? bareIp(req.socket.remoteAddress ?? "");
  return ip ? addressKey(ip) : "unknown";
}
