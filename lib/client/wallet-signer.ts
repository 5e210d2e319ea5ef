// The Signer for a wallet the app connected (wagmi's WalletClient): a smart-contract
// wallet (type SCW) when its address holds contract code on the wallet's chain, which
// this client can see only through its own RPC for that chain; an EOA otherwise.
import type { WalletClient } from "viem";
import { signerFromWalletClient, type Signer } from "../signer";
import { chainVerifierFor, type ChainRpcUrlsOption } from "./chain";

export async function signerForWallet(
  client: WalletClient,
  address: `0x${string}`,
  opts: { chainRpcUrls?: ChainRpcUrlsOption } = {},
): Promise<Signer> {
  const chain = chainVerifierFor(opts.chainRpcUrls);
  if (!chain) return signerFromWalletClient(client, address);
  const chainId = BigInt(client.chain?.id ?? (await client.getChainId()));
  if (!chain.chainIds.includes(chainId)) return signerFromWalletClient(client, address);
  const contract = await chain.isContract(chainId, address);
  return signerFromWalletClient(client, address, contract ? { chainId } : undefined);
}
