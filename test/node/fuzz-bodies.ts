// Body generators for the fuzz test: mutations of real valid requests (bit flips,
// truncation, length-field corruption, splices), random bytes, random JSON shapes.
// Deterministic from a seed so a failure can be replayed.
import type { DescMessage } from "@bufbuild/protobuf";

export class Rng {
  constructor(private s: number) {}
  /** mulberry32 */
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  bytes(n: number): Uint8Array {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }
}

const HUGE_VARINT = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f);

/** One protobuf mutation of `valid`. */
export function mutateBinary(rng: Rng, valid: Uint8Array): Uint8Array {
  const b = Uint8Array.from(valid);
  switch (rng.int(8)) {
    case 0: {
      // bit flips
      const flips = 1 + rng.int(8);
      for (let i = 0; i < flips && b.length > 0; i++) b[rng.int(b.length)]! ^= 1 << rng.int(8);
      return b;
    }
    case 1:
      return b.slice(0, rng.int(b.length + 1)); // truncation
    case 2: {
      // length / tag corruption: a byte set to a boundary value
      if (b.length > 0) b[rng.int(b.length)] = rng.pick([0x00, 0x01, 0x7f, 0x80, 0xff, 0x0a, 0x12]);
      return b;
    }
    case 3: {
      // a huge varint inserted (a length of ~4 GiB, or a field number out of range)
      const at = rng.int(b.length + 1);
      return concat(b.slice(0, at), HUGE_VARINT, b.slice(at));
    }
    case 4: {
      // a segment duplicated (repeated fields, overlong messages)
      const from = rng.int(b.length + 1);
      const to = from + rng.int(b.length - from + 1);
      const at = rng.int(b.length + 1);
      return concat(b.slice(0, at), b.slice(from, to), b.slice(at));
    }
    case 5:
      return rng.bytes(rng.int(600)); // noise
    case 6: {
      // random bytes overwritten in place
      for (let i = 0, n = 1 + rng.int(16); i < n && b.length > 0; i++)
        b[rng.int(b.length)] = rng.int(256);
      return b;
    }
    default: {
      // a random field tag with a random wire type and a lying length
      const tag = ((1 + rng.int(40)) << 3) | rng.int(8);
      return concat(b, Uint8Array.of(tag & 0x7f, 2 + rng.int(250)), rng.bytes(rng.int(8)));
    }
  }
}

const SCALARS: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  Number.POSITIVE_INFINITY,
  -0,
  2 ** 64,
  "18446744073709551616",
  "-9223372036854775809",
  "",
  "AAAA",
  "!!not base64!!",
  "x".repeat(3000),
  "\u0000\ud800",
  "NaN",
  "Infinity",
  [],
  {},
];

export function randomJson(rng: Rng, schema: DescMessage | undefined, depth = 0): unknown {
  if (depth > 4 || rng.int(4) === 0) return rng.pick(SCALARS);
  if (rng.int(5) === 0)
    return Array.from({ length: rng.int(4) }, () => randomJson(rng, schema, depth + 1));
  const out: Record<string, unknown> = {};
  const fields = schema?.fields ?? [];
  for (let i = 0, n = rng.int(5); i < n; i++) {
    const f = fields.length > 0 && rng.int(5) > 0 ? rng.pick(fields) : undefined;
    const name = f
      ? rng.int(2)
        ? f.jsonName
        : f.name
      : rng.pick(["@type", "__proto__", "constructor", "z"]);
    out[name] = randomJson(rng, f?.message, depth + 1);
  }
  return out;
}

/** Replaces one value deep inside a valid JSON request with something of another shape. */
export function mutateJson(rng: Rng, valid: unknown, schema: DescMessage): string {
  const copy = JSON.parse(JSON.stringify(valid)) as unknown;
  const mode = rng.int(5);
  if (mode === 0) return JSON.stringify(randomJson(rng, schema));
  const text = JSON.stringify(mutateTree(rng, copy, schema));
  if (mode === 1) return text.slice(0, rng.int(text.length + 1)); // truncated text
  if (mode === 2) {
    const at = rng.int(text.length + 1);
    return (
      text.slice(0, at) +
      rng.pick(["{", "}", '"', ",", "]", "\\", "\u0000", "1e99999"]) +
      text.slice(at)
    );
  }
  return text;
}

function mutateTree(rng: Rng, node: unknown, schema: DescMessage | undefined): unknown {
  if (node === null || typeof node !== "object") return randomJson(rng, schema);
  const keys = Object.keys(node);
  if (keys.length === 0 || rng.int(6) === 0) return randomJson(rng, schema);
  const k = rng.pick(keys);
  const rec = node as Record<string, unknown>;
  const f = schema?.fields.find((x) => x.jsonName === k);
  rec[k] = rng.int(3) === 0 ? rng.pick(SCALARS) : mutateTree(rng, rec[k], f?.message);
  return node;
}

/** Connect / gRPC-web streaming envelope, sometimes with a lying header. */
export function envelope(rng: Rng, payload: Uint8Array, corrupt: boolean): Uint8Array {
  const head = new Uint8Array(5);
  const dv = new DataView(head.buffer);
  head[0] = corrupt && rng.int(2) ? rng.int(256) : 0;
  dv.setUint32(
    1,
    corrupt
      ? rng.pick([0, payload.length + 1 + rng.int(100), 0xffffffff, rng.int(2 ** 31)])
      : payload.length,
  );
  return concat(head, payload);
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
