// A hand-written protobuf wire writer for golden tests: bytes assembled field by
// field from a .proto (tag = field << 3 | wire type), independent of the generated
// encoders they check. Only the wire types the commit log messages use.
const VARINT = 0;
const LEN = 2;

export function varint(n: bigint): number[] {
  if (n < 0n) throw new RangeError("negative varint");
  const out: number[] = [];
  do {
    const low = Number(n & 0x7fn);
    n >>= 7n;
    out.push(n > 0n ? low | 0x80 : low);
  } while (n > 0n);
  return out;
}

const tag = (field: number, wireType: number) => varint(BigInt((field << 3) | wireType));

/** A varint field (uint64, uint32, enum); proto3 omits the default 0. */
export function varintField(field: number, value: bigint | number): number[] {
  const v = BigInt(value);
  return v === 0n ? [] : [...tag(field, VARINT), ...varint(v)];
}

/** A length-delimited field (bytes, string, embedded message); proto3 omits empty bytes. */
export function bytesField(field: number, value: Uint8Array | number[]): number[] {
  const b = [...value];
  return b.length === 0 ? [] : [...tag(field, LEN), ...varint(BigInt(b.length)), ...b];
}

/** An embedded message field: present even when the message is empty. */
export function messageField(field: number, encoded: number[]): number[] {
  return [...tag(field, LEN), ...varint(BigInt(encoded.length)), ...encoded];
}

export const hex = (b: Uint8Array | number[]) => Buffer.from([...b]).toString("hex");
export const unhex = (h: string) => new Uint8Array(Buffer.from(h, "hex"));
