// A send's rate-limit charge taken by the send's own statement. With buckets in
// PostgreSQL, a separate take was one of a send's two round trips to the database;
// the gate (rate-limit.ts) leaves the charge in the call's context instead, the
// interceptor sets its cost by size (write-cost.ts), and the store takes it in the
// insert (store/rate-buckets.ts). A refused send stores nothing and gets the same
// ResourceExhausted, retry-after and refund as from the gate.
import type { HandlerContext } from "@connectrpc/connect";
import { WriteRefusedError } from "../store";
import type { BucketCharge } from "../store/rate-buckets";
import { writeChargeKey } from "./rate-limit";

/** Runs `write` with the call's deferred charge (if any) and answers its refusal. */
export async function chargedWrite<T>(
  ctx: HandlerContext,
  write: (charge: BucketCharge | undefined) => Promise<T>,
): Promise<T> {
  const deferred = ctx.values.get(writeChargeKey);
  if (!deferred) return write(undefined);
  try {
    const out = await write(deferred.charge);
    deferred.taken = true;
    return out;
  } catch (err) {
    if (err instanceof WriteRefusedError) return deferred.refuse(err.taken);
    throw err; // not taken: charged when the call ends (deferWrite)
  }
}
