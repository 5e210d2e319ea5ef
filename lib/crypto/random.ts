export function randomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  // getRandomValues is capped at 65,536 bytes per call.
  for (let i = 0; i < length; i += 65_536) {
    crypto.getRandomValues(out.subarray(i, Math.min(length, i + 65_536)));
  }
  return out;
}
