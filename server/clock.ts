// Node timestamps in nanoseconds, strictly increasing within the process so two
// envelopes stamped back to back never share a created_ns.
let last = 0n;

export function nowNs(): bigint {
  let t = BigInt(Date.now()) * 1_000_000n;
  if (t <= last) t = last + 1n;
  last = t;
  return t;
}
