// Error checks by name and code, so views need not import lib/client's classes
// (which would pull the whole protocol stack into the first-load bundle).
type Coded = { name?: unknown; code?: unknown; message?: unknown };

export function isClientError(err: unknown, code?: string): err is Error & { code: string } {
  const e = err as Coded | null;
  return !!e && e.name === "ClientError" && (code === undefined || e.code === code);
}

export function isSignerError(err: unknown, code?: string): err is Error & { code: string } {
  const e = err as Coded | null;
  return !!e && e.name === "SignerError" && (code === undefined || e.code === code);
}

/** What a person is told when the node's answer about an address contradicts its signed log. */
export const NODE_INCONSISTENT_TEXT =
  "The network node gave a false answer about who owns this address: it named an account this address never joined. Nothing was sent. The node may be faulty or compromised, so don't message this address through it.";
