import type { WalletClient } from "viem";
import { rememberedAccount } from "./account";
import { checkSignature, toSignerError } from "./errors";
import type { Signer } from "./types";

/** A viem WalletClient (e.g. from wagmi). The account is `address`, else the client's own, else its first address. */
export function signerFromWalletClient(client: WalletClient, address?: `0x${string}`): Signer {
  const account = rememberedAccount(address ?? client.account?.address, () =>
    client.getAddresses(),
  );
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
