import { checkAddress, SignerError, toSignerError } from "./errors";

/**
 * The signer's account, asked of the wallet once and remembered; a failed or empty
 * answer is forgotten so the next call asks again (the user may connect meanwhile).
 */
export function rememberedAccount(
  fixed: string | undefined,
  listAccounts: () => Promise<readonly unknown[] | unknown>,
): () => Promise<`0x${string}`> {
  let resolved: Promise<`0x${string}`> | undefined;
  return () => {
    resolved ??= (async () => {
      if (fixed) return checkAddress(fixed);
      let list: unknown;
      try {
        list = await listAccounts();
      } catch (e) {
        throw toSignerError(e);
      }
      if (!Array.isArray(list) || list.length === 0) {
        throw new SignerError("no_account", "the wallet is not connected to any account");
      }
      return checkAddress(list[0]);
    })().catch((e: unknown) => {
      resolved = undefined;
      throw e;
    });
    return resolved;
  };
}
