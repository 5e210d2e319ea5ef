// The node runs these decoders on bytes from anyone: whatever arrives, the only
// failure is a typed MlsError (the node turns it into InvalidArgument, never a 500).
import { describe, expect, it } from "vitest";
import { randomBytes } from "../../crypto";
import { createKeyPackage, MlsError, parseKeyPackage, readMessageHeader } from "../index";
import { newSigner } from "./helpers";

function mutations(valid: Uint8Array, count: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const b = valid.slice();
    const kind = i % 4;
    if (kind === 0) b[i % b.length]! ^= 1 << (i % 8); // bit flip
    if (kind === 1)
      out.push(b.slice(0, i % b.length)); // truncation
    else if (kind === 2)
      b[(i * 7) % b.length] = 0xff; // length / tag corruption
    else if (kind === 3) out.push(randomBytes(1 + (i % 300))); // noise
    if (kind !== 1 && kind !== 3) out.push(b);
  }
  return out;
}

function onlyTypedErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(MlsError);
  }
}

describe("decoders on hostile bytes", () => {
  it("parseKeyPackage fails only with MlsError on 1,200 mutated key packages", async () => {
    const kp = await createKeyPackage(newSigner());
    for (const bytes of mutations(kp.keyPackageBytes, 1200))
      onlyTypedErrors(() => parseKeyPackage(bytes));
  });

  it("readMessageHeader fails only with MlsError on 1,200 mutated messages", async () => {
    const kp = await createKeyPackage(newSigner());
    // An MLSMessage framing (version 1, wire format 5 = key package) around a real key package.
    const framed = new Uint8Array([0x00, 0x01, 0x00, 0x05, ...kp.keyPackageBytes]);
    expect(readMessageHeader(framed).wireFormat).toBe("key_package");
    for (const bytes of mutations(framed, 1200)) onlyTypedErrors(() => readMessageHeader(bytes));
  });
});
