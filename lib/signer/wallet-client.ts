import type { WalletClient } from "viem";
import { checkAddress, checkSignature, SignerError, toSignerError } from "./errors";
import type { Signer } from "./types";

/** A viem WalletClient (e.g. from wagmi). The account is `address`, else the client's own, else its first address. */
export function signerFromWalletClient(client: WalletClient, address?: `0x${string}`): Signer {
  let resolved: Promise<`0x${string}`> | undefined;
  const account = (): Promise<`0x${string}`> => {
    resolved ??= (async () => {
      if (address) return checkAddress(address);
      if (client.account?.address) return checkAddress(client.account.address);
      let list: readonly string[];
      try {
        list = await client.getAddresses();
      } catch (e) {
        resolved = undefined;
        throw toSignerError(e);
      }
      if (!list[0]) {
        resolved = undefined;
        throw new SignerError("no_account", "the wallet is not connected to any account");
      }
      return checkAddress(list[0]);
    })();
    return resolved;
  };
  return {
    type: "EOA",
    getIdentifier: async () => ({ identifier: await account(), identifierKind: "Ethereum" }),
    async signMessage(text: string) {
      const addr = await account();
      // A local account on the client signs locally; otherwise the RPC account's address goes to the wallet.
      const signWith =
        client.account && client.account.address.toLowerCase() === addr ? client.account : addr;
      let result: unknown;
      try {
        result = await client.signMessage({ account: signWith, message: text });
      } catch (e) {
        throw toSignerError(e);
      }
      return checkSignature(result);
    },
  };
}
