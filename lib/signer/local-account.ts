import type { LocalAccount } from "viem";
import { checkAddress, checkSignature, toSignerError } from "./errors";
import type { Signer } from "./types";

/** A viem local account (private key in memory) — the ephemeral wallet and tests. */
export function signerFromLocalAccount(account: LocalAccount): Signer {
  const address = checkAddress(account.address);
  return {
    type: "EOA",
    getIdentifier: () => ({ identifier: address, identifierKind: "Ethereum" }),
    async signMessage(text: string) {
      let result: unknown;
      try {
        result = await account.signMessage({ message: text });
      } catch (e) {
        throw toSignerError(e);
      }
      return checkSignature(result);
    },
  };
}
