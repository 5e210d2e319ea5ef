import type { WalletClient } from "viem";
import { rememberedAccount } from "./account";
import { checkSignature, ECDSA_SIGNATURE_LENGTH, toSignerError } from "./errors";
import type { Signer } from "./types";

/**
 * A viem WalletClient (e.g. from wagmi). The account is `address`, else the client's own, else
 * its first address. `smartWallet`: the account is a contract wallet on that chain (ERC-1271 /
 * ERC-6492 signatures of any length, verified on the chain).
 */
export function signerFromWalletClient(
  client: WalletClient,
  address?: `0x${string}`,
  smartWallet?: { chainId: bigint },
): Signer {
  const account = rememberedAccount(address ?? client.account?.address, () =>
    client.getAddresses(),
  );
  return {
    type: smartWallet ? "SCW" : "EOA",
    ...(smartWallet ? { getChainId: () => smartWallet.chainId } : {}),
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
      return checkSignature(result, smartWallet ? null : ECDSA_SIGNATURE_LENGTH);
    },
  };
}
