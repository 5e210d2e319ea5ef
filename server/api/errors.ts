// Connect errors with a sentence that names the bad field or the broken rule.
import { Code, ConnectError } from "@connectrpc/connect";
import { IdentityError } from "../../lib/identity";
import { MlsError } from "../../lib/mls";

export const invalidArgument = (msg: string) => new ConnectError(msg, Code.InvalidArgument);
export const failedPrecondition = (msg: string) => new ConnectError(msg, Code.FailedPrecondition);
export const notFound = (msg: string) => new ConnectError(msg, Code.NotFound);
export const alreadyExists = (msg: string) => new ConnectError(msg, Code.AlreadyExists);
export const unavailable = (msg: string) => new ConnectError(msg, Code.Unavailable);
export const resourceExhausted = (msg: string) => new ConnectError(msg, Code.ResourceExhausted);

/** Rules a retry cannot fix without another update first map to FailedPrecondition. */
export function fromIdentityError(err: IdentityError, prefix: string): ConnectError {
  const msg = `${prefix}: ${err.message}`;
  switch (err.code) {
    case "replayed_signature":
      return alreadyExists(msg);
    case "chain_unreachable":
      return unavailable(msg);
    case "too_many_installations":
    case "log_full":
    case "scw_unverifiable":
      return failedPrecondition(msg);
    default:
      return invalidArgument(msg);
  }
}

export function fromMlsError(err: MlsError, field: string): ConnectError {
  return invalidArgument(`${field}: ${err.message}`);
}

/** Wraps lib errors thrown by validation; anything else propagates (Internal). */
export function mapLibError(err: unknown, field: string): unknown {
  if (err instanceof IdentityError) return fromIdentityError(err, field);
  if (err instanceof MlsError) return fromMlsError(err, field);
  return err;
}
