import { Code, ConnectError } from "@connectrpc/connect";

export type ApiErrorCode =
  | "invalid_argument"
  | "not_found"
  | "already_exists"
  | "failed_precondition"
  | "resource_exhausted"
  | "unavailable"
  | "deadline_exceeded"
  | "permission_denied"
  | "unauthenticated"
  | "aborted"
  | "canceled"
  | "data_loss"
  | "unimplemented"
  | "internal"
  | "unknown";

const CODE_NAMES: Partial<Record<Code, ApiErrorCode>> = {
  [Code.InvalidArgument]: "invalid_argument",
  [Code.NotFound]: "not_found",
  [Code.AlreadyExists]: "already_exists",
  [Code.FailedPrecondition]: "failed_precondition",
  [Code.ResourceExhausted]: "resource_exhausted",
  [Code.Unavailable]: "unavailable",
  [Code.DeadlineExceeded]: "deadline_exceeded",
  [Code.PermissionDenied]: "permission_denied",
  [Code.Unauthenticated]: "unauthenticated",
  [Code.Aborted]: "aborted",
  [Code.Canceled]: "canceled",
  [Code.DataLoss]: "data_loss",
  // A node without this RPC (older, or another implementation): retrying cannot help.
  [Code.Unimplemented]: "unimplemented",
  [Code.Internal]: "internal",
};

// Failures that say nothing about the request itself: try again later.
const RETRYABLE: ReadonlySet<ApiErrorCode> = new Set([
  "resource_exhausted",
  "unavailable",
  "deadline_exceeded",
  "aborted",
  "unknown",
]);

/** A node error with a stable code; `retryAfterMs` carries the node's back-off hint. */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
    override readonly cause?: unknown,
  ) {
    super(message);
  }

  static from(err: unknown, rpc: string): ApiError {
    if (err instanceof ApiError) return err;
    const ce = ConnectError.from(err);
    const code = CODE_NAMES[ce.code] ?? "unknown";
    const retryAfter = ce.metadata.get("retry-after");
    const retryAfterMs = retryAfter
      ? Math.max(0, Number(retryAfter) * 1000) || undefined
      : undefined;
    // A 429 without retry-after is a request too big to ever pass, not a busy node.
    const retryable =
      code === "resource_exhausted" ? retryAfterMs !== undefined : RETRYABLE.has(code);
    return new ApiError(code, `${rpc}: ${ce.rawMessage}`, retryable, retryAfterMs, err);
  }
}
