import { isClientError, isSignerError } from "@/components/client/errors";

/** A failure during activation → a sentence a person can act on. */
export function activationErrorMessage(err: unknown, apiUrl: string): string {
  if (isSignerError(err)) {
    if (err.code === "signature_rejected")
      return "You declined the signature in your wallet. Nothing was created — try again when you're ready.";
    if (err.code === "no_account")
      return "Your wallet isn't sharing an account. Unlock it and try again.";
    return `Your wallet couldn't sign: ${err.message}`;
  }
  if (isClientError(err)) return `Activation failed: ${err.message}`;
  if (err instanceof TypeError)
    return `Couldn't reach the message node${apiUrl ? ` at ${apiUrl}` : ""}. Check your connection and try again.`;
  return `Activation failed: ${err instanceof Error ? err.message : String(err)}`;
}
