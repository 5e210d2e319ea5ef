import { toHex, utf8 } from "../crypto";
import { rememberedAccount } from "./account";
import { checkSignature, toSignerError } from "./errors";
import type { Signer } from "./types";

export interface Eip1193Provider {
  request(args: { method: string; params?: unknown }): Promise<unknown>;
}

/** A raw injected wallet (window.ethereum or an EIP-6963 provider); personal_sign with a hex-encoded UTF-8 message. */
export function signerFromEip1193(provider: Eip1193Provider, address?: string): Signer {
  const account = rememberedAccount(address, async () => {
    const list = await provider.request({ method: "eth_accounts" });
    if (Array.isArray(list) && list.length > 0) return list;
    return provider.request({ method: "eth_requestAccounts" });
  });
  return {
    type: "EOA",
    getIdentifier: async () => ({ identifier: await account(), identifierKind: "Ethereum" }),
    async signMessage(text: string) {
      const addr = await account();
      let result: unknown;
      try {
        result = await provider.request({
          method: "personal_sign",
          params: ["0x" + toHex(utf8(text)), addr],
        });
      } catch (e) {
        throw toSignerError(e);
      }
      return checkSignature(result);
    },
  };
}
