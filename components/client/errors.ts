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

/** A client error's message as a sentence for display: capital first letter, final stop. */
export function asSentence(message: string): string {
  const s = message.trim();
  return s.charAt(0).toUpperCase() + s.slice(1) + (/[.!?]$/.test(s) ? "" : ".");
}
