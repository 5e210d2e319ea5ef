import { isClientError, isSignerError } from "@/components/client/errors";

/** A failed revocation → a sentence a person can act on (nothing was removed in any case). */
export function revokeErrorMessage(err: unknown, apiUrl: string): string {
  if (isSignerError(err)) {
    if (err.code === "signature_rejected")
      return "You declined the signature in your wallet, so no device was removed. Try again when you're ready.";
    if (err.code === "no_account")
      return "Your wallet isn't sharing an account. Unlock it and try again.";
    return `Your wallet couldn't sign: ${err.message}`;
  }
  if (isClientError(err, "identity_mismatch"))
    return "The connected wallet is not the one that owns this inbox. Switch to that account in your wallet and try again.";
  if (isClientError(err)) return `Couldn't remove the device: ${err.message}`;
  if (err instanceof TypeError)
    return `Couldn't reach the message node${apiUrl ? ` at ${apiUrl}` : ""}. Check your connection and try again.`;
  return `Couldn't remove the device: ${err instanceof Error ? err.message : String(err)}`;
}
